"""The generalization-theory reference against numpy.linalg.lstsq, scikit-learn's mutual information and torch's KL."""

import numpy as np
import pytest

from reference_impls.numpy import generalization_theory as gt


@pytest.mark.parametrize("shape", [(6, 15), (20, 5), (12, 12)])
def test_min_norm_fit_equals_lstsq(shape):
    rng = np.random.default_rng(shape[0])
    Phi, y = rng.standard_normal(shape), rng.standard_normal(shape[0])
    np.testing.assert_allclose(gt.min_norm_fit(Phi, y), np.linalg.lstsq(Phi, y, rcond=None)[0], rtol=1e-8, atol=1e-10)


def test_double_descent_peaks_at_the_interpolation_threshold():
    from reference_impls.exercises.generalization_theory import N_TRAIN, WIDTHS, _regression

    X_tr, y_tr, X_te, y_te, W = _regression(2200)
    errors = gt.double_descent(X_tr, y_tr, X_te, y_te, W, list(WIDTHS))
    assert WIDTHS[int(np.argmax(errors))] == N_TRAIN
    assert errors[-1] < errors[0] and errors.max() > 10 * errors[-1]
    p = 50  # against lstsq, written out
    beta = np.linalg.lstsq(np.maximum(X_tr @ W[:, :p], 0), y_tr, rcond=None)[0]
    expected = np.mean((np.maximum(X_te @ W[:, :p], 0) @ beta - y_te) ** 2)
    assert errors[list(WIDTHS).index(p)] == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("bins", [2, 10, 30])
def test_binned_mi_equals_sklearns_mutual_information(bins):
    from sklearn.metrics import mutual_info_score

    rng = np.random.default_rng(bins)
    X = rng.standard_normal((300, 4))
    T, y = np.tanh(X @ rng.standard_normal((4, 3))), rng.integers(0, 3, 300)
    symbols = gt.bin_symbols(T, bins)
    i_xt, i_ty = gt.binned_mi(T, y, bins)
    assert i_ty == pytest.approx(mutual_info_score(symbols, y) / np.log(2), rel=1e-9)
    assert i_xt == pytest.approx(mutual_info_score(symbols, symbols) / np.log(2), rel=1e-9)
    # the symbols are the joint bins: np.digitize over the same edges gives the same partition
    edges = np.linspace(T.min(), T.max(), bins + 1)[1:-1]
    joint = np.unique(np.digitize(T, edges), axis=0, return_inverse=True)[1].reshape(-1)
    assert mutual_info_score(joint, symbols) == pytest.approx(mutual_info_score(symbols, symbols))


def test_bounds_against_torch_kl_and_the_formula():
    import torch
    from torch.distributions import Normal, kl_divergence

    rng = np.random.default_rng(0)
    w, sigma, prior = rng.standard_normal(50), 0.3, 0.7
    expected_kl = kl_divergence(
        Normal(torch.tensor(w), sigma), Normal(torch.zeros(50, dtype=torch.float64), prior)
    ).sum()
    assert gt.gaussian_kl(w, sigma, prior) == pytest.approx(expected_kl.item(), rel=1e-12)
    n, delta = 1000, 0.05
    assert gt.pac_bayes_bound(0.1, w, sigma, prior, n, delta) == pytest.approx(
        0.1 + np.sqrt((expected_kl.item() + np.log(2 * np.sqrt(n) / delta)) / (2 * n))
    )
    net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    assert gt.param_count((64, 32, 10)) == sum(p.numel() for p in net.parameters())
    assert gt.finite_class_bound(0.0, 10, 1, 1000, 1.0) == pytest.approx(np.sqrt(10 * np.log(2) / 2000))
