"""Wrong: Q4_0's q - 8 computed in the codes' uint8: every code below 8 wraps around to 248 .. 255."""

import numpy as np

from reference_impls.numpy.gguf_quants import dequantize_q4_k, pack_q4_k_scales, quantize_q4_k  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "q - 8 computed in uint8 wraps around"


def np_roundf(n):
    a = abs(n)
    floored = np.floor(a)
    b = floored + np.floor(2 * (a - floored))
    return np.sign(n) * b


def quantize_q8_0(x):
    blocks = x.reshape(-1, 32)
    d = abs(blocks).max(axis=1, keepdims=True) / 127
    with np.errstate(divide="ignore"):
        id = np.where(d == 0, 0, 1 / d)
    qs = np_roundf(blocks * id)
    d = d.astype(np.float16).view(np.uint8)
    qs = qs.astype(np.int8).view(np.uint8)
    return np.concatenate([d, qs], axis=1)


def dequantize_q8_0(blocks):
    d, x = np.split(blocks, [2], axis=1)
    d = d.view(np.float16).astype(np.float32)
    x = x.view(np.int8).astype(np.float32)
    return (x * d).reshape(-1)


def quantize_q4_0(x):
    blocks = x.reshape(-1, 32)
    n_blocks = blocks.shape[0]
    imax = abs(blocks).argmax(axis=-1, keepdims=True)
    max = np.take_along_axis(blocks, imax, axis=-1)
    d = max / -8
    with np.errstate(divide="ignore"):
        id = np.where(d == 0, 0, 1 / d)
    qs = np.trunc((blocks * id) + np.float32(8.5), dtype=np.float32).astype(np.uint8).clip(0, 15)
    qs = qs.reshape((n_blocks, 2, 16))
    qs = qs[..., 0, :] | (qs[..., 1, :] << np.uint8(4))
    d = d.astype(np.float16).view(np.uint8)
    return np.concatenate([d, qs], axis=-1)


def dequantize_q4_0(blocks):
    n_blocks = blocks.shape[0]
    d, qs = np.split(blocks, [2], axis=-1)
    d = d.view(np.float16).astype(np.float32)
    qs = qs.reshape((n_blocks, -1, 1, 16)) >> np.array([0, 4], dtype=np.uint8).reshape((1, 1, 2, 1))
    qs = (qs & np.uint8(0x0F)).reshape((n_blocks, -1)) - np.uint8(8)  # the mistake: .astype(np.int8) first
    return (d * qs.astype(np.float32)).reshape(-1)
