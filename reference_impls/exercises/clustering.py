"""Exercises: clustering: k-means (Lloyd, random and k-means++ init) and Gaussian mixtures by EM."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE, blobs
from reference_impls.exercises._fresh import fresh

DATASETS = [(60, 3, 2), (90, 4, 3), (40, 2, 5)]  # (n, k, d)


def lloyd_cases():
    for j, (n, k, d) in enumerate(DATASETS):
        X, _ = blobs(16000 + j, n, k, d, spread=1.5, sep=3.0)
        init = X[np.random.default_rng(16000 + j).choice(n, k, replace=False)]
        yield Case(f"k{k}_d{d}", (X, init), seed=16000 + j)
    for rng, (n, k, d), s in _fresh_datasets(16050):
        X, _ = blobs(s, n, k, d, spread=1.5, sep=3.0)
        yield Case("fresh", (X, X[rng.choice(n, k, replace=False)]), seed=s)
    X, _ = blobs(16010, 30, 2, 2)
    yield Case(
        "far_init_empty_cluster",
        (X, np.array([[0.0, 0.0], [1.0, 1.0], [500.0, 500.0]])),
        seed=16010,
        note="a center far from every point gets no points: it keeps its position (no mean of nothing)",
    )
    X, _ = blobs(16020, 40, 3, 2, spread=1.5, sep=2.0)
    init = X[:3].copy()
    yield Case(
        "float32_points",
        (X.astype(np.float32), init),
        seed=16020,
        note="float32 points, float64 initial centers: the centers come back in X's dtype",
    )
    yield Case("max_iter_2", (X, init), {"max_iter": 2}, seed=16020, note="stopped after 2 updates: n_iter = 2")
    yield Case(
        "tol_0", (X, init), {"tol": 0.0}, seed=16020, note="tol 0: stop when the centers no longer move (shift <= tol)"
    )


def _fresh_datasets(seed):
    """(rng, (n, k, d), seed) drawn afresh on each run: k from 1 to 5, d from 1, n of at least 2 points a cluster."""
    for rng, (n, k, d), _, s in fresh([(60, 3, 2), (9, 1, 1), (40, 5, 4)], ("float64",), seed=seed, n=2):
        k = min(k, 5)
        yield rng, (max(n, 2 * k), k, d), s


def _lloyd(impl, X, centers, **kwargs):
    c, labels, inertia, n_iter = impl.lloyd(X, centers, **kwargs)
    return c, labels, inertia, int(n_iter)


def init_cases():
    for j, (n, k, d) in enumerate(DATASETS):
        X, _ = blobs(16100 + j, n, k, d)
        for method in ("random", "k-means++"):
            yield Case(f"{method}_k{k}", (X, k, method, 16100 + j), seed=16100 + j)
    for rng, (n, k, d), s in _fresh_datasets(16160):
        X, _ = blobs(s, n, k, d)
        yield Case("fresh", (X, k, str(rng.choice(["random", "k-means++"])), int(s)), seed=s)
    X = np.repeat(np.random.default_rng(16150).standard_normal((4, 2)) * 0.01, 3, axis=0)
    yield Case(
        "duplicates_small_scale",
        (X, 5, "k-means++", 16150),
        seed=16150,
        note="4 distinct points 0.01 apart, each 3 times, k = 5: D2 sums to less than 1, then to 0 (the fallback)",
    )


def _init(impl, X, k, method, seed):
    return impl.init_centers(X, k, method, np.random.default_rng(seed))


def kmeans_cases():
    for j, (n, k, d) in enumerate(DATASETS):
        X, _ = blobs(16200 + j, n, k, d, spread=2.0, sep=3.0)
        yield Case(f"k{k}_d{d}", (X, k), {"n_init": 5}, seed=16200 + j)


def seeded_cases():
    for j, (n, k, d) in enumerate(DATASETS):
        X, _ = blobs(16300 + j, n, k, d, spread=2.0, sep=2.5)
        for n_init in (1, 4):
            yield Case(f"k{k}_d{d}_n_init{n_init}", (X, k), {"n_init": n_init, "seed": 16300 + j}, seed=16300 + j)
    X, _ = blobs(16310, 45, 3, 2, spread=0.5, sep=10.0)
    yield Case(
        "tied_runs",
        (X, 3),
        {"n_init": 4, "seed": 16310},
        seed=16310,
        note="well-separated blobs: every run finds the same clusters, in another order; a tie keeps the first run",
    )


def _seeded(impl, X, k, **kwargs):
    centers, labels, inertia = impl.kmeans(X, k, **kwargs)
    return centers, labels, float(inertia)


def _best_inertia(impl, X, k, **kwargs):
    return float(impl.kmeans(X, k, **kwargs)[2])


def _within_2_percent(expected, actual, case):
    if not np.isfinite(actual) or actual > expected * 1.02 + 1e-9:
        return f"inertia {actual:.6g} is more than 2% above the reference's best of n_init runs, {expected:.6g}"
    return None


def _uniform_plus_plus(X, k, method="k-means++", rng=None):
    """Every center uniform: k-means++ without the D^2 weighting."""
    rng = rng if rng is not None else np.random.default_rng(0)
    return (
        X[[rng.integers(len(X)) for _ in range(k)]].copy()
        if method == "k-means++"
        else X[rng.choice(len(X), k, replace=False)].copy()
    )


def _d_not_squared(X, k, method="k-means++", rng=None):
    from reference_impls.numpy.kmeans import squared_distances

    if method == "random":
        return X[rng.choice(len(X), size=k, replace=False)].copy()
    centers = [X[rng.integers(len(X))]]
    d = np.sqrt(squared_distances(X, np.array(centers))[:, 0])
    for _ in range(1, k):
        idx = rng.choice(len(X), p=d / d.sum())
        centers.append(X[idx])
        d = np.minimum(d, np.sqrt(squared_distances(X, X[idx][None])[:, 0]))
    return np.array(centers)


KMEANS = Exercise.of(
    info("kmeans"),
    task="""Lloyd's algorithm and two initializations, as sklearn.cluster.KMeans(algorithm='lloyd').

