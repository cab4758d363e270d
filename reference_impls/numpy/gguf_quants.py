"""GGUF's block formats Q8_0, Q4_0 and Q4_K, byte for byte as llama.cpp's ggml-quants.c writes them.

A quantized GGUF tensor is a run of fixed-size blocks, each with its own fp16 scale(s) (ggml-common.h):

    Q8_0   34 bytes per 32 weights:  d (fp16) = max|x| / 127, then 32 int8 q = roundf(x / d)
                                     (round half away from zero);  x = d q
    Q4_0   18 bytes per 32 weights:  d (fp16) = m / -8 where m is the value of largest magnitude WITH its
                                     sign, so m maps to code 0 (-8) and the other side reaches +7;
                                     q = min(15, (int)(x / d + 8.5)) (truncation after adding 8.5); 16
                                     bytes, byte j = q[j] | q[j + 16] << 4 (the first half in the low
                                     nibbles, the second half in the high ones);  x = d (q - 8)
    Q4_K  144 bytes per 256 weights: d, dmin (fp16), 12 bytes of 6-bit scales and mins for 8
                                     sub-blocks of 32, 128 bytes of 4-bit q;  x = d sc_j q - dmin m_j

Q4_K fits each sub-block's (scale, min) by make_qkx2_quants: min-max first, then 21 trial inverse
scales (nmax - 1 + 0.1 k) / (max - min), each followed by a weighted least-squares fit of scale
and min to the codes it gives (weights av_x + |x|, av_x the sub-block's RMS); the fit with the
least weighted squared error wins. The 8 scales and 8 mins are then quantized to 6 bits against
d = max scale / 63 and dmin = max min / 63, and every weight is re-rounded with its sub-block's
quantized (scale, min). The 6-bit values pack into 12 bytes: for j < 4, byte j holds scale j and
byte j + 4 min j (low 6 bits); for j >= 4, byte j + 4 holds the low 4 bits of scale j and of min j,
and their top 2 bits sit in bits 6-7 of bytes j - 4 and j. The 4-bit codes go 64 weights per 32
bytes: the first 32 in the low nibbles, the next 32 in the high ones.

All arithmetic is float32, in llama.cpp's order (sums accumulated left to right), so that the bytes
are llama.cpp's: tests/reference/test_gguf_quants_reference.py checks Q8_0 / Q4_0 against gguf-py's
numpy quantizers, every dequantizer against gguf-py's, and Q4_K's bytes against quantize_row_q4_K_ref
compiled from llama.cpp. Limits: the reference (no importance matrix) quantizers only; 1-D input
whose length is a multiple of the block.
"""

import numpy as np

F32 = np.float32


def _fp16_bytes(d):
    """(nb,) float32 -> (nb, 2) uint8: the fp16 scale as stored (little-endian, round to nearest even)."""
    return np.asarray(d, F32).astype("<f2").view(np.uint8).reshape(-1, 2)


def _fp16_values(b):
    """(nb, 2) uint8 -> (nb,) float32."""
    return np.ascontiguousarray(b).view("<f2").reshape(-1).astype(F32)


def _round_half_away(v):
    """C's roundf: half away from zero (np.round is half to even)."""
    a = np.abs(v)
    return np.sign(v) * (np.floor(a) + np.floor(2 * (a - np.floor(a))))


def _inverse(d):
    with np.errstate(divide="ignore"):
        return np.where(d == 0, F32(0), F32(1) / d).astype(F32)


def _blocks(x, size):
    x = np.asarray(x, F32).reshape(-1)
    if x.size % size:
        raise ValueError(f"{x.size} values: the length must be a multiple of the block size {size}")
    return x.reshape(-1, size)


# -- Q8_0 -------------------------------------------------------------------------------------------


