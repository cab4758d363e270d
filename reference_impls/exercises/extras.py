"""Exercises: mixup / CutMix (Module 0.6), k-fold cross-validation and grid search (0.1, capstone
step 5), attention for sequence-to-sequence models (0.4)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._cases import LOOSE, blobs, randn


def _images(seed, dtype, n=4):
    rng = np.random.default_rng(seed)
    return randn(rng, (n, 3, 8, 8), dtype), np.eye(n, dtype=dtype)[rng.permutation(n)], rng


def mixup_cases():
    for j, dtype in enumerate(("float32", "float64")):
        x, y, rng = _images(27000 + j, dtype)
        yield Case("random", (x, y, 0.7, rng.permutation(4)), seed=27000 + j)


def cutmix_cases():
    for j, (lam, cy, cx) in enumerate([(0.75, 4, 4), (0.3, 1, 6), (0.9, 0, 0)]):
        x, y, rng = _images(27100 + j, "float64")
        yield Case(
            f"lam_{lam}_centre_{cy}_{cx}",
            (x, y, lam, rng.permutation(4), cy, cx),
            seed=27100 + j,
            note="the box is clipped at the border: lam is recomputed from the area actually pasted",
        )


def box_cases():
    for args in [(8, 8, 0.75, 4, 4), (8, 8, 0.3, 1, 6), (32, 32, 0.5, 31, 0), (10, 6, 0.2, 5, 3)]:
        yield Case("h{}_w{}_lam{}_cy{}_cx{}".format(*args), args)


def _cutmix_lam_unchanged(x, y, lam, perm, cy, cx):
    from reference_impls.numpy.mixup import cutmix_box

    h, w = x.shape[2:]
    y0, y1, x0, x1 = cutmix_box(h, w, lam, cy, cx)
    out = x.copy()
    out[:, :, y0:y1, x0:x1] = x[perm][:, :, y0:y1, x0:x1]
    return out, lam * y + (1 - lam) * y[perm], lam


MIXUP = Exercise.of(
    info("mixup"),
    task="""Two batch-level augmentations that mix pairs of examples and their labels (y one-hot (N, K)).

