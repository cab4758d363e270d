"""Exercise: Gaussian naive Bayes from scratch."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import blobs
from reference_impls.exercises._fresh import fresh


def fit_cases():
    for k, (n, c, d) in enumerate([(60, 3, 2), (90, 2, 4), (45, 5, 3)]):
        X, y = blobs(15000 + k, n, c, d, spread=1.5)
        yield Case(f"{c}_classes_{d}_features", (X, y), seed=15000 + k)
    X, y = blobs(15010, 30, 2, 3)
    X[:, 1] = 7.0  # a constant feature: variance 0 without smoothing
    yield Case(
        "constant_feature", (X, y), seed=15010, note="a constant feature: var_smoothing keeps the variance above 0"
    )
    X, y = blobs(15020, 60, 3, 2, spread=1.5)
    keep = y != 1
    keep[np.flatnonzero(y == 1)[::3]] = True  # class 1 thinned to a third
    yield Case(
        "unequal_classes",
        (X[keep], y[keep]),
        seed=15020,
        note="classes of 20, 7 and 20 points: the priors are the class frequencies, not 1 / K",
    )
    for _, (n, c, d), s in _fresh_sizes(15050):
        yield Case("fresh", blobs(s, n, c, d, spread=1.5), seed=s)


def _fresh_sizes(seed):
    """(rng, (n, c, d), seed) drawn afresh on each run: 2 to 5 classes of 2 or more points, 1 or more features."""
    for rng, (n, c, d), _, s in fresh([(60, 3, 2), (9, 2, 1)], ("float64",), seed=seed, n=2):
        c = min(max(c, 2), 5)
        yield rng, (max(n, 2 * c), c, d), s


def _params(seed, n, c, d):
    from reference_impls.numpy.naive_bayes import fit_gaussian_nb

    X, y = blobs(seed, n, c, d, spread=1.5)
    return X, fit_gaussian_nb(X, y)


def predict_cases():
    for k, (n, c, d) in enumerate([(60, 3, 2), (90, 2, 4)]):
        X, params = _params(15100 + k, n, c, d)
        yield Case(f"{c}_classes", (X, *params), seed=15100 + k)
    for _, (n, c, d), s in _fresh_sizes(15150):
        X, params = _params(s, n, c, d)
        yield Case("fresh", (X, *params), seed=s)
    from reference_impls.numpy.naive_bayes import fit_gaussian_nb

    X, y = blobs(15120, 60, 3, 2, spread=3.0)
    keep = (y != 0) | (np.arange(len(y)) % 4 == 0)  # class 0 thinned to a quarter: unequal priors
    yield Case(
        "unequal_priors",
        (X, *fit_gaussian_nb(X[keep], y[keep])),
        seed=15120,
        note="class 0 has a quarter of the others' examples: the log prior moves the overlapping points",
    )
    X, params = _params(15110, 60, 3, 2)
    yield Case(
        "far_points",
        (X * 40, *params),
        seed=15110,
        note="points far from every class: each likelihood underflows to 0, so normalise in log space",
    )


def _unbiased(X, y, var_smoothing=1e-9):
    from reference_impls.numpy.naive_bayes import fit_gaussian_nb

    priors, means, _ = fit_gaussian_nb(X, y, var_smoothing)
    eps = var_smoothing * X.var(axis=0).max()
    return priors, means, np.stack([X[y == c].var(axis=0, ddof=1) for c in range(len(priors))]) + eps


def _proba_no_logsumexp(X, priors, means, variances):
    from reference_impls.numpy.naive_bayes import joint_log_likelihood

    p = np.exp(joint_log_likelihood(X, priors, means, variances))
    return p / p.sum(axis=1, keepdims=True)


def _uniform_priors(X, y, var_smoothing=1e-9):
    from reference_impls.numpy.naive_bayes import fit_gaussian_nb

    priors, means, variances = fit_gaussian_nb(X, y, var_smoothing)
    return np.full_like(priors, 1 / len(priors)), means, variances


def _smoothing_of_all_entries(X, y, var_smoothing=1e-9):
    from reference_impls.numpy.naive_bayes import fit_gaussian_nb

    priors, means, variances = fit_gaussian_nb(X, y, var_smoothing)
    return priors, means, variances + var_smoothing * (X.var() - X.var(axis=0).max())


def _jll_variant(drop_prior=False, variance_as_std=False):
    def jll(X, priors, means, variances):
        from reference_impls.numpy.naive_bayes import joint_log_likelihood

        if variance_as_std:
            variances = variances**2
        out = joint_log_likelihood(X, priors, means, variances)
        return out - np.log(priors)[None, :] if drop_prior else out

    def proba(X, priors, means, variances):
        j = jll(X, priors, means, variances)
        p = np.exp(j - j.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    def predict(X, priors, means, variances):
        return np.argmax(jll(X, priors, means, variances), axis=1)

    return {"predict_proba": proba, "predict": predict}


EXERCISE = Exercise.of(
    info("naive_bayes"),
    task="""Bayes' theorem with the naive assumption that features are independent given the class, as
