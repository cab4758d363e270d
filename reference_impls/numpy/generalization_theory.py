"""Generalization theory at toy scale: double descent, the information plane, two generalization bounds.

Module 0.9's exercises 3-5 and capstone steps 2-3, in plain NumPy:

- Double descent (Belkin et al. 2019; Hastie et al. 2022, "Surprises in high-dimensional ridgeless
  least squares"): random ReLU features phi(x) = max(0, x W[:, :p]) and the minimum-norm
  least-squares fit beta = pinv(Phi) y. The test error rises as p nears n (one interpolating fit,
  badly conditioned), peaks at p = n and falls again for p >> n, where the minimum-norm interpolant
  is smooth. A ridge term, or the normal equations, hides the peak.
- The information plane (Shwartz-Ziv & Tishby 2017): a layer's activations T binned into `bins`
  equal-width bins over the layer's range, each row's bin pattern one discrete symbol; with X
  distinct and the network deterministic, I(X; T) = H(T), and I(T; Y) = H(T) - H(T | Y), in bits.
- Bounds: Hoeffding plus a union bound over the networks whose P weights take `bits` bits each
  (|H| = 2^(bits P)): err <= train_err + sqrt((bits P ln 2 + ln(1/delta)) / (2n)); and McAllester's
  PAC-Bayes bound (Maurer's form) for the posterior N(w, sigma^2 I) against the prior N(0, prior^2 I):
  err <= train_err + sqrt((KL + ln(2 sqrt(n) / delta)) / (2n)).

tests/reference/test_generalization_theory_reference.py checks these against numpy.linalg.lstsq,
sklearn.metrics.mutual_info_score and torch.distributions.kl_divergence.
Limits: squared error for double descent; the binning estimator is biased (it depends on `bins`).
"""

import numpy as np

# -- double descent ---------------------------------------------------------------------------------------


def relu_features(X, W, p):
    """(N, p): max(0, X @ W[:, :p]), the first p random features."""
    return np.maximum(X @ W[:, :p], 0.0)


def min_norm_fit(Phi, y):
    """beta (p,): the least-squares solution of Phi beta = y of least norm (the interpolant when p >= N)."""
    return np.linalg.pinv(Phi) @ y


def double_descent(X_train, y_train, X_test, y_test, W, widths):
    """(len(widths),) float64: the test MSE of the min-norm fit on the first p random features, per p."""
    errors = []
    for p in widths:
        beta = min_norm_fit(relu_features(X_train, W, p), y_train)
        errors.append(np.mean((relu_features(X_test, W, p) @ beta - y_test) ** 2))
    return np.array(errors, dtype=np.float64)


# -- the information plane -----------------------------------------------------------------------------------


def _entropy_bits(symbols):
    _, counts = np.unique(symbols, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def bin_symbols(T, bins):
    """(N,) int64: each row of T binned (equal-width bins over T's whole range) and numbered as one symbol."""
    lo, hi = T.min(), T.max()
    if hi == lo:
        idx = np.zeros(T.shape, dtype=np.int64)
    else:
        idx = np.minimum(((T - lo) / (hi - lo) * bins).astype(np.int64), bins - 1)
    _, symbols = np.unique(idx, axis=0, return_inverse=True)
    return symbols.reshape(-1).astype(np.int64)


def binned_mi(T, y, bins):
    """(I(X; T), I(T; Y)) in bits, as float64: H(T) and H(T) - H(T | Y) of the binned activations."""
    t = bin_symbols(T, bins)
    h_t = _entropy_bits(t)
    h_t_given_y = sum(np.mean(y == c) * _entropy_bits(t[y == c]) for c in np.unique(y))
    return np.float64(h_t), np.float64(h_t - h_t_given_y)


def information_plane(params, X, y, bins):
    """(L, 2) float64: (I(X; T_l), I(T_l; Y)) for each layer's activations T_l = tanh(T_{l-1} W + b)."""
    T, rows = X, []
    for W, b in params:
        T = np.tanh(T @ W + b)
        rows.append(binned_mi(T, y, bins))
    return np.array(rows, dtype=np.float64)


# -- bounds ------------------------------------------------------------------------------------------------------


def param_count(sizes):
    """The weights and biases of an MLP with layer widths `sizes` (in, hidden..., out)."""
    return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))


def finite_class_bound(train_error, n_params, bits, n, delta):
    """Hoeffding + a union bound over the 2^(bits * n_params) quantized networks: the test-error bound."""
    return float(train_error + np.sqrt((bits * n_params * np.log(2) + np.log(1 / delta)) / (2 * n)))


def gaussian_kl(w, sigma, prior_sigma):
    """KL(N(w, sigma^2 I) || N(0, prior_sigma^2 I)) in nats."""
    w = np.asarray(w, dtype=np.float64)
    ratio = sigma**2 / prior_sigma**2
    return float(0.5 * np.sum(ratio + w**2 / prior_sigma**2 - 1.0 - np.log(ratio)))


def pac_bayes_bound(train_error, w, sigma, prior_sigma, n, delta):
    """McAllester's bound (Maurer's form): train_error + sqrt((KL + ln(2 sqrt(n) / delta)) / (2 n))."""
    kl = gaussian_kl(w, sigma, prior_sigma)
    return float(train_error + np.sqrt((kl + np.log(2 * np.sqrt(n) / delta)) / (2 * n)))
