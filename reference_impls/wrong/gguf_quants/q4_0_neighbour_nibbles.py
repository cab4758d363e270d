"""Wrong: Q4_0 packs neighbours x[2j], x[2j + 1] into byte j (the intuitive order), not x[j] and x[j + 16]."""

import numpy as np

from reference_impls.numpy.gguf_quants import *  # noqa: F403 - the rest as in the reference
from reference_impls.numpy.gguf_quants import F32, _blocks, _fp16_bytes, _fp16_values, _inverse

EXPECTED_HINT = "nibbles paired with their neighbour"


def quantize_q4_0(x):
    b = _blocks(x, 32)
    m = np.take_along_axis(b, np.abs(b).argmax(axis=1)[:, None], axis=1)[:, 0]
    d = m / F32(-8)
    q = np.minimum(15, np.trunc(b * _inverse(d)[:, None] + F32(8.5))).astype(np.uint8)
    return np.concatenate([_fp16_bytes(d), q[:, 0::2] | (q[:, 1::2] << 4)], axis=1)  # the mistake: neighbours


def dequantize_q4_0(blocks):
    d = _fp16_values(blocks[:, :2])
    qs = blocks[:, 2:]
    q = np.stack([qs & 15, qs >> 4], axis=-1).reshape(len(qs), 32).astype(F32) - F32(8)  # the same order back
    return (q * d[:, None]).reshape(-1)