1. mixup(x, y, lam, perm) -> (lam x + (1 - lam) x[perm], lam y + (1 - lam) y[perm]).
2. cutmix_box(h, w, lam, cy, cx) -> (y0, y1, x0, x1): a box of int(h sqrt(1 - lam)) by
   int(w sqrt(1 - lam)) centred at (cy, cx): y0 = clip(cy - cut_h // 2, 0, h), y1 =
   clip(cy + cut_h // 2, 0, h), and alike for x (as the CutMix paper's rand_bbox). Ints.
3. cutmix(x, y, lam, perm, cy, cx) -> (x', y', lam'): x with the box replaced by x[perm]'s,
   lam' = 1 - box area / (h w) (the box may be clipped), y' = lam' y + (1 - lam') y[perm].
(mixup_batch / cutmix_batch draw lam ~ Beta(alpha, alpha), perm, and the centre: not checked.)
Then train with and without mixup and compare the gap between train and test accuracy.""",
    entry_points=(
        EntryPoint("mixup", "(x, y, lam, perm)", "(mixed x, mixed y)."),
        EntryPoint("cutmix_box", "(h, w, lam, cy, cx)", "(y0, y1, x0, x1), ints."),
        EntryPoint("cutmix", "(x, y, lam, perm, cy, cx)", "(x', y', lam actually used)."),
    ),
    checks=(
        Check("mixup", "mixup", mixup_cases, description="float32/64, lam 0.7"),
        Check("box", "cutmix_box", box_cases, description="centred, at the border, non-square images"),
        Check(
            "cutmix",
            "cutmix",
            cutmix_cases,
            tolerance=LOOSE,
            description="lam 0.3 / 0.75 / 0.9; a box clipped at the corner",
        ),
    ),
    probes=(
        Probe(
            "CutMix recomputes lam from the box actually pasted (1 - area / (h w)): a clipped box covers less than 1 - lam",
            impl={"cutmix": _cutmix_lam_unchanged},
        ),
        Probe(
            "the box has int(h sqrt(1 - lam)) rows and int(w sqrt(1 - lam)) columns: cut_h from h, cut_w from w "
            "(the sides are swapped; rand_bbox's W and H name the tensor's axes 2 and 3)",
            impl="wrong/mixup/box_sides_swapped.py",
            checks=("box",),
        ),
        Probe(
            "the box's SIDES scale by sqrt(1 - lam), so that its AREA is (1 - lam) of the image: "
            "cut_h = int(h * np.sqrt(1 - lam))",
            impl="wrong/mixup/box_without_sqrt.py",
            checks=("box",),
        ),
        Probe(
            "lam' is the share of the ORIGINAL image that is left: 1 - box area / (h w), not the pasted box's share",
            impl="wrong/mixup/lam_is_box_fraction.py",
            checks=("cutmix",),
        ),
        Probe(
            "the labels mix with the same lam as the inputs: y' = lam y + (1 - lam) y[perm]",
            impl="wrong/mixup/labels_not_mixed.py",
            checks=("mixup",),
        ),
    ),
)


def kfold_cases():
    for n, k in [(10, 5), (11, 3), (7, 7), (23, 4)]:
        yield Case(f"n{n}_k{k}", (n, k), note="the first n % k folds get one extra sample" if n % k else "")
    for n, k, seed in [(11, 3, 5), (20, 4, 28050)]:
        yield Case(
            f"shuffled_n{n}_k{k}",
            (n, k),
            {"shuffle": True, "seed": seed},
            seed=seed,
            note="np.random.default_rng(seed).permutation(n), then consecutive folds of it",
        )


def _train_as_set(folds):
    """Each fold's train indices sorted: the task leaves their order free (sklearn's are ascending)."""
    try:
        return [(np.sort(np.asarray(train)), np.asarray(test)) for train, test in folds]
    except (TypeError, ValueError):
        return folds


def _ridge_fit(X, y, alpha=1.0, intercept=True):
    A = np.hstack([X, np.ones((len(X), 1))])
    reg = alpha * np.eye(A.shape[1])
    reg[-1, -1] = 0 if intercept else 1e12  # the intercept is not penalized (or pinned to 0)
    return np.linalg.solve(A.T @ A + reg, A.T @ y)


def _r2(theta, X, y):
    pred = X @ theta[:-1] + theta[-1]
    return float(1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def _data(seed):
    X, _ = blobs(seed, 40, 2, 3)
    return X, X @ np.array([1.0, -2.0, 0.5]) + np.random.default_rng(seed).standard_normal(40) * 2


def _cv(impl, seed, k, alpha, shuffle=False):
    X, y = _data(seed)
    if shuffle:
        return impl.cross_val_score(_ridge_fit, _r2, X, y, k, True, seed, alpha=alpha)
    return impl.cross_val_score(_ridge_fit, _r2, X, y, k, alpha=alpha)


def cv_cases():
    for seed, k, alpha in [(28000, 5, 1.0), (28001, 4, 10.0)]:
        yield Case(f"ridge_k{k}_alpha{alpha}", (seed, k, alpha), seed=seed, note="ridge regression scored by R^2")
    yield Case(
        "shuffled_k5",
        (28002, 5, 1.0),
        {"shuffle": True},
        seed=28002,
        note="shuffle=True, seed=28002: the folds of kfold_indices(n, k, True, seed)",
    )


def _grid(impl, seed, grid):
    X, y = _data(seed)
    best, score, means = impl.grid_search(_ridge_fit, _r2, X, y, grid, k=5)
    return {"best": best, "score": score, "means": np.array(means)}


def grid_cases():
    yield Case("alpha_grid", (28100, {"alpha": [0.01, 1.0, 10.0, 100.0]}), seed=28100)
    yield Case(
        "two_parameters",
        (28101, {"alpha": [0.1, 30.0, 300.0], "intercept": [False, True]}),
        seed=28101,
        note="6 combinations in itertools.product order: alpha outer, intercept inner (the last key varies fastest)",
    )


def _kfold_last_gets_rest(n, k, shuffle=False, seed=0):
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    size = n // k
    folds = []
    for i in range(k):
        test = order[i * size : n if i == k - 1 else (i + 1) * size]
        folds.append((np.setdiff1d(order, test), test))
    return folds


def _kfold_unshuffled(n, k, shuffle=False, seed=0):
    from reference_impls.numpy.cross_validation import kfold_indices

    return kfold_indices(n, k)


def _kfold_legacy_rng(n, k, shuffle=False, seed=0):
    from reference_impls.numpy.cross_validation import kfold_indices

    folds = kfold_indices(n, k)
    if not shuffle:
        return folds
    order = np.random.RandomState(seed).permutation(n)
    return [(order[train], order[test]) for train, test in folds]


def _grid_keys_reversed(fit, score, X, y, grid, k=5):
    import itertools

    from reference_impls.numpy.cross_validation import cross_val_score

    names = list(grid)[::-1]
    combos = [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]
    means = [float(cross_val_score(fit, score, X, y, k, **params).mean()) for params in combos]
    best = int(np.argmax(means))
    return combos[best], means[best], means


def _cv_without_shuffle(fit, score, X, y, k=5, shuffle=False, seed=0, **params):
    from reference_impls.numpy.cross_validation import cross_val_score

    return cross_val_score(fit, score, X, y, k, **params)


CROSS_VALIDATION = Exercise.of(
    info("cross_validation"),
    preamble="import itertools\n\nimport numpy as np\n",
    task="""Model-selection utilities, as sklearn.model_selection. A model is two plain functions:
fit(X, y, **params) -> model and score(model, X, y) -> float.

1. kfold_indices(n, k, shuffle, seed) -> k (train_idx, test_idx) pairs: consecutive test folds,
   the first n % k of size n // k + 1, the rest n // k (sklearn's KFold); train = all the other
   indices (in any order). shuffle=True first permutes np.arange(n) with
   np.random.default_rng(seed).permutation(n) and cuts the folds from that order.
2. cross_val_score(fit, score, X, y, k, shuffle, seed, **params) -> (k,) scores, one per fold.
3. grid_search(fit, score, X, y, grid, k) -> (best params dict, best mean score, mean scores): over
   itertools.product of the grid's values (in the dict's key order); ties go to the first.""",
    entry_points=(
        EntryPoint("kfold_indices", "(n, k, shuffle=False, seed=0)", "A list of k (train_idx, test_idx) int arrays."),
        EntryPoint("cross_val_score", "(fit, score, X, y, k=5, shuffle=False, seed=0, **params)", "(k,) fold scores."),
        EntryPoint("grid_search", "(fit, score, X, y, grid, k=5)", "(best params, best mean score, mean scores)."),
    ),
    checks=(
        Check(
            "kfold",
            "kfold_indices",
            kfold_cases,
            canonical=_train_as_set,
            description="n = 7..23, k = 3..7, uneven folds; shuffled with a seed",
        ),
        Check(
            "cross_val_score",
            "cross_val_score",
            cv_cases,
            call=_cv,
            description="ridge regression, k 4 and 5; shuffled with a seed",
        ),
        Check(
            "grid_search",
            "grid_search",
            grid_cases,
            call=_grid,
            description="ridge alpha over 4 values; alpha x intercept (6 combinations)",
        ),
    ),
    probes=(
        Probe(
            "grid_search keeps the highest mean score (score is higher-is-better, as sklearn's); ties go to the first",
            impl="wrong/cross_validation/lowest_mean_wins.py",
            checks=("grid_search",),
        ),
        Probe(
            "the test fold leaked into training: fit on the training folds only (X[train_idx]), score on the test fold",
            impl="wrong/cross_validation/trains_on_test_fold.py",
        ),
        Probe(
            "uneven folds: the FIRST n % k folds get one extra sample (sklearn's KFold), not the last fold all of them",
            impl={"kfold_indices": _kfold_last_gets_rest},
        ),
        Probe(
            "shuffle=True is ignored: permute first with np.random.default_rng(seed).permutation(n), then cut the "
            "consecutive folds from that order",
            impl={"kfold_indices": _kfold_unshuffled},
            checks=("kfold",),
        ),
        Probe(
            "the permutation comes from the legacy np.random (RandomState / np.random.seed): use "
            "np.random.default_rng(seed).permutation(n), a Generator, as the task states",
            impl={"kfold_indices": _kfold_legacy_rng},
            checks=("kfold",),
        ),
        Probe(
            "cross_val_score does not pass shuffle and seed on: the folds must be kfold_indices(len(X), k, shuffle, "
            "seed)",
            impl={"cross_val_score": _cv_without_shuffle},
            checks=("cross_val_score",),
        ),
        Probe(
            "the combinations are in itertools.product order over the grid's keys as given (the first key outermost, "
            "the last varying fastest), and the mean scores listed in that order",
            impl={"grid_search": _grid_keys_reversed},
            checks=("grid_search",),
        ),
    ),
)


def _attn_inputs(seed, dtype, n=2, tq=3, tk=5, d=8, dv=6, masked=False):
    rng = np.random.default_rng(seed)
    q, k, v = randn(rng, (n, tq, d), dtype), randn(rng, (n, tk, d), dtype), randn(rng, (n, tk, dv), dtype)
    mask = None
    if masked:
        mask = np.ones((n, tq, tk), bool)
        mask[:, :, tk - 2 :] = False  # padding at the end of the source
    return rng, q, k, v, mask


def dot_cases():
    for j, dtype in enumerate(("float32", "float64")):
        _, q, k, v, _ = _attn_inputs(29000 + j, dtype)
        yield Case("random", (q, k, v), seed=29000 + j)
        _, q, k, v, mask = _attn_inputs(29010 + j, dtype, masked=True)
        yield Case("padding_mask", (q, k, v, mask), seed=29010 + j, note="mask False = padding: weight exactly 0 there")
    _, q, k, v, _ = _attn_inputs(29020, "float64", n=1, tq=1, tk=1)
    yield Case("single_position", (q, k, v), seed=29020, note="one encoder position: weight 1")
    _, q, k, v, _ = _attn_inputs(29030, "float32", d=64)
    yield Case(
        "unscaled",
        (q * 4, k * 4, v),
        {"scale": 1.0},
        seed=29030,
        note="scale=1.0 (Luong's dot): large scores, softmax must stay stable",
    )


def additive_cases():
    for j, dtype in enumerate(("float32", "float64")):
        rng, q, k, v, mask = _attn_inputs(29100 + j, dtype, masked=bool(j))
        yield Case(
            "padding_mask" if j else "random",
            (q, k, v, randn(rng, (8, 7), dtype), randn(rng, (8, 7), dtype), randn(rng, (7,), dtype), mask),
            seed=29100 + j,
        )


def _dot_unscaled(q, k, v, mask=None, scale=None):
    from reference_impls.numpy.attention import dot_product_attention

    return dot_product_attention(q, k, v, mask, 1.0 if scale is None else scale)


def _dot_softmax_wrong_axis(q, k, v, mask=None, scale=None):
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    return w @ v, w


def _weights_and_mask(case, actual):
    """(the learner's weights, the case's mask) where both are there and shaped alike, else None."""
    mask = case.args[3] if len(case.args) > 3 else (case.args[6] if len(case.args) > 6 else None)
    if mask is None or not isinstance(actual, tuple | list) or len(actual) != 2:
        return None
    weights = np.asarray(actual[1], dtype=np.float64)
    return (weights, mask) if weights.shape == mask.shape else None


def _mask_inverted(case, actual, expected) -> bool:
    """Every position the mask allows got weight 0 and the padding got it all: True read as padding."""
    found = _weights_and_mask(case, actual)
    if found is None:
        return False
    weights, mask = found
    return bool(np.all(np.abs(weights[mask]) < 1e-6) and np.allclose(np.where(mask, 0, weights).sum(-1), 1, atol=1e-4))


def _masked_still_weighted(case, actual, expected) -> bool:
    """Padding got weight while the allowed positions kept some too: the masked scores were not -inf (0, or x * mask)."""
    found = _weights_and_mask(case, actual)
    if found is None or _mask_inverted(case, actual, expected):
        return False
    weights, mask = found
    return bool(np.any(weights[~mask] > 1e-6) and np.allclose(weights.sum(-1), 1, atol=1e-4))


def _additive_no_pairs(q, k, v, W_q, W_k, w, mask=None):
    hidden = np.tanh(q @ W_q + k @ W_k)  # raises where Tq != Tk, as the learner's code does
    return hidden @ w


ATTENTION = Exercise.of(
    info("seq2seq_attention"),
    task="""A decoder state attends over the encoder states instead of one fixed-size summary.
