"""Wrong: Q8_0 codes by casting x / d to int8, which truncates toward zero instead of rounding."""

import numpy as np

from reference_impls.numpy.gguf_quants import *  # noqa: F403 - the rest as in the reference
from reference_impls.numpy.gguf_quants import F32, _blocks, _fp16_bytes, _inverse

EXPECTED_HINT = "truncated toward zero"


def quantize_q8_0(x):
    b = _blocks(x, 32)
    d = np.abs(b).max(axis=1) / F32(127)
    q = (b * _inverse(d)[:, None]).astype(np.int8)  # the mistake: astype truncates (2.7 -> 2, -0.5 -> 0)
    return np.concatenate([_fp16_bytes(d), q.view(np.uint8)], axis=1)
