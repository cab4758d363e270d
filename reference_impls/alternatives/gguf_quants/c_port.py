"""Correct, as a line-by-line port of ggml-quants.c: loops over blocks and elements with np.float32
scalars, struct.pack for the fp16 scales, roundf and nearest_int written out as in C, and the Q4_K
scale bytes built with get_scale_min_k4's bit arithmetic."""

import struct

import numpy as np

f32 = np.float32


def roundf(v):
    return f32(np.floor(abs(v) + f32(0.5)) * (1 if v >= 0 else -1))


def nearest_int(v):
    return int(np.rint(f32(v)))


def fp16(v):
    return struct.pack("<e", float(v))


def half(b):
    return f32(struct.unpack("<e", bytes(b))[0])


def quantize_q8_0(x):
    out = []
    for i in range(0, len(x), 32):
        b = x[i : i + 32]
        amax = f32(0)
        for v in b:
            amax = max(amax, abs(v))
        d = amax / f32(127)
        id_ = f32(1) / d if d else f32(0)
        out.append(list(fp16(d)) + [int(roundf(v * id_)) & 255 for v in b])
    return np.array(out, dtype=np.uint8)


def dequantize_q8_0(blocks):
    return np.concatenate([blk[2:].view(np.int8).astype(f32) * half(blk[:2]) for blk in blocks])


def quantize_q4_0(x):
    out = []
    for i in range(0, len(x), 32):
        b = x[i : i + 32]
        amax, m = f32(0), f32(0)
        for v in b:
            if amax < abs(v):
                amax, m = abs(v), v
        d = m / f32(-8)
        id_ = f32(1) / d if d else f32(0)
        q = [min(15, int(v * id_ + f32(8.5))) for v in b]
        out.append(list(fp16(d)) + [q[j] | (q[j + 16] << 4) for j in range(16)])
    return np.array(out, dtype=np.uint8)


def dequantize_q4_0(blocks):
    out = []
    for blk in blocks:
        d = half(blk[:2])
        lo = [((int(c) & 15) - 8) * d for c in blk[2:]]
        hi = [((int(c) >> 4) - 8) * d for c in blk[2:]]
        out += lo + hi
    return np.array(out, dtype=f32)


def pack_q4_k_scales(scales, mins):
    out = np.zeros((len(scales), 12), np.uint8)
    for i in range(len(scales)):
        for j in range(8):
            ls, lm = int(scales[i][j]), int(mins[i][j])
            if j < 4:
                out[i][j] = ls
                out[i][j + 4] = lm
            else:
                out[i][j + 4] = (ls & 0xF) | ((lm & 0xF) << 4)
                out[i][j - 4] |= (ls >> 4) << 6
                out[i][j] |= (lm >> 4) << 6
    return out


def get_scale_min_k4(j, q):
    if j < 4:
        return int(q[j]) & 63, int(q[j + 4]) & 63
    return (int(q[j + 4]) & 0xF) | ((int(q[j - 4]) >> 6) << 4), (int(q[j + 4]) >> 4) | ((int(q[j]) >> 6) << 4)


def dequantize_q4_k(blocks):
    out = []
    for blk in blocks:
        d, dmin, q = half(blk[0:2]), half(blk[2:4]), blk[16:]
        for n in range(4):
            sc1, m1 = get_scale_min_k4(2 * n, blk[4:16])
            sc2, m2 = get_scale_min_k4(2 * n + 1, blk[4:16])
            d1, dm1, d2, dm2 = d * f32(sc1), dmin * f32(m1), d * f32(sc2), dmin * f32(m2)
            chunk = q[32 * n : 32 * n + 32]
            out += [d1 * f32(int(c) & 0xF) - dm1 for c in chunk]
            out += [d2 * f32(int(c) >> 4) - dm2 for c in chunk]
    return np.array(out, dtype=f32)


def make_qkx2_quants(x, weights, nmax=15, rmin=-1.0, rdelta=0.1, nstep=20):
    rmin, rdelta, n = f32(rmin), f32(rdelta), len(x)
    lo, hi = x[0], x[0]
    sum_w = weights[0]
    sum_x = sum_w * x[0]
    for i in range(1, n):
        lo, hi = min(lo, x[i]), max(hi, x[i])
        sum_w += weights[i]
        sum_x += weights[i] * x[i]
    if lo > 0:
        lo = f32(0)
    if hi == lo:
        return f32(0), -lo, [0] * n
    iscale = f32(nmax) / (hi - lo)
    scale = f32(1) / iscale
    L, best = [], f32(0)
    for i in range(n):
        L.append(max(0, min(nmax, nearest_int(iscale * (x[i] - lo)))))
        diff = scale * f32(L[i]) + lo - x[i]
        best += weights[i] * (diff * diff)
    for step in range(nstep + 1):
        iscale = (rmin + rdelta * f32(step) + f32(nmax)) / (hi - lo)
        aux, sum_l, sum_l2, sum_xl = [], f32(0), f32(0), f32(0)
        for i in range(n):
            ll = max(0, min(nmax, nearest_int(iscale * (x[i] - lo))))
            aux.append(ll)
            w = weights[i]
            sum_l += w * f32(ll)
            sum_l2 += w * f32(ll) * f32(ll)
            sum_xl += w * f32(ll) * x[i]
        det = sum_w * sum_l2 - sum_l * sum_l
        if det > 0:
            this_scale = (sum_w * sum_xl - sum_x * sum_l) / det
            this_min = (sum_l2 * sum_x - sum_l * sum_xl) / det
            if this_min > 0:
                this_min, this_scale = f32(0), sum_xl / sum_l2
            err = f32(0)
            for i in range(n):
                diff = this_scale * f32(aux[i]) + this_min - x[i]
                err += weights[i] * (diff * diff)
            if err < best:
                L, best, scale, lo = aux, err, this_scale, this_min
    return scale, -lo, L


def quantize_q4_k(x):
    out = []
    for i in range(0, len(x), 256):
        b = x[i : i + 256]
        scales, mins, L = [], [], []
        for j in range(8):
            xs = b[32 * j : 32 * j + 32]
            sum_x2 = f32(0)
            for v in xs:
                sum_x2 += v * v
            av_x = np.sqrt(sum_x2 / f32(32))
            s, m, codes = make_qkx2_quants(xs, [av_x + abs(v) for v in xs])
            scales.append(s)
            mins.append(m)
            L += codes
        max_scale, max_min = max([f32(0)] + scales), max([f32(0)] + mins)
        inv_scale = f32(63) / max_scale if max_scale > 0 else f32(0)
        inv_min = f32(63) / max_min if max_min > 0 else f32(0)
        ls = [min(63, nearest_int(inv_scale * s) & 255) for s in scales]
        lm = [min(63, nearest_int(inv_min * m) & 255) for m in mins]
        packed = pack_q4_k_scales([ls], [lm])[0]
        d_b, dmin_b = fp16(max_scale / f32(63)), fp16(max_min / f32(63))
        d, dmin = half(d_b), half(dmin_b)
        for j in range(8):
            sc, m = get_scale_min_k4(j, packed)
            dj = d * f32(sc)
            if not dj:
                continue
            dm = dmin * f32(m)
            for ii in range(32):
                L[32 * j + ii] = max(0, min(15, nearest_int((b[32 * j + ii] + dm) / dj)))
        qs = []
        for j in range(0, 256, 64):
            qs += [L[j + ll] | (L[j + ll + 32] << 4) for ll in range(32)]
        out.append(list(d_b) + list(dmin_b) + list(packed) + qs)
    return np.array(out, dtype=np.uint8)
