"""Correct, in the style of timm's drop_path and the EfficientNet reference's drop_connect: the random
tensor is drawn directly in the broadcast shape (N, 1, ..., 1), keep_prob is added and the sum floored
(1 exactly where the draw is >= p), and it is divided by keep_prob only when keep_prob > 0. The depth
rates come from np.linspace over blocks 1..L; the schedule from np.clip."""

import numpy as np


def _binary_keep(rng, shape, keep_prob):
    random_tensor = keep_prob + rng.random(shape)
    return np.floor(random_tensor)  # 1.0 where rand >= 1 - keep_prob = p


def _scale(binary, keep_prob, dtype):
    if keep_prob > 0.0:
        binary = binary / keep_prob
    return binary.astype(dtype)


def dropconnect_linear(x, W, b, p=0.5, training=True, rng=None):
    if p == 0.0 or not training:
        return np.matmul(x, W) + b, None
    keep_prob = 1.0 - p
    mask = _scale(_binary_keep(rng, W.shape, keep_prob), keep_prob, W.dtype)
    return np.matmul(x, W * mask) + b, mask


def dropconnect_backward(dout, x, W, mask):
    W_eff = W * mask if mask is not None else W
    dx = np.matmul(dout, W_eff.T)
    dW = np.einsum("ni,no->io", x, dout)
    if mask is not None:
        dW = dW * mask
    return dx, dW, np.sum(dout, axis=0)


def drop_path(x, p=0.0, training=True, rng=None):
    if p == 0.0 or not training:
        return np.array(x, copy=True), None
    keep_prob = 1.0 - p
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)  # works with tensors of any rank, as timm says
    random_tensor = _scale(_binary_keep(rng, shape, keep_prob), keep_prob, x.dtype)
    return x * random_tensor, random_tensor


def drop_path_backward(dout, mask):
    if mask is None:
        return np.array(dout, copy=True)
    return dout * mask


def stochastic_depth_rates(num_blocks, p_last):
    return np.linspace(p_last / num_blocks, p_last, num_blocks)


def scheduled_drop_prob(p_final, step, total_steps):
    return float(p_final * np.clip(step / total_steps, 0.0, 1.0))
