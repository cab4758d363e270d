"""Correct, in cs231n's style: dropout_forward(x, dropout_param) -> (out, cache) with a dropout_param
dict ({'p', 'mode', 'rng'}) and the mask kept in the cache, dropout_backward(dout, cache); the task's
functions wrap them. (cs231n's p is the KEEP probability; here p is the drop probability, as PyTorch.)"""

import numpy as np


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    rng = dropout_param.get("rng") or np.random.default_rng()
    mask = None
    if mode == "train":
        keep_prob = 1 - p
        mask = (rng.random(x.shape) >= p).astype(x.dtype)
        mask = mask / x.dtype.type(keep_prob) if keep_prob > 0 else mask  # p == 1: all zeros, no 0/0
        out = x * mask
    else:
        out = x.copy()
    return out.astype(x.dtype, copy=False), (dropout_param, mask)


def dropout_backward_cached(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask
    return dout.copy()


def dropout(x, p=0.5, training=True, rng=None):
    out, (_, mask) = dropout_forward(x, {"p": p, "mode": "train" if training else "test", "rng": rng})
    return out, mask


def dropout_backward(dout, mask):
    return dropout_backward_cached(dout, ({"mode": "test" if mask is None else "train"}, mask))