1. lloyd(X, centers, max_iter, tol) -> (centers, labels, inertia, n_iter): repeat: label each
   point with its nearest center (squared Euclidean), move each center to the mean of its points
   (a center with no points stays where it is), until the centers move by at most tol (sum of
   squared shifts <= tol, as sklearn); then the final labels and inertia = sum of squared distances.
2. init_centers(X, k, method, rng), drawing exactly as follows so the check can reproduce it:
   'random': X[rng.choice(len(X), size=k, replace=False)];
   'k-means++': first X[rng.integers(len(X))]; then k - 1 times
   X[rng.choice(len(X), p=D2 / D2.sum())], D2 = each point's squared distance to its nearest
   chosen center (Arthur & Vassilvitskii 2007); if every D2 is 0 (fewer distinct points than k),
   X[rng.integers(len(X))] instead.
3. kmeans(X, k, init, n_init, max_iter, seed): the run with the lowest inertia of n_init runs
   (one Generator from seed for all of them, each run's init drawn from it in turn; a tie keeps the
   earlier run): (centers, labels, inertia).
n_iter counts the updates made: 1 if the first update already moved the centers by at most tol.
lloyd's centers come back in X's dtype (sklearn's convention), whatever the initial centers' dtype.""",
    entry_points=(
        EntryPoint(
            "lloyd",
            "(X, centers, max_iter=300, tol=1e-10)",
            "(centers (K, D), labels (N,), inertia, n_iter) from the given centers.",
        ),
        EntryPoint("init_centers", "(X, k, method='k-means++', rng=None)", "(k, D) initial centers."),
        EntryPoint(
            "kmeans",
            "(X, k, init='k-means++', n_init=10, max_iter=300, seed=0)",
            "(centers, labels, inertia): the best of n_init runs.",
        ),
    ),
    checks=(
        Check(
            "lloyd",
            "lloyd",
            lloyd_cases,
            call=_lloyd,
            description="k = 2..4, d = 2..5 from given centers; a center that gets no point; max_iter 2, tol 0; n_iter",
        ),
        Check(
            "init",
            "init_centers",
            init_cases,
            call=_init,
            description="random and k-means++ from np.random.default_rng(seed)",
        ),
        Check(
            "kmeans_seeded",
            "kmeans",
            seeded_cases,
            call=_seeded,
            description="n_init 1 and 4 with a seed: the same runs as the reference's, the same best",
        ),
        Check(
            "kmeans",
            "kmeans",
            kmeans_cases,
            call=_best_inertia,
            compare=_within_2_percent,
            description="best inertia of 5 runs within 2% of the reference's",
        ),
    ),
    probes=(
        Probe(
            "k-means++ samples each new center with probability proportional to D(x)^2 (squared distance to the nearest "
            "chosen center), not uniformly and not D(x)",
            impl={"init_centers": _uniform_plus_plus},
        ),
        Probe(
            "k-means++ samples each new center with probability proportional to D(x)^2 (squared distance to the nearest "
            "chosen center), not uniformly and not D(x)",
            impl={"init_centers": _d_not_squared},
        ),
        Probe(
            "k-means++'s D(x)^2 is the squared distance to the NEAREST chosen center so far (d2 = np.minimum(d2, "
            "distance to the new center)), not to the last one chosen",
            impl="wrong/kmeans/d2_to_last_center.py",
            checks=("init", "kmeans_seeded"),
        ),
        Probe(
            "one Generator for all n_init runs: rng = np.random.default_rng(seed) once, before the loop; a new one "
            "per run draws the same initial centers every run",
            impl="wrong/kmeans/generator_per_run.py",
            checks=("kmeans_seeded", "kmeans"),
        ),
        Probe(
            "after the loop, label the points again with the final centers (and compute the inertia from those "
            "labels): the last assignment was made with the centers before the last update",
            impl="wrong/kmeans/labels_before_last_update.py",
            checks=("lloyd",),
        ),
        Probe(
            "random initialization draws k distinct points: rng.choice(len(X), size=k, replace=False) (with "
            "replacement two centers can coincide, and the draws differ)",
            impl="wrong/kmeans/random_with_replacement.py",
            checks=("init",),
        ),
        Probe(
            "an empty cluster: a center with no points must keep its position (the mean of nothing is nan)",
            impl="wrong/kmeans/empty_cluster_nan.py",
            checks=("lloyd",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "lloyd",
            "copy=True",
            "copy=False",
            "each update builds a new array, so the caller's centers are never written",
        ),
        Equivalent(
            "lloyd",
            "range(len(centers))",
            "range(len(centers) + 1)",
            "no point is labelled K, so the extra j has no members and changes nothing",
        ),
        Equivalent(
            "init_centers",
            "[:, 0]",
            "[:, -1]",
            "the distances to ONE center form a single column: index 0 and -1 are the same",
        ),
    ),
)


def gmm_cases():
    for j, (n, k, d) in enumerate([(60, 3, 2), (80, 2, 3)]):
        X, _ = blobs(17000 + j, n, k, d, spread=1.2, sep=3.0)
        yield Case(f"k{k}_d{d}", (X, X[np.random.default_rng(17000 + j).choice(n, k, replace=False)]), seed=17000 + j)
    X, _ = blobs(17010, 50, 3, 2, spread=1.5, sep=2.0)
    yield Case(
        "max_iter_3", (X, X[:3]), {"max_iter": 3}, seed=17010, note="stopped after 3 EM iterations, not converged"
    )


def estep_cases():
    from reference_impls.numpy.gmm import fit_gmm

    X, _ = blobs(17100, 60, 3, 2, spread=1.2, sep=3.0)
    w, m, c, _ = fit_gmm(X, X[:3], max_iter=2)
    yield Case("k3_d2", (X, w, m, c), seed=17100)
    for _, (n, k, d), s in _fresh_datasets(17150):
        X, _ = blobs(s, max(n, d + 2), k, d, spread=1.2, sep=3.0)
        w, m, c, _ = fit_gmm(X, X[:k], max_iter=2)
        yield Case("fresh", (X, w, m, c), seed=s)
    yield Case(
        "far_points",
        (X * 30, w, m, c),
        seed=17100,
        note="points far from every component: each density underflows to 0, so work in log space",
    )


def mstep_cases():
    X, _ = blobs(17200, 50, 3, 2)
    resp = np.random.default_rng(17200).dirichlet(np.ones(3), size=50)
    yield Case("soft_responsibilities", (X, resp), seed=17200)
    for rng, (n, k, d), s in _fresh_datasets(17250):
        n = max(n, d + 2)  # enough points for a full covariance
        yield Case("fresh", (blobs(s, n, k, d)[0], rng.dirichlet(np.ones(k), size=n)), seed=s)
    yield Case(
        "reg_covar_0.1",
        (X, resp),
        {"reg_covar": 0.1},
        seed=17200,
        note="reg_covar is added to every covariance's diagonal",
    )
    empty = resp.copy()
    empty[:, 2] = 0
    empty /= empty.sum(axis=1, keepdims=True)
    yield Case(
        "empty_component",
        (X, empty),
        seed=17200,
        note="a component with no responsibility at all: N_k = 10 * eps (sklearn's floor), not 0/0",
    )


def loggauss_cases():
    rng = np.random.default_rng(17300)
    A = rng.standard_normal((3, 3))
    yield Case(
        "full_cov_d3", (rng.standard_normal((10, 3)), rng.standard_normal(3), A @ A.T + 0.5 * np.eye(3)), seed=17300
    )
    yield Case("standard_normal_at_0", (np.zeros((1, 2)), np.zeros(2), np.eye(2)), note="-log(2 pi)")
    for rng, (n, d), _, s in fresh([(10, 3), (1, 1)], ("float64",), seed=17350, n=2):  # drawn afresh
        A = rng.standard_normal((d, d))
        yield Case("fresh", (rng.standard_normal((n, d)), rng.standard_normal(d), A @ A.T + 0.5 * np.eye(d)), seed=s)


def _unweighted_cov(X, resp, reg_covar=1e-6):
    from reference_impls.numpy.gmm import m_step

    w, means, _ = m_step(X, resp, reg_covar)
    covs = np.stack([np.cov(X.T, bias=True) + reg_covar * np.eye(X.shape[1]) for _ in means])
    return w, means, covs


def _estep_no_lse(X, weights, means, covs):
    from reference_impls.numpy.gmm import log_gaussian

    p = np.stack([w * np.exp(log_gaussian(X, m, c)) for w, m, c in zip(weights, means, covs)], axis=1)
    return p / p.sum(axis=1, keepdims=True), float(np.mean(np.log(p.sum(axis=1))))


GMM = Exercise.of(
    info("gmm"),
    task="""A mixture of K full-covariance Gaussians fitted by EM, as sklearn.mixture.GaussianMixture.

1. log_gaussian(X, mean, cov) -> (N,): log N(x | mean, cov) via a Cholesky factor L of cov:
   solve L z = x - mean, then -0.5 (D log 2pi + |z|^2) - sum(log diag L).
2. e_step(X, weights, means, covs) -> (resp (N, K), mean log-likelihood): responsibilities by
   log-sum-exp over the K components of log w_k + log N(x | mu_k, Sigma_k).
3. m_step(X, resp, reg_covar) -> (weights, means (K, D), covs (K, D, D)): N_k = sum of resp
   (+ 10 * float64 eps, as sklearn), weighted means and covariances, reg_covar on the diagonal.
4. fit_gmm(X, init_means, max_iter, tol, reg_covar) -> (weights, means, covs, mean log-likelihood):
   hard-assign each point to its nearest init mean, m_step on that one-hot resp, then alternate
   e_step / m_step until the log-likelihood changes by less than tol; finally the log-likelihood
   of the final parameters.""",
    entry_points=(
        EntryPoint("log_gaussian", "(X, mean, cov)", "Log densities (N,)."),
        EntryPoint("e_step", "(X, weights, means, covs)", "(responsibilities (N, K), mean log-likelihood)."),
        EntryPoint("m_step", "(X, resp, reg_covar=1e-06)", "(weights (K,), means (K, D), covs (K, D, D))."),
        EntryPoint(
            "fit_gmm",
            "(X, init_means, max_iter=100, tol=0.001, reg_covar=1e-06)",
            "(weights, means, covs, mean log-likelihood).",
        ),
    ),
    checks=(
        Check(
            "log_gaussian",
            "log_gaussian",
            loggauss_cases,
            description="a full covariance in 3-D; the standard normal at 0",
        ),
        Check("e_step", "e_step", estep_cases, tolerance=LOOSE, description="K = 3; points far from every component"),
        Check("m_step", "m_step", mstep_cases, description="soft responsibilities; reg_covar 1e-6 and 0.1"),
        Check(
            "fit", "fit_gmm", gmm_cases, tolerance={"float64": (1e-5, 1e-7)}, description="K = 3 in 2-D, K = 2 in 3-D"
        ),
    ),
    probes=(
        Probe(
            "each component's covariance weights the points by their responsibilities: "
            "sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k",
            impl={"m_step": _unweighted_cov},
        ),
        Probe(
            "densities underflow to 0 far from the data: compute responsibilities and the log-likelihood with "
            "log-sum-exp over log w_k + log N(x | mu_k, Sigma_k)",
            impl={"e_step": _estep_no_lse},
        ),
        Probe(
            "each covariance is the responsibility-weighted scatter divided by N_k = sum_i r_ik (the component's "
            "share of the points), not by N",
            impl="wrong/gmm/cov_over_n.py",
        ),
        Probe(
            "the log-likelihood returned is the mean over the points (sklearn's score; tol compares it), not the sum",
            impl="wrong/gmm/summed_log_likelihood.py",
        ),
        Probe(
            "reg_covar missing: add reg_covar * I to every covariance",
            impl="wrong/gmm/no_reg_covar.py",
            checks=("m_step",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "m_step",
            "diff = X - means[k]",
            "diff = means[k] - X",
            "the covariance diff^T diff is unchanged when diff changes sign",
        ),
        Equivalent("log_gaussian", "(X - mean).T", "(mean - X).T", "only |z|^2 is used: the sign of z does not matter"),
        Equivalent(
            "e_step",
            "logsumexp(logp, axis=1)",
            "logsumexp(logp)",
            "logp is (N, K): the default axis, the last, is axis 1",
        ),
        Equivalent(
            "m_step",
            "10 * np.finfo(resp.dtype).eps",
            "+ np.finfo(resp.dtype).eps",
            "a floor of 1 to 11 eps on N_k changes the weights by ~1e-16 absolute, far below any tolerance",
        ),
        Equivalent(
            "m_step",
            "10 * np.finfo(resp.dtype).eps",
            "11 * np.finfo",
            "a floor of 9 or 11 eps instead of 10 changes the weights by ~1e-17, below any tolerance",
        ),
        Equivalent(
            "m_step",
            "10 * np.finfo(resp.dtype).eps",
            "9 * np.finfo",
            "a floor of 9 or 11 eps instead of 10 changes the weights by ~1e-17, below any tolerance",
        ),
        Equivalent(
            "fit_gmm",
            "abs(ll - prev) < tol",
            "<= tol",
            "they differ only when the change equals tol exactly: for tol > 0 a coincidence of floats, for "
            "tol = 0 a log-likelihood that stopped changing, at a fixed point of EM where more iterations "
            "change the parameters by rounding at most",
        ),
    ),
)

EXERCISES = [KMEANS, GMM]
