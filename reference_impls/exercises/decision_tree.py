"""Exercise: a CART decision tree with gini / entropy splits."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import blobs
from reference_impls.exercises._fresh import fresh


def impurity_cases():
    counts = np.array([[5, 5, 0], [10, 0, 0], [1, 2, 3], [0, 0, 0]])
    for criterion in ("gini", "entropy"):
        yield Case(criterion, (counts, criterion), note="rows: a 50/50 node, a pure node, a mixed one, an empty one")
    for rng, shape, _, s in fresh([(4, 3), (1, 2), (5, 6)], ("int64",), seed=19050, n=2):  # counts drawn afresh
        yield Case("fresh", (rng.integers(0, 12, shape), str(rng.choice(["gini", "entropy"]))), seed=s)


def split_cases():
    for j, (n, k, d) in enumerate([(40, 2, 2), (60, 3, 4), (30, 4, 3)]):
        X, y = blobs(19000 + j, n, k, d, spread=2.0, sep=2.5)
        for criterion in ("gini", "entropy"):
            yield Case(f"{criterion}_k{k}_d{d}", (X, y, k, criterion), seed=19000 + j)
    for rng, (n, k, d), _, s in fresh([(40, 2, 2), (9, 3, 1)], ("float64",), seed=19060, n=2):  # drawn afresh
        k = max(k, 2)
        X, y = blobs(s, max(n, 2 * k), k, d, spread=2.0, sep=2.5)
        yield Case("fresh", (X, y, k, str(rng.choice(["gini", "entropy"]))), seed=s)
    rng = np.random.default_rng(19070)
    X, y = blobs(19070, 30, 3, 1, spread=2.0, sep=2.5)
    yield Case(
        "tied_features",
        (np.hstack([rng.standard_normal((30, 1)), X, X]), y, 3, "gini"),
        seed=19070,
        note="features 1 and 2 are the same column: equally good splits, the first feature (1) wins",
    )
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0]])
    yield Case(
        "by_hand", (X, np.array([0, 0, 1, 1]), 2, "gini"), note="split feature 0 at 2.5: two pure halves, gain 0.5"
    )
    yield Case(
        "no_useful_split",
        (np.ones((4, 2)), np.array([0, 1, 0, 1]), 2, "gini"),
        note="every feature constant: no split exists, return None",
    )


def _tree_predictions(impl, X, y, Xtest, **kwargs):
    tree = impl.build_tree(X, y, **kwargs)
    return impl.predict(tree, Xtest)


def tree_cases():
    for j, (n, k, d) in enumerate([(60, 3, 2), (80, 2, 4)]):
        X, y = blobs(19100 + j, n, k, d, spread=2.0, sep=2.5)
        Xtest, _ = blobs(19150 + j, 40, k, d, spread=3.0, sep=2.5)
        for criterion, depth in (("gini", None), ("entropy", 2)):
            yield Case(
                f"{criterion}_depth_{depth}",
                (X, y, Xtest),
                {"criterion": criterion, "max_depth": depth},
                seed=19100 + j,
                note="predictions of your tree on 40 new points",
            )
    X, y = blobs(19120, 50, 3, 2, spread=2.0, sep=2.5)
    yield Case(
        "points_on_thresholds",
        (X, y, _on_thresholds(X, y)),
        {"criterion": "gini", "max_depth": 3},
        seed=19120,
        note="new points lying exactly on the thresholds: x <= threshold goes left",
    )


def _tree_structure(impl, X, y, Xtest, **kwargs):
    """The tree as the task prescribes it, walked in pre-order (left before right): each node's feature
    and threshold, each leaf's proba (class frequencies, K long; k left to its default). Keys other
    than the prescribed ones are ignored."""
    tree = impl.build_tree(X, y, **kwargs)
    features, thresholds, leaves, stack = [], [], [], [tree]
    while stack:
        node = stack.pop()
        if "proba" in node:
            leaves.append(np.asarray(node["proba"], dtype=np.float64))
        else:
            features.append(int(node["feature"]))
            thresholds.append(float(node["threshold"]))
            stack += [node["right"], node["left"]]
    return {
        "features": np.array(features, dtype=np.int64),
        "thresholds": np.array(thresholds, dtype=np.float64),
        "leaf_proba": leaves,
    }


def _on_thresholds(X, y):
    """Copies of X's first rows moved onto each split's threshold, one feature at a time."""
    from reference_impls.numpy.decision_tree import build_tree

    found, stack = [], [build_tree(X, y, criterion="gini", max_depth=3)]
    while stack:
        node = stack.pop()
        if "proba" not in node:
            found.append((node["feature"], node["threshold"]))
            stack += [node["left"], node["right"]]
    rows = []
    for n, (f, t) in enumerate(found):
        row = X[n % len(X)].copy()
        row[f] = t
        rows.append(row)
    return np.array(rows)


def _entropy_ln(counts, criterion="gini"):
    from reference_impls.numpy.decision_tree import impurity

    return impurity(counts, criterion) * (np.log(2) if criterion == "entropy" else 1)


def _gini_no_square(counts, criterion="gini"):
    from reference_impls.numpy.decision_tree import impurity

    if criterion != "gini":
        return impurity(counts, criterion)
    p = counts / np.maximum(counts.sum(axis=-1, keepdims=True), 1)
    return 1 - p.max(axis=-1)


def _split_last_feature_wins(X, y, k, criterion="gini"):
    from reference_impls.numpy.decision_tree import best_split

    best = None
    for f in range(X.shape[1]):
        found = best_split(X[:, [f]], y, k, criterion)
        if found is not None and (best is None or found[2] >= best[2]):
            best = (f, found[1], found[2])
    return best


def _split_child_impurity(X, y, k, criterion="gini"):
    from reference_impls.numpy.decision_tree import best_split, impurity

    found = best_split(X, y, k, criterion)
    if found is None:
        return None
    return found[0], found[1], float(impurity(np.bincount(y, minlength=k)[None], criterion)[0] - found[2])


def _tree_one_level_deeper(X, y, k=None, criterion="gini", max_depth=None, min_samples_split=2, depth=0):
    from reference_impls.numpy.decision_tree import build_tree

    return build_tree(X, y, k, criterion, None if max_depth is None else max_depth + 1, min_samples_split, depth)


def _tree_leaves_of_present_classes(X, y, k=None, criterion="gini", max_depth=None, min_samples_split=2, depth=0):
    from reference_impls.numpy.decision_tree import build_tree

    def trim(node):
        if "proba" in node:
            p = node["proba"]
            return {"proba": p[: int(np.flatnonzero(p)[-1]) + 1]}
        return {**node, "left": trim(node["left"]), "right": trim(node["right"])}

    return trim(build_tree(X, y, k, criterion, max_depth, min_samples_split, depth))


EXERCISE = Exercise.of(
    info("decision_tree"),
    task="""A CART classifier as sklearn.tree.DecisionTreeClassifier (classes 0..K-1, numeric features).