def quantize_q8_0(x):
    """float32 (n,) -> uint8 (n / 32, 34): fp16 d, then 32 int8 codes."""
    b = _blocks(x, 32)
    d = np.abs(b).max(axis=1) / F32(127)
    q = _round_half_away(b * _inverse(d)[:, None]).astype(np.int8)
    return np.concatenate([_fp16_bytes(d), q.view(np.uint8)], axis=1)


def dequantize_q8_0(blocks):
    """uint8 (nb, 34) -> float32 (nb * 32,)."""
    d = _fp16_values(blocks[:, :2])
    return (blocks[:, 2:].view(np.int8).astype(F32) * d[:, None]).reshape(-1)


# -- Q4_0 -------------------------------------------------------------------------------------------


def quantize_q4_0(x):
    """float32 (n,) -> uint8 (n / 32, 18): fp16 d, then 16 bytes of paired 4-bit codes."""
    b = _blocks(x, 32)
    m = np.take_along_axis(b, np.abs(b).argmax(axis=1)[:, None], axis=1)[:, 0]  # signed: the first largest |x|
    d = m / F32(-8)
    q = np.minimum(15, np.trunc(b * _inverse(d)[:, None] + F32(8.5))).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)  # byte j: x[j] low nibble, x[j + 16] high nibble
    return np.concatenate([_fp16_bytes(d), packed], axis=1)


def dequantize_q4_0(blocks):
    """uint8 (nb, 18) -> float32 (nb * 32,)."""
    d = _fp16_values(blocks[:, :2])
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 15, qs >> 4], axis=1).astype(F32) - F32(8)
    return (q * d[:, None]).reshape(-1)


# -- Q4_K -------------------------------------------------------------------------------------------


def _seq_sum(terms):
    """A float32 sum accumulated left to right, as C's `s += t` loop (np.sum adds pairwise)."""
    return np.cumsum(terms, dtype=F32)[-1]


def _fit_sub_block(x, weights, nmax=15, nstep=20):
    """llama.cpp's make_qkx2_quants (rmin -1, rdelta 0.1) for one sub-block -> (scale, the_min >= 0, codes)."""
    rmin, rdelta = F32(-1.0), F32(0.1)
    lo, hi = min(x.min(), F32(0)), x.max()
    sum_w, sum_x = _seq_sum(weights), _seq_sum(weights * x)
    if hi == lo:
        return F32(0), -lo, np.zeros(x.size, np.uint8)
    iscale = F32(nmax) / (hi - lo)
    scale = F32(1) / iscale
    codes = np.clip(np.rint(iscale * (x - lo)), 0, nmax)
    best = _seq_sum(weights * ((scale * codes + lo - x) ** 2))
    for step in range(nstep + 1):
        iscale = (rmin + rdelta * F32(step) + F32(nmax)) / (hi - lo)
        trial = np.clip(np.rint(iscale * (x - lo)), 0, nmax).astype(F32)
        wl = weights * trial
        sum_l, sum_l2, sum_xl = _seq_sum(wl), _seq_sum(wl * trial), _seq_sum(wl * x)
        det = sum_w * sum_l2 - sum_l * sum_l
        if det > 0:  # weighted least squares for x ~ scale * code + min
            this_scale = (sum_w * sum_xl - sum_x * sum_l) / det
            this_min = (sum_l2 * sum_x - sum_l * sum_xl) / det
            if this_min > 0:
                this_min, this_scale = F32(0), sum_xl / sum_l2
            error = _seq_sum(weights * ((this_scale * trial + this_min - x) ** 2))
            if error < best:
                codes, best, scale, lo = trial, error, this_scale, this_min
    return scale, -lo, codes.astype(np.uint8)


