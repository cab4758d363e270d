"""Wrong: Q4_0's scale from max|x| (d = max|x| / -8), losing the sign of the value of largest magnitude."""

import numpy as np

from reference_impls.numpy.gguf_quants import *  # noqa: F403 - the rest as in the reference
from reference_impls.numpy.gguf_quants import F32, _blocks, _fp16_bytes, _inverse

EXPECTED_HINT = "scale from max|x|"


def quantize_q4_0(x):
    b = _blocks(x, 32)
    d = np.abs(b).max(axis=1) / F32(-8)  # the mistake: a negative extreme then lands on code 16, not 0
    q = np.minimum(15, np.trunc(b * _inverse(d)[:, None] + F32(8.5))).astype(np.uint8)
    return np.concatenate([_fp16_bytes(d), q[:, :16] | (q[:, 16:] << 4)], axis=1)
