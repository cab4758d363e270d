"""Wrong: Q4_K's sub-block (scale, min) from the min-max range alone, skipping make_qkx2_quants' 21 trial
scales and their weighted least-squares fits: a valid Q4_K file, but not llama.cpp's bytes (and a larger
error on heavy-tailed weights)."""

import numpy as np

from reference_impls.numpy.gguf_quants import *  # noqa: F403 - the rest as in the reference
from reference_impls.numpy.gguf_quants import F32, _blocks, _fp16_bytes, _fp16_values, pack_q4_k_scales

EXPECTED_HINT = "the sub-block fit stopped at the min-max range"


def quantize_q4_k(x):
    out = []
    for sb in _blocks(x, 256):
        subs = sb.reshape(8, 32)
        lo = np.minimum(subs.min(axis=1), F32(0))
        scales = ((subs.max(axis=1) - lo) / F32(15)).astype(F32)  # the mistake: no search, no least squares
        mins = -lo
        max_scale, max_min = max(F32(0), scales.max()), max(F32(0), mins.max())
        ls = np.rint(scales * (F32(63) / max_scale if max_scale > 0 else F32(0))).astype(np.uint8)
        lm = np.rint(mins * (F32(63) / max_min if max_min > 0 else F32(0))).astype(np.uint8)
        d16, dmin16 = _fp16_bytes([max_scale / F32(63)]), _fp16_bytes([max_min / F32(63)])
        d, dmin = _fp16_values(d16)[0], _fp16_values(dmin16)[0]
        codes = np.zeros((8, 32), np.uint8)
        for j in range(8):
            if d * F32(ls[j]) != 0:
                codes[j] = np.clip(np.rint((subs[j] + dmin * F32(lm[j])) / (d * F32(ls[j]))), 0, 15)
        flat = codes.reshape(4, 64)
        qs = (flat[:, :32] | (flat[:, 32:] << 4)).reshape(-1)
        out.append(np.concatenate([d16[0], dmin16[0], pack_q4_k_scales(ls[None], lm[None])[0], qs]))
    return np.stack(out).astype(np.uint8)