sklearn.naive_bayes.GaussianNB. Classes are 0..K-1.

1. fit_gaussian_nb(X, y, var_smoothing) -> (priors (K,), means (K, D), variances (K, D)):
   class frequencies, per-class feature means and MLE (biased, ddof=0) variances, plus
   var_smoothing * (the largest feature variance of all of X) added to every variance.
2. predict_proba(X, priors, means, variances) -> (N, K): the joint log-likelihood
   log pi_k + sum_d log N(x_d | mean_kd, var_kd), normalised with log-sum-exp (far from every
   class the likelihoods underflow to 0).
3. predict(...) -> (N,) the most probable class.
Compare your predictions with sklearn's on Iris: they should be identical.""",
    entry_points=(
        EntryPoint("fit_gaussian_nb", "(X, y, var_smoothing=1e-09)", "(priors, means, variances)."),
        EntryPoint("predict_proba", "(X, priors, means, variances)", "Posterior probabilities (N, K), rows sum to 1."),
        EntryPoint("predict", "(X, priors, means, variances)", "Predicted classes (N,), int."),
    ),
    checks=(
        Check(
            "fit", "fit_gaussian_nb", fit_cases, description="2, 3, 5 classes; unequal class sizes; a constant feature"
        ),
        Check("predict_proba", "predict_proba", predict_cases, description="3 datasets; points far from every class"),
        Check("predict", "predict", predict_cases, description="the same"),
    ),
    probes=(
        Probe(
            "GaussianNB uses the MLE variance (ddof=0, divide by N_k), not the unbiased one",
            impl={"fit_gaussian_nb": _unbiased},
        ),
        Probe(
            "probabilities by exp then normalise underflow to 0 / 0 = nan far from the data: subtract the row's "
            "max log-likelihood first (log-sum-exp)",
            impl={"predict_proba": _proba_no_logsumexp},
        ),
        Probe(
            "var_smoothing missing: add var_smoothing * max(X.var(axis=0)) to every variance",
            impl="wrong/naive_bayes/no_smoothing.py",
            checks=("fit",),
        ),
        Probe(
            "the priors are the class frequencies N_k / N (np.bincount(y) / len(y)), not uniform 1 / K",
            impl={"fit_gaussian_nb": _uniform_priors},
        ),
        Probe(
            "var_smoothing scales the LARGEST per-feature variance of X, var_smoothing * X.var(axis=0).max() "
            "(not the variance of all entries, nor the class's own)",
            impl={"fit_gaussian_nb": _smoothing_of_all_entries},
        ),
        Probe(
            "the class prior is missing: the joint log-likelihood is log pi_k + sum_d log N(x_d | mean_kd, var_kd)",
            impl=_jll_variant(drop_prior=True),
        ),
        Probe(
            "`variances` holds sigma^2, not sigma: log N(x | mean, var) = -0.5 log(2 pi var) - (x - mean)^2 / (2 var)",
            impl=_jll_variant(variance_as_std=True),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "predict_proba",
            "logsumexp(jll, axis=1, keepdims=True)",
            "logsumexp(jll, keepdims=True)",
            "logsumexp's default axis is -1, the class axis of the (N, K) log-likelihoods",
        ),
        *(
            Equivalent(
                "joint_log_likelihood",
                "np.log(2 * np.pi * variances)",
                edit,
                "a constant factor inside the log adds the same constant to every class's log-likelihood: it "
                "cancels in predict_proba's normalization and in predict's argmax",
            )
            for edit in (
                "np.log(variances)",
                "np.log(2 * variances)",
                "np.log(np.pi * variances)",
                "np.log(3 * np.pi",
                "np.log(1 * np.pi",
            )
        ),
    ),
)