def pack_q4_k_scales(scales, mins):
    """6-bit sub-block scales and mins, uint8 (nb, 8) each -> the 12 packed bytes, uint8 (nb, 12)."""
    scales, mins = np.asarray(scales, np.uint8), np.asarray(mins, np.uint8)
    out = np.zeros((scales.shape[0], 12), np.uint8)
    out[:, 0:4] = scales[:, :4]
    out[:, 4:8] = mins[:, :4]
    out[:, 8:12] = (scales[:, 4:] & 15) | ((mins[:, 4:] & 15) << 4)
    out[:, 0:4] |= (scales[:, 4:] >> 4) << 6
    out[:, 4:8] |= (mins[:, 4:] >> 4) << 6
    return out


def unpack_q4_k_scales(packed):
    """uint8 (nb, 12) -> (scales, mins), uint8 (nb, 8) each (llama.cpp's get_scale_min_k4)."""
    p = np.asarray(packed, np.uint8)
    scales = np.concatenate([p[:, 0:4] & 63, (p[:, 8:12] & 15) | ((p[:, 0:4] >> 6) << 4)], axis=1)
    mins = np.concatenate([p[:, 4:8] & 63, (p[:, 8:12] >> 4) | ((p[:, 4:8] >> 6) << 4)], axis=1)
    return scales, mins


def quantize_q4_k(x):
    """float32 (n,) -> uint8 (n / 256, 144): d, dmin, 12 scale bytes, 128 code bytes per super-block."""
    out = []
    for sb in _blocks(x, 256):
        subs = sb.reshape(8, 32)
        fits = []
        for xs in subs:
            av_x = np.sqrt(_seq_sum(xs * xs) / F32(32))
            fits.append(_fit_sub_block(xs, av_x + np.abs(xs)))
        scales = np.array([f[0] for f in fits], F32)
        mins = np.array([f[1] for f in fits], F32)
        codes = np.stack([f[2] for f in fits])  # (8, 32)
        # C's `if (min > max_min) max_min = min` from 0: an all-zero super-block's -0.0 mins leave dmin +0.0
        max_scale, max_min = max(F32(0), scales.max()), max(F32(0), mins.max())
        inv_scale = F32(63) / max_scale if max_scale > 0 else F32(0)
        inv_min = F32(63) / max_min if max_min > 0 else F32(0)
        ls = np.minimum(63, np.rint(inv_scale * scales).astype(np.int64) & 255).astype(np.uint8)
        lm = np.minimum(63, np.rint(inv_min * mins).astype(np.int64) & 255).astype(np.uint8)
        d16, dmin16 = _fp16_bytes([max_scale / F32(63)]), _fp16_bytes([max_min / F32(63)])
        d, dmin = _fp16_values(d16)[0], _fp16_values(dmin16)[0]
        for j in range(8):  # re-round every weight with its sub-block's 6-bit (scale, min)
            dj = d * F32(ls[j])
            if dj == 0:
                continue  # llama.cpp keeps the codes of the fit
            codes[j] = np.clip(np.rint((subs[j] + dmin * F32(lm[j])) / dj), 0, 15)
        flat = codes.reshape(4, 64)  # each 64 weights: 32 bytes, low nibble = first 32, high = next 32
        qs = (flat[:, :32] | (flat[:, 32:] << 4)).reshape(-1)
        out.append(np.concatenate([d16[0], dmin16[0], pack_q4_k_scales(ls[None], lm[None])[0], qs]))
    return np.stack(out).astype(np.uint8)


def dequantize_q4_k(blocks):
    """uint8 (nb, 144) -> float32 (nb * 256,)."""
    d, dmin = _fp16_values(blocks[:, 0:2]), _fp16_values(blocks[:, 2:4])
    scales, mins = unpack_q4_k_scales(blocks[:, 4:16])
    qs = blocks[:, 16:].reshape(-1, 4, 32)
    q = np.stack([qs & 15, qs >> 4], axis=2).reshape(-1, 8, 32).astype(F32)  # sub-block 2k: low, 2k + 1: high
    x = (d[:, None] * scales.astype(F32))[..., None] * q - (dmin[:, None] * mins.astype(F32))[..., None]
    return x.reshape(-1)
