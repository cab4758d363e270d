"""Exercise: module 0.9's generalization theory at toy scale: double descent, the information plane, two bounds."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

N_TRAIN, D = 40, 8
WIDTHS = (4, 10, 20, 30, 36, 40, 44, 50, 80, 200)


def _regression(seed, n_train=N_TRAIN, d=D, max_width=200):
    """A teacher y = tanh(2 x.w) + noise; (X_train, y_train, X_test, y_test, W) with W (d, max_width) random."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_train + 300, d))
    y = np.tanh(2 * X @ (rng.standard_normal(d) / np.sqrt(d))) + 0.1 * rng.standard_normal(n_train + 300)
    W = rng.standard_normal((d, max_width)) / np.sqrt(d)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:], W


def fit_cases():
    rng = np.random.default_rng(2100)
    yield Case(
        "more_features_than_rows",
        (rng.standard_normal((6, 15)), rng.standard_normal(6)),
        seed=2100,
        note="p > N: infinitely many interpolants; the one of least norm",
    )
    yield Case(
        "more_rows_than_features",
        (rng.standard_normal((20, 5)), rng.standard_normal(20)),
        seed=2100,
        note="p < N: the ordinary least-squares solution",
    )
    A = rng.standard_normal((10, 4))
    yield Case(
        "repeated_columns",
        (np.hstack([A, A[:, :2]]), rng.standard_normal(10)),
        seed=2100,
        note="rank 4 with 6 columns: Phi^T Phi is singular",
    )


def curve_cases():
    yield Case(
        "n_40_widths_4_to_200",
        (*_regression(2200), list(WIDTHS)),
        seed=2200,
        note="N = 40 training rows: the test error peaks at p = 40 and falls again after",
    )
    X_tr, y_tr, X_te, y_te, W = _regression(2210, n_train=12, d=3, max_width=60)
    yield Case(
        "n_12_one_feature_and_many", (X_tr, y_tr, X_te, y_te, W, [1, 12, 60]), seed=2210, note="p = 1, p = N and p = 5N"
    )


