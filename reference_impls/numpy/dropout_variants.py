"""DropConnect and DropPath (stochastic depth), train and eval, forward and backward, and the
drop-rate schedules of stochastic depth and ScheduledDropPath, in NumPy.

DropConnect drops WEIGHTS instead of activations. For a linear layer with W (in, out):
    training: keep = rng.random(W.shape) >= p,  M = keep / (1 - p),  out = x @ (W * M) + b
    eval:     out = x @ W + b
    backward: dW = (x^T dout) * M,  db = sum_n dout,  dx = dout @ (W * M)^T
One mask for the whole batch, as DropConnect is usually implemented (AWD-LSTM's WeightDrop); the
paper draws one per example and, at inference, moment-matches a Gaussian instead of rescaling.

DropPath drops a whole residual BRANCH for some examples: out = x + drop_path(f(x)) with
    training: keep = rng.random(N) >= p  (one draw per example),  drop_path(h) = h * keep[n] / (1 - p)
    eval:     drop_path(h) = h
the mask (N, 1, ..., 1) broadcasting over every other axis (timm's DropPath, scale_by_keep=True).
Stochastic depth's linear decay rule gives block l = 1..L the drop probability p_l = l / L * p_L
(the input is never dropped, the deepest block most often); timm's linspace(0, p_L, L) differs by
starting at 0. ScheduledDropPath grows the probability during training: p(t) = p_final * t / T.

Why 1 / (1 - p): E[keep / (1 - p)] = 1, so the expected output in training equals the eval output.
Sources: Wan et al. 2013, "Regularization of Neural Networks using DropConnect" (ICML); Huang et
al. 2016, "Deep Networks with Stochastic Depth" (arXiv:1603.09382), eq. 4 and the linear decay
rule; Larsson et al. 2017, FractalNet (drop-path); Zoph et al. 2018, NASNet (ScheduledDropPath);
timm.layers.drop_path. Limits: p in [0, 1]; p = 1 drops everything (zeros, no division by 0).
"""

import numpy as np


def _scaled(keep, p, dtype):
    """keep / (1 - p) in `dtype`, 0 where dropped; all zeros when p == 1 (no unit kept, no 1 / 0)."""
    return np.divide(keep, 1.0 - p, out=np.zeros(keep.shape), where=keep).astype(dtype)


def dropconnect_linear(x, W, b, p=0.5, training=True, rng=None):
    """x (N, in), W (in, out), b (out,). Returns (out (N, out), mask M (in, out) or None in eval)."""
    if not training or p == 0:
        return x @ W + b, None
    rng = rng if rng is not None else np.random.default_rng()
    mask = _scaled(rng.random(W.shape) >= p, p, W.dtype)
    return x @ (W * mask) + b, mask


def dropconnect_backward(dout, x, W, mask):
    """Gradients (dx, dW, db) of sum(dout * dropconnect_linear(x, W, b, ...)) for the mask used."""
    Wm = W if mask is None else W * mask
    dW = x.T @ dout
    return dout @ Wm.T, dW if mask is None else dW * mask, dout.sum(axis=0)


def drop_path(x, p=0.0, training=True, rng=None):
    """x (N, ...): a residual branch's output. Returns (out, mask (N, 1, ..., 1) or None in eval)."""
    if not training or p == 0:
        return x.copy(), None
    rng = rng if rng is not None else np.random.default_rng()
    keep = rng.random(x.shape[0]) >= p  # (N,): one draw per example, not per element
    mask = _scaled(keep, p, x.dtype).reshape(keep.shape + (1,) * (x.ndim - 1))
    return x * mask, mask


def drop_path_backward(dout, mask):
    return dout.copy() if mask is None else dout * mask


def stochastic_depth_rates(num_blocks, p_last):
    """Huang et al.'s linear decay rule: p_l = l / L * p_last for blocks l = 1..L, float64 (L,)."""
    return np.arange(1, num_blocks + 1) / num_blocks * p_last


def scheduled_drop_prob(p_final, step, total_steps):
    """ScheduledDropPath: the drop probability rises linearly from 0 to p_final over training."""
    return p_final * min(step / total_steps, 1.0)