q: (N, Tq, D) queries (decoder states), k: (N, Tk, D) keys and v: (N, Tk, Dv) values (encoder
states); mask (N, Tq, Tk) bool or None, True = may attend (False: padding).

1. dot_product_attention(q, k, v, mask, scale) -> (context (N, Tq, Dv), weights (N, Tq, Tk)):
   scores = q @ k^T * scale (scale None: 1 / sqrt(D), Vaswani; 1.0 is Luong's plain dot); masked
   scores -inf; weights = a stable softmax over the Tk axis; context = weights @ v.
2. additive_attention(q, k, v, W_q (D, A), W_k (D, A), w (A,), mask) (Bahdanau):
   scores[n, i, j] = w . tanh(q[n, i] @ W_q + k[n, j] @ W_k); then as above.""",
    entry_points=(
        EntryPoint("dot_product_attention", "(q, k, v, mask=None, scale=None)", "(context, weights)."),
        EntryPoint("additive_attention", "(q, k, v, W_q, W_k, w, mask=None)", "(context, weights)."),
    ),
    checks=(
        Check(
            "dot_product",
            "dot_product_attention",
            dot_cases,
            tolerance=LOOSE,
            description="float32/64; padding mask; one position; scale 1 with large scores",
        ),
        Check(
            "additive", "additive_attention", additive_cases, tolerance=LOOSE, description="float32/64; padding mask"
        ),
    ),
    probes=(
        Probe(
            "scale missing: scores are q . k / sqrt(D) when scale is None",
            impl={"dot_product_attention": _dot_unscaled},
        ),
        Probe(
            "normalized over the wrong axis: the weights of each query sum to 1 over the Tk encoder positions (the last axis)",
            impl={"dot_product_attention": _dot_softmax_wrong_axis},
        ),
        Probe(
            "masked positions get -inf scores (weight exactly 0), not a zeroed weight after the softmax",
            impl="wrong/seq2seq_attention/mask_after_softmax.py",
        ),
        Probe(
            "the mask is inverted: here True = may attend (the opposite of PyTorch's key_padding_mask); set the scores "
            "to -inf where the mask is False",
            when=_mask_inverted,
        ),
        Probe(
            "the padded positions still get weight: a score of 0 (scores * mask) is not excluded, exp(0) > 0; set the "
            "masked scores to -inf before the softmax, np.where(mask, scores, -np.inf)",
            when=_masked_still_weighted,
        ),
        Probe(
            "q @ W_q + k @ W_k adds query i to key i only: score every (query, key) pair by broadcasting, "
            "tanh((q @ W_q)[:, :, None, :] + (k @ W_k)[:, None, :, :]) (N, Tq, Tk, A), then @ w",
            impl={"additive_attention": _additive_no_pairs},
        ),
    ),
)

EXERCISES = [MIXUP, CROSS_VALIDATION, ATTENTION]