1. impurity(counts, criterion): counts (..., K) -> (...,); gini 1 - sum p_k^2, entropy
   -sum p_k log2 p_k (0 log 0 = 0; an empty node has impurity 0).
2. best_split(X, y, k, criterion) -> (feature, threshold, gain) or None: over every feature and
   every threshold halfway between consecutive distinct sorted values, the largest decrease
   I(node) - (n_l / n) I(left) - (n_r / n) I(right), left being x <= threshold. None when no
   split decreases the impurity (by more than 1e-12). Ties: the first feature wins.
3. build_tree(X, y, k, criterion, max_depth, min_samples_split, depth) -> a nested dict: a leaf
   {'proba': class frequencies (K,)}; a node {'feature', 'threshold', 'left', 'right'}. Stop at a
   pure node, at max_depth, below min_samples_split samples, or when best_split gives None.
4. predict(tree, X) -> (N,) ints: the argmax of the leaf's proba each point falls in.""",
    entry_points=(
        EntryPoint(
            "impurity", "(counts, criterion='gini')", "Gini or entropy (bits) of class counts, over the last axis."
        ),
        EntryPoint(
            "best_split", "(X, y, k, criterion='gini')", "(feature, threshold, gain) of the best split, or None."
        ),
        EntryPoint(
            "build_tree",
            "(X, y, k=None, criterion='gini', max_depth=None, min_samples_split=2, depth=0)",
            "The tree as nested dicts (k defaults to y.max() + 1).",
        ),
        EntryPoint("predict", "(tree, X)", "Predicted classes (N,)."),
    ),
    checks=(
        Check("impurity", "impurity", impurity_cases, description="gini and entropy; pure, mixed and empty nodes"),
        Check(
            "best_split",
            "best_split",
            split_cases,
            description="2-4 classes, gini and entropy; two identical features (a tie); by hand; no split possible",
        ),
        Check(
            "tree",
            "build_tree",
            tree_cases,
            call=_tree_predictions,
            description="predictions on new points: full depth (gini) and depth 2 (entropy)",
        ),
        Check(
            "tree_structure",
            "build_tree",
            tree_cases,
            call=_tree_structure,
            description="the nested dicts: nodes' features and thresholds, leaves' proba (frequencies, K long)",
        ),
    ),
    probes=(
        Probe(
            "the children's impurities are weighted by the share of samples each gets: decrease = I(parent) - "
            "(n_l I(left) + n_r I(right)) / n, not their plain average",
            impl="wrong/decision_tree/children_unweighted.py",
            checks=("best_split", "tree", "tree_structure"),
        ),
        Probe(
            "a leaf's proba holds the class frequencies (counts / n, summing to 1), not the raw counts: the "
            "argmax is the same, but the tree reports no probabilities",
            impl="wrong/decision_tree/leaf_counts.py",
            checks=("tree_structure",),
        ),
        Probe("entropy in bits: use log2 (sklearn), not the natural log", impl={"impurity": _entropy_ln}),
        Probe(
            "gini is 1 - sum_k p_k^2 (the chance that two random draws disagree), not 1 - max_k p_k",
            impl={"impurity": _gini_no_square},
        ),
        Probe(
            "thresholds sit halfway between consecutive distinct values, and the left branch is x <= threshold",
            impl="wrong/decision_tree/threshold_at_value.py",
            checks=("best_split",),
        ),
        Probe(
            "on a tie between features the FIRST one wins: replace the best only when a gain is strictly larger "
            "(>, not >=)",
            impl={"best_split": _split_last_feature_wins},
            checks=("best_split",),
        ),
        Probe(
            "the gain is the impurity DECREASE, I(parent) - (n_l I(left) + n_r I(right)) / n, not the children's "
            "weighted impurity",
            impl={"best_split": _split_child_impurity},
            checks=("best_split",),
        ),
        Probe(
            "max_depth counts the splits from the root at depth 0: a node at depth >= max_depth is a leaf "
            "(max_depth=2 gives at most 4 leaves)",
            impl={"build_tree": _tree_one_level_deeper},
            checks=("tree", "tree_structure"),
        ),
        Probe(
            "a leaf's proba is K long even where some classes are absent: np.bincount(y, minlength=k), with k "
            "passed down the recursion",
            impl={"build_tree": _tree_leaves_of_present_classes},
            checks=("tree", "tree_structure"),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "build_tree",
            "X[:, f] <= t",
            "X[:, f] < t",
            "thresholds are midpoints between distinct training values: no training point lies on one",
        ),
        Equivalent(
            "best_split",
            "criterion)[0]",
            "criterion)[-1]",
            "impurity of one row of counts: a single value, index 0 and -1 agree",
        ),
        Equivalent(
            "best_split",
            "np.nonzero(xs[:-1] < xs[1:])[0]",
            "[-1]",
            "np.nonzero of a 1-D array returns a 1-tuple: index 0 and -1 agree",
        ),
        Equivalent(
            "best_split",
            "(valid + 1).astype(float)",
            "nl = valid + 1",
            "int counts promote to float in the weighted impurity: the same numbers",
        ),
        Equivalent(
            "best_split",
            "gain[i] > 1e-12",
            "gain[i] >= 1e-12",
            "no gain is exactly 1e-12: the float tolerance only screens out round-off gains near 0",
        ),
    ),
)