def _tanh_mlp(sizes, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return [
        (rng.standard_normal((a, b)) * scale / np.sqrt(a), rng.standard_normal(b) * 0.1)
        for a, b in zip(sizes[:-1], sizes[1:])
    ]


def mi_cases():
    rng = np.random.default_rng(2300)
    X = rng.standard_normal((300, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    T = np.tanh(X @ rng.standard_normal((4, 3)))
    yield Case("three_units_30_bins", (T, y, 30), seed=2300, note="300 samples, 2 classes")
    yield Case("two_bins", (T, y, 2), seed=2300, note="bins=2: each unit's sign, roughly")
    y3 = rng.integers(0, 3, 300)
    yield Case("labels_independent_of_T", (T, y3, 8), seed=2300, note="random labels in 3 classes: I(T;Y) small, not 0")
    yield Case(
        "constant_layer", (np.full((50, 2), 0.3), y[:50], 10), note="max == min: one bin, H(T) = 0", zero_ok=True
    )


def plane_cases():
    rng = np.random.default_rng(2400)
    X = rng.standard_normal((400, 5))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1).astype(np.int64)
    yield Case(
        "three_layers", (_tanh_mlp((5, 8, 6, 3), 2400, 2.0), X, y, 30), seed=2400, note="a tanh MLP 5-8-6-3, 3 classes"
    )
    yield Case(
        "saturated_layer",
        (_tanh_mlp((5, 4, 2), 2410, 20.0), X, y, 12),
        seed=2410,
        note="large weights: tanh saturates at +-1, few bins occupied",
    )


def count_cases():
    yield Case("mlp", ((64, 32, 10),), note="64*32 + 32 + 32*10 + 10")
    yield Case("deep", ((784, 256, 128, 64, 10),))
    yield Case("single_layer", ((3, 1),))


def finite_cases():
    yield Case("digits_mlp", (0.02, 2410, 8, 1437, 0.05), note="P = 2,410 weights at 8 bits, 1,437 samples: vacuous")
    yield Case("tiny_net", (0.1, 13, 4, 100000, 0.01), note="13 weights at 4 bits, 10^5 samples: a useful bound")


def pac_bayes_cases():
    rng = np.random.default_rng(2500)
    yield Case("small_weights", (0.05, rng.standard_normal(300) * 0.1, 0.05, 0.1, 60000, 0.05), seed=2500)
    yield Case(
        "sigma_equals_prior",
        (0.0, rng.standard_normal(20), 1.0, 1.0, 1000, 0.1),
        seed=2500,
        note="sigma = prior sigma: KL is |w|^2 / (2 prior^2) only",
    )
    yield Case(
        "zero_weights", (0.1, np.zeros(50), 0.5, 1.0, 5000, 0.05), note="w = 0: the KL comes only from the variances"
    )


# Entropies of counts and the KL of two Gaussians come out of float64 arithmetic to ~1e-15 in any order of
# operations: a tolerance this tight tells a float32 computation (6e-8 relative) from a float64 one.
FLOAT64_STRICT = {"float64": (1e-10, 1e-12)}

# -- known mistakes ---------------------------------------------------------------------------------------


def _fit_ridge(Phi, y):
    return np.linalg.solve(Phi.T @ Phi + 1e-3 * np.eye(Phi.shape[1]), Phi.T @ y)


def _mi_nats(T, y, bins):
    from reference_impls.numpy.generalization_theory import binned_mi

    a, b = binned_mi(T, y, bins)
    return np.float64(a * np.log(2)), np.float64(b * np.log(2))


def _mi_per_unit_range(T, y, bins):
    from reference_impls.numpy.generalization_theory import _entropy_bits

    lo, hi = T.min(axis=0), T.max(axis=0)
    idx = np.minimum(((T - lo) / np.where(hi > lo, hi - lo, 1) * bins).astype(np.int64), bins - 1)
    t = np.unique(idx, axis=0, return_inverse=True)[1].reshape(-1)
    h = _entropy_bits(t)
    return np.float64(h), np.float64(h - sum(np.mean(y == c) * _entropy_bits(t[y == c]) for c in np.unique(y)))


def _count_no_bias(sizes):
    return int(sum(a * b for a, b in zip(sizes[:-1], sizes[1:])))


def _finite_no_ln2(train_error, n_params, bits, n, delta):
    return float(train_error + np.sqrt((bits * n_params + np.log(1 / delta)) / (2 * n)))


EXERCISE = Exercise.of(
    info("generalization_theory"),
    preamble="import numpy as np\n",
    task="""Module 0.9 measures what theory predicts about generalization. Three of its experiments, small enough
to run in a second (float64 NumPy throughout):

Double descent (Belkin et al. 2019): random ReLU features and the minimum-norm least-squares fit.
1. `min_norm_fit(Phi, y)`: beta (p,), the least-squares solution of Phi beta = y of least norm:
   np.linalg.pinv(Phi) @ y or np.linalg.lstsq(Phi, y, rcond=None)[0]. For p > N it interpolates;
   the normal equations (Phi^T Phi singular) or a ridge term give another answer, and hide the peak.
2. `double_descent(X_train, y_train, X_test, y_test, W, widths)`: for each p in widths, the features
   max(0, X W[:, :p]) (the first p columns of W), the min-norm fit on the training rows, and its test
   MSE; a float64 array. With N training rows the error peaks at p = N and falls again beyond it.

The information plane (Shwartz-Ziv & Tishby 2017), by binning:
3. `binned_mi(T, y, bins)`: bin T (N, k) into `bins` equal-width bins over [T.min(), T.max()] (the
   layer's whole range; index min(floor((t - lo) / (hi - lo) * bins), bins - 1); all in bin 0 when
   hi == lo), take each row's k bin indices as one symbol, and return (I(X;T), I(T;Y)) in bits:
   I(X;T) = H(T) (X distinct, the map deterministic), I(T;Y) = H(T) - sum_c P(y=c) H(T | y=c).
4. `information_plane(params, X, y, bins)`: T_l = tanh(T_{l-1} W + b) through each (W, b) of params,
   T_0 = X; an (L, 2) float64 array of binned_mi(T_l, y, bins) per layer.

Generalization bounds for a given architecture:
5. `param_count(sizes)`: the weights and biases of an MLP with widths sizes = (in, hidden..., out).
6. `finite_class_bound(train_error, n_params, bits, n, delta)`: with each weight stored in `bits`
   bits there are 2^(bits n_params) networks; Hoeffding and a union bound give, with probability
   1 - delta, error <= train_error + sqrt((bits n_params ln 2 + ln(1/delta)) / (2n)).
7. `pac_bayes_bound(train_error, w, sigma, prior_sigma, n, delta)`: McAllester's bound in Maurer's
   form, train_error + sqrt((KL + ln(2 sqrt(n) / delta)) / (2n)), with KL(N(w, sigma^2 I) ||
   N(0, prior_sigma^2 I)) = 1/2 sum_i (sigma^2 / prior^2 + w_i^2 / prior^2 - 1 - ln(sigma^2 / prior^2)).

The reference: reference_impls/numpy/generalization_theory.py.""",
    entry_points=(
        EntryPoint("min_norm_fit", "(Phi, y)", "beta (p,): the least-norm least-squares solution of Phi beta = y."),
        EntryPoint(
            "double_descent",
            "(X_train, y_train, X_test, y_test, W, widths)",
            "(len(widths),) float64: the test MSE of the min-norm fit on max(0, X W[:, :p]), per p.",
        ),
        EntryPoint("binned_mi", "(T, y, bins)", "(I(X;T), I(T;Y)) in bits for the binned activations T (N, k)."),
        EntryPoint(
            "information_plane", "(params, X, y, bins)", "(L, 2) float64: binned_mi of each tanh layer's activations."
        ),
        EntryPoint("param_count", "(sizes)", "An int: the weights and biases of an MLP with these widths."),
        EntryPoint(
            "finite_class_bound",
            "(train_error, n_params, bits, n, delta)",
            "A float: train_error + sqrt((bits n_params ln 2 + ln(1/delta)) / (2n)).",
        ),
        EntryPoint(
            "pac_bayes_bound",
            "(train_error, w, sigma, prior_sigma, n, delta)",
            "A float: McAllester / Maurer with the KL of two isotropic Gaussians.",
        ),
    ),
    checks=(
        Check(
            "min_norm_fit",
            "min_norm_fit",
            fit_cases,
            tolerance={"float64": (1e-6, 1e-9)},
            description="p > N (least norm), p < N, repeated columns (singular Phi^T Phi)",
        ),
        Check(
            "double_descent",
            "double_descent",
            curve_cases,
            tolerance={"float64": (1e-6, 1e-9)},
            description="N = 40 and widths 4 to 200 (the peak at p = N); p = 1, N, 5N",
        ),
        Check(
            "binned_mi",
            "binned_mi",
            mi_cases,
            tolerance=FLOAT64_STRICT,
            description="30 and 2 bins, labels independent of T, a constant layer",
        ),
        Check(
            "information_plane",
            "information_plane",
            plane_cases,
            tolerance=FLOAT64_STRICT,
            description="a 3-layer tanh MLP; a saturated one",
        ),
        Check("param_count", "param_count", count_cases, description="two MLPs and a single unit"),
        Check("finite_class_bound", "finite_class_bound", finite_cases, description="a vacuous bound and a useful one"),
        Check(
            "pac_bayes_bound",
            "pac_bayes_bound",
            pac_bayes_cases,
            tolerance=FLOAT64_STRICT,
            description="small weights, sigma = prior, zero weights",
        ),
    ),
    probes=(
        Probe(
            "a ridge term (or the normal equations) is not the minimum-norm solution: use np.linalg.pinv(Phi) @ y "
            "or np.linalg.lstsq(Phi, y, rcond=None)[0]; regularization smooths away the peak at p = N",
            impl="wrong/generalization_theory/ridge_fit.py",
            checks=("min_norm_fit", "double_descent"),
        ),
        Probe(
            "the information is in nats: the plane is drawn in bits (np.log2)",
            impl={"binned_mi": _mi_nats},
            checks=("binned_mi",),
        ),
        Probe(
            "each unit was binned over its own range: the bins span the whole layer's range, T.min() to T.max()",
            impl={"binned_mi": _mi_per_unit_range},
            checks=("binned_mi",),
        ),
        Probe(
            "the biases were not counted: each layer has a * b weights and b biases",
            impl={"param_count": _count_no_bias},
        ),
        Probe(
            "ln |H| = bits * n_params * ln 2: the ln 2 is missing (2^(bits P) networks, not e^(bits P))",
            impl={"finite_class_bound": _finite_no_ln2},
        ),
        Probe(
            "the KL is off: 1/2 sum (sigma^2/prior^2 + w^2/prior^2 - 1 - ln(sigma^2/prior^2)), summed over every weight",
            impl="wrong/generalization_theory/kl_without_log.py",
            checks=("pac_bayes_bound",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "double_descent",
            "np.array(errors, dtype=np.float64)",
            "np.array(errors)",
            "the errors are np.mean of float64 arrays, float64 scalars: np.array keeps float64",
        ),
        Equivalent(
            "bin_symbols",
            "idx = np.zeros(T.shape, dtype=np.int64)",
            "idx = np.zeros(T.shape)",
            "the bin indices only name symbols: np.unique numbers float zeros the same as int zeros",
        ),
        Equivalent(
            "bin_symbols",
            "symbols.reshape(-1)",
            "symbols.reshape(-2)",
            "NumPy's reshape takes any negative size as the inferred one",
        ),
        Equivalent(
            "information_plane",
            "np.array(rows, dtype=np.float64)",
            "np.array(rows)",
            "the rows are pairs of np.float64 from binned_mi: np.array keeps float64",
        ),
        Equivalent(
            "gaussian_kl",
            "np.asarray(w, dtype=np.float64)",
            "np.asarray(w)",
            "the weights come as float64 arrays: the conversion changes nothing",
        ),
    ),
)
