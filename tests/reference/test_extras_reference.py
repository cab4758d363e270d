"""Mixup / CutMix (against the papers' reference code), k-fold cross-validation and grid search
(against scikit-learn), seq2seq attention (against torch)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from reference_impls.numpy import attention as att
from reference_impls.numpy import cross_validation as cv
from reference_impls.numpy import mixup as mx


def rand_bbox_clovaai(size, lam, cy, cx):
    """clovaai/CutMix-PyTorch train.py rand_bbox, with the random centre passed in (their W is dim 2)."""
    W, H = size[2], size[3]
    cut_rat = np.sqrt(1.0 - lam)
    cut_w, cut_h = int(W * cut_rat), int(H * cut_rat)
    bbx1, bby1 = np.clip(cy - cut_w // 2, 0, W), np.clip(cx - cut_h // 2, 0, H)
    bbx2, bby2 = np.clip(cy + cut_w // 2, 0, W), np.clip(cx + cut_h // 2, 0, H)
    return bbx1, bby1, bbx2, bby2


@pytest.mark.parametrize("lam, cy, cx", [(0.7, 4, 5), (0.3, 0, 0), (0.95, 7, 7), (0.0, 3, 3), (1.0, 2, 2)])
def test_cutmix_box_matches_reference_code(lam, cy, cx):
    y0, y1, x0, x1 = mx.cutmix_box(8, 8, lam, cy, cx)
    assert (y0, x0, y1, x1) == tuple(int(v) for v in rand_bbox_clovaai((2, 3, 8, 8), lam, cy, cx))


def test_cutmix_pastes_and_relabels():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((4, 3, 8, 8)), np.eye(4)
    perm = np.array([1, 2, 3, 0])
    out, y2, lam = mx.cutmix(x, y, 0.75, perm, 4, 4)  # a 4x4 box from (2, 2) to (6, 6)
    np.testing.assert_array_equal(out[:, :, 2:6, 2:6], x[perm][:, :, 2:6, 2:6])
    np.testing.assert_array_equal(out[:, :, :2], x[:, :, :2])
    assert lam == pytest.approx(0.75)
    np.testing.assert_allclose(y2.sum(1), 1)
    assert mx.cutmix(x, y, 0.75, perm, 0, 0)[2] == pytest.approx(1 - 4 / 64)  # clipped at the corner


def test_mixup_by_hand_and_batch():
    x, y = np.array([[0.0], [10.0]]), np.eye(2)
    xm, ym = mx.mixup(x, y, 0.8, np.array([1, 0]))
    np.testing.assert_allclose(xm, [[2.0], [8.0]])
    np.testing.assert_allclose(ym, [[0.8, 0.2], [0.2, 0.8]])
    x = np.random.default_rng(1).standard_normal((16, 3, 4, 4))
    a = mx.mixup_batch(x, np.eye(16), 0.4, np.random.default_rng(2))
    b = mx.mixup_batch(x, np.eye(16), 0.4, np.random.default_rng(2))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_allclose(a[1].sum(1), 1)


@pytest.mark.parametrize("n, k", [(10, 5), (11, 3), (7, 7), (150, 10)])
def test_kfold_matches_sklearn(n, k):
    ours = cv.kfold_indices(n, k)
    theirs = list(KFold(k).split(np.zeros(n)))
    for (tr, te), (tr2, te2) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(te, te2)
        np.testing.assert_array_equal(tr, tr2)
    shuffled = cv.kfold_indices(n, k, shuffle=True, seed=3)
    np.testing.assert_array_equal(np.sort(np.concatenate([te for _, te in shuffled])), np.arange(n))


def _ridge(X, y, alpha=1.0):
    return Ridge(alpha=alpha).fit(X, y)


def _r2(model, X, y):
    return model.score(X, y)


def test_cross_val_score_and_grid_search_match_sklearn():
    X, y = load_diabetes(return_X_y=True)
    np.testing.assert_allclose(
        cv.cross_val_score(_ridge, _r2, X, y, 5, alpha=0.5),
        cross_val_score(Ridge(alpha=0.5), X, y, cv=KFold(5)),
        rtol=1e-12,
    )
    grid = {"alpha": [0.01, 0.1, 1.0, 10.0]}
    best, best_score, means = cv.grid_search(_ridge, _r2, X, y, grid, k=5)
    sk = GridSearchCV(Ridge(), grid, cv=KFold(5)).fit(X, y)
    assert best == sk.best_params_
    np.testing.assert_allclose(means, sk.cv_results_["mean_test_score"], rtol=1e-12)
    assert best_score == pytest.approx(sk.best_score_)


TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, tq, tk, d, dv", [(1, 1, 1, 4, 4), (2, 3, 5, 8, 6), (3, 7, 4, 16, 2)])
@pytest.mark.parametrize("masked", [False, True])
def test_dot_product_attention_matches_sdpa(n, tq, tk, d, dv, masked, dtype):
    rng = np.random.default_rng(tq * tk)
    q, k, v = (rng.standard_normal(s).astype(dtype) for s in ((n, tq, d), (n, tk, d), (n, tk, dv)))
    mask = rng.random((n, tq, tk)) < 0.7 if masked else None
    if masked:
        mask[..., 0] = True  # every query attends somewhere
    ctx, w = att.dot_product_attention(q, k, v, mask)
    tmask = None if mask is None else torch.tensor(mask)
    want = F.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v), attn_mask=tmask)
    np.testing.assert_allclose(ctx, want.numpy(), **TOL[dtype])
    scores = torch.tensor(q) @ torch.tensor(k).transpose(-1, -2) / np.sqrt(d)
    if masked:
        scores = scores.masked_fill(~tmask, float("-inf"))
    np.testing.assert_allclose(w, torch.softmax(scores, -1).numpy(), **TOL[dtype])
    assert ctx.dtype == dtype


@pytest.mark.parametrize("masked", [False, True])
def test_additive_attention_matches_torch_formula(masked):
    rng = np.random.default_rng(5)
    n, tq, tk, d, a = 2, 3, 6, 5, 7
    q, k, v = rng.standard_normal((n, tq, d)), rng.standard_normal((n, tk, d)), rng.standard_normal((n, tk, 4))
    W_q, W_k, w = rng.standard_normal((d, a)), rng.standard_normal((d, a)), rng.standard_normal(a)
    mask = np.ones((n, tq, tk), bool)
    if masked:
        mask[:, :, 4:] = False  # padding at the end of the source sentence
    ctx, weights = att.additive_attention(q, k, v, W_q, W_k, w, mask)
    T = torch.tensor
    scores = torch.tanh((T(q) @ T(W_q)).unsqueeze(2) + (T(k) @ T(W_k)).unsqueeze(1)) @ T(w)
    scores = scores.masked_fill(~T(mask), float("-inf"))
    want_w = torch.softmax(scores, -1)
    np.testing.assert_allclose(weights, want_w.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ctx, (want_w @ T(v)).numpy(), rtol=1e-12)
    if masked:
        assert not weights[:, :, 4:].any()
