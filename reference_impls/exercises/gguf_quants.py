"""Exercise: GGUF's block formats Q8_0, Q4_0 and Q4_K, byte for byte as llama.cpp writes them."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

F32 = np.float32


def _x(seed, n, scale=1.0, shift=0.0):
    return (np.random.default_rng(seed).standard_normal(n) * scale + shift).astype(F32)


def q8_0_cases():
    yield Case("normal_4_blocks", (_x(5100, 128),), seed=5100, note="4 blocks of 32: one fp16 d each")
    x = np.zeros(64, F32)
    x[32:] = [127.0, 2.5, -2.5, 0.5, -0.5, 1.5, 63.5, -63.5] + [0.0] * 24
    yield Case(
        "halves_and_a_zero_block",
        (x,),
        note="d = 127 / 127 = 1, so x / d ends in .5: roundf goes away from zero (2.5 -> 3, -0.5 -> -1); a block of "
        "zeros has d = 0 and codes 0",
    )
    yield Case("large_and_small", (np.concatenate([_x(5101, 32, 3e4), _x(5102, 32, 1e-3)]),), seed=5101)


def q4_0_cases():
    yield Case("normal_4_blocks", (_x(5200, 128),), seed=5200)
    x = _x(5201, 64)
    x[3], x[40] = -5.0, -6.0
    yield Case(
        "negative_maxima",
        (x,),
        seed=5201,
        note="the largest |x| is negative in both blocks: d = m / -8 is then positive",
    )
    x = _x(5202, 32)
    x[7], x[20] = 4.0, -4.0
    yield Case(
        "tied_magnitudes",
        (x,),
        seed=5202,
        note="4 and -4 tie for the largest |x|: the first one (4, at index 7) sets d; -4 lands on code 16 -> 15",
    )
    yield Case("a_zero_block", (np.concatenate([np.zeros(32, F32), _x(5203, 32, shift=2.0)]),), seed=5203)
    x = np.zeros(32, F32)
    x[:8] = [-8.0, 2.5, -1.5, 0.5, -0.5, 3.5, 6.5, -7.5]
    yield Case(
        "halves",
        (x,),
        note="m = -8 gives d = 1, so x / d + 8.5 is a whole number: truncation rounds every half up (2.5 -> code "
        "11), where np.rint would go to the even one",
    )


def _reference_blocks(kind, cases):
    from reference_impls.numpy import gguf_quants

    quantize = getattr(gguf_quants, f"quantize_{kind}")
    for case in cases():
        yield Case(case.name, (quantize(*case.args),), seed=case.seed, note="the reference's blocks of: " + case.note)


def q4_k_cases():
    yield Case("normal_2_super_blocks", (_x(5300, 512),), seed=5300, note="two super-blocks of 256: 144 bytes each")
    x = (np.random.default_rng(5301).standard_t(2, 256)).astype(F32)
    yield Case("heavy_tails", (x,), seed=5301, note="t(2) weights: the fitted (scale, min) beat a min-max range")
    x = _x(5302, 256) * np.repeat(np.random.default_rng(5302).uniform(0.01, 4, 8), 32).astype(F32)
    x[:32] = 0.0
    x[32:64] = np.abs(x[32:64]) + 1
    yield Case(
        "zero_and_positive_sub_blocks",
        (x,),
        seed=5302,
        note="sub-block 0 all zero (scale 0), sub-block 1 all positive (min clamped at 0), scales 0.01 to 4",
    )
    rng = np.random.default_rng(5303)
    small = (rng.standard_normal(2048) * 0.02).astype(F32)  # an LLM's weight magnitudes: 8 super-blocks
    small[256:512] = 0.0
    small[512:768] = np.abs(small[512:768]) + F32(0.01)
    small[768:1024] *= np.repeat(np.geomspace(1e-3, 1, 8), 32).astype(F32)
    yield Case(
        "llm_weights_8_super_blocks",
        (small,),
        seed=5303,
        note="std 0.02 (mins below 1); super-block 1 all zero, 2 all positive (every min 0), 3 with sub-block "
        "scales from 1e-3 to 1 (6-bit scale 0: the fit's codes are kept)",
    )


def scale_cases():
    rng = np.random.default_rng(5400)
    yield Case(
        "random_6_bit",
        (rng.integers(0, 64, (3, 8)).astype(np.uint8), rng.integers(0, 64, (3, 8)).astype(np.uint8)),
        seed=5400,
        note="3 super-blocks of 8 scales and 8 mins, 0..63",
    )
    yield Case(
        "high_bits_only",
        (np.full((1, 8), 48, np.uint8), np.full((1, 8), 32, np.uint8)),
        note="48 = 0b110000, 32 = 0b100000: only the top 2 bits, which sub-blocks 4-7 keep in bits 6-7 of bytes 0-7",
    )
    yield Case("all_63", (np.full((1, 8), 63, np.uint8), np.arange(8, dtype=np.uint8)[None] * 9))


def _rmse_of(blocks, x):
    from reference_impls.numpy.gguf_quants import dequantize_q4_k

    return float(np.sqrt(((dequantize_q4_k(blocks) - x) ** 2).mean()))


def _q4_k(impl, x):
    """Your Q4_K bytes, and the weights they decode to (by the reference's dequantizer) against x."""
    blocks = impl.quantize_q4_k(x.copy())
    return {"blocks": blocks, "x": x}


def _compare_q4_k(expected, actual, case):
    blocks = actual.get("blocks")
    want = expected["blocks"]
    if not isinstance(blocks, np.ndarray) or blocks.shape != want.shape or blocks.dtype != np.uint8:
        got = getattr(blocks, "shape", type(blocks).__name__), getattr(blocks, "dtype", "")
        return f"expected uint8 blocks of shape {want.shape}, got {got[0]} {got[1]}"
    if np.array_equal(blocks, want):
        return None
    # byte for byte, as llama.cpp: the decoded error says whether the fit or only the layout is off
    mine, ref = _rmse_of(blocks, expected["x"]), _rmse_of(want, expected["x"])
    sb, byte = (int(i) for i in np.argwhere(blocks != want)[0])
    part = "d" if byte < 2 else "dmin" if byte < 4 else "the 6-bit scales and mins" if byte < 16 else "the codes"
    return (
        f"{int((blocks != want).sum())} of {want.size} bytes differ, first in super-block {sb}, byte {byte} "
        f"({part}); your blocks decode to weights with RMS error {mine:.4g}, llama.cpp's {ref:.4g}"
    )


# -- known mistakes ---------------------------------------------------------------------------------


def _q8_0(rounding, d_first=False):
    def quantize_q8_0(x):
        from reference_impls.numpy.gguf_quants import _blocks, _fp16_bytes, _fp16_values, _inverse

        b = _blocks(x, 32)
        d = np.abs(b).max(axis=1) / F32(127)
        if d_first:
            d = _fp16_values(_fp16_bytes(d))
        q = rounding(b * _inverse(d)[:, None]).astype(np.int8)
        return np.concatenate([_fp16_bytes(d), q.view(np.uint8)], axis=1)

    return quantize_q8_0


def _q4_0_halves_swapped(x):
    from reference_impls.numpy.gguf_quants import dequantize_q4_0, quantize_q4_0  # noqa: F401

    b = quantize_q4_0(x)
    return np.concatenate([b[:, :2], (b[:, 2:] >> 4) | (b[:, 2:] << 4)], axis=1)  # x[j] high, x[j + 16] low


def _q4_0_rounded(x):
    from reference_impls.numpy.gguf_quants import _blocks, _fp16_bytes, _inverse

    b = _blocks(x, 32)
    m = np.take_along_axis(b, np.abs(b).argmax(axis=1)[:, None], axis=1)[:, 0]
    d = m / F32(-8)
    q = np.clip(np.rint(b * _inverse(d)[:, None]) + 8, 0, 15).astype(np.uint8)
    return np.concatenate([_fp16_bytes(d), q[:, :16] | (q[:, 16:] << 4)], axis=1)


def _q4_0_uncapped(x):
    """Q4_0 without min(15, ...): the value opposite m gets code 16, whose high bit spills into the next nibble."""
    from reference_impls.numpy.gguf_quants import _blocks, _fp16_bytes, _inverse

    b = _blocks(x, 32)
    m = np.take_along_axis(b, np.abs(b).argmax(axis=1)[:, None], axis=1)[:, 0]
    d = m / F32(-8)
    q = np.trunc(b * _inverse(d)[:, None] + F32(8.5)).astype(np.uint8)
    return np.concatenate([_fp16_bytes(d), q[:, :16] | (q[:, 16:] << 4)], axis=1)


def _q4_0_dequant_uint8(blocks):
    """q - 8 in the codes' uint8: codes below 8 wrap around to 248 .. 255."""
    from reference_impls.numpy.gguf_quants import _fp16_values

    d = _fp16_values(blocks[:, :2])
    qs = blocks[:, 2:]
    q = (np.concatenate([qs & 15, qs >> 4], axis=1) - np.uint8(8)).astype(F32)
    return (q * d[:, None]).reshape(-1)


def _q8_0_dequant_unsigned(blocks):
    """Q8_0's codes read as the uint8 bytes they are stored in: every negative code becomes 256 + q."""
    from reference_impls.numpy.gguf_quants import _fp16_values

    d = _fp16_values(blocks[:, :2])
    return (blocks[:, 2:].astype(F32) * d[:, None]).reshape(-1)


def _d_as_float32(case, actual, expected) -> bool:
    """Blocks two bytes longer than llama.cpp's: the scale written as a 4-byte float32."""
    return (
        isinstance(actual, np.ndarray)
        and actual.ndim == 2
        and actual.shape == (expected.shape[0], expected.shape[1] + 2)
    )


def _scale_top_bits_swapped(scales, mins):
    """The top 2 bits of scale j (j >= 4) put in byte j and those of min j in byte j - 4: the other way round."""
    from reference_impls.numpy.gguf_quants import pack_q4_k_scales

    scales, mins = np.asarray(scales, np.uint8), np.asarray(mins, np.uint8)
    return pack_q4_k_scales(
        np.concatenate([scales[:, :4], (scales[:, 4:] & 15) | (mins[:, 4:] & 48)], axis=1),
        np.concatenate([mins[:, :4], (mins[:, 4:] & 15) | (scales[:, 4:] & 48)], axis=1),
    )


def _q4_k_dequant_interleaved(blocks):
    """Sub-block k read from the k-th 16 bytes (both nibbles), instead of 32 bytes' low or high nibbles."""
    from reference_impls.numpy.gguf_quants import _fp16_values, unpack_q4_k_scales

    d, dmin = _fp16_values(blocks[:, 0:2]), _fp16_values(blocks[:, 2:4])
    scales, mins = unpack_q4_k_scales(blocks[:, 4:16])
    qs = blocks[:, 16:].reshape(-1, 8, 16)
    q = np.stack([qs & 15, qs >> 4], axis=-1).reshape(-1, 8, 32).astype(F32)
    x = (d[:, None] * scales.astype(F32))[..., None] * q - (dmin[:, None] * mins.astype(F32))[..., None]
    return x.reshape(-1)


EXERCISE = Exercise.of(
    info("gguf_quants"),
    task="""GGUF stores a quantized tensor as a run of fixed-size blocks, each with its own fp16 scale(s),
exactly as llama.cpp's ggml-quants.c writes them. Write the quantizers and dequantizers of three
formats, in NumPy, byte for byte. Inputs are float32 (n,), n a multiple of the block; do the
arithmetic in float32; an fp16 is stored little-endian (np.float16 rounds to nearest even).

1. Q8_0 (34 bytes per 32 weights): d = max|x| / 127, id = 1 / d (0 if d is 0), q = roundf(x * id)
   as int8, where C's roundf rounds half AWAY from zero (np.round rounds half to even); the block is
   d as fp16 then the 32 int8 codes. `quantize_q8_0(x) -> uint8 (n / 32, 34)`,
   `dequantize_q8_0(blocks) -> float32 (n,)`: x = d q (d read back from its fp16).
2. Q4_0 (18 bytes per 32 weights): m = the value of largest |x| WITH its sign (the first one on a
   tie), d = m / -8 (so m maps to code 0 and the other side reaches +7), q = min(15, int(x * id +
   8.5)) (truncation: the + 8.5 makes it rounding); 16 bytes where byte j = q[j] | q[j + 16] << 4:
   the block's first half in the low nibbles, its second half in the high ones.
   `quantize_q4_0(x) -> uint8 (n / 32, 18)`, `dequantize_q4_0(blocks)`: x = d (q - 8).
3. Q4_K (144 bytes per super-block of 256 = 8 sub-blocks of 32): d, dmin (fp16), 12 bytes of 6-bit
   sub-block scales and mins, 128 bytes of 4-bit codes; x = d * scale_j * q - dmin * min_j.
   - `pack_q4_k_scales(scales, mins)`: uint8 (nb, 8) each, values 0..63 -> uint8 (nb, 12): for j < 4
     byte j = scale j and byte j + 4 = min j (6 bits each); for j >= 4 byte j + 4 = (scale j & 15) |
     (min j & 15) << 4, and the top 2 bits of scale j go to bits 6-7 of byte j - 4, of min j to bits
     6-7 of byte j.
   - `dequantize_q4_k(blocks) -> float32 (nb * 256,)`: the codes go 64 weights per 32 bytes: within
     each 32 bytes, the low nibbles are sub-block 2k and the high nibbles sub-block 2k + 1.
   - `quantize_q4_k(x) -> uint8 (n / 256, 144)`: llama.cpp's quantize_row_q4_K_ref. Per sub-block,
     weights w = av_x + |x| (av_x = the sub-block's RMS); lo = min(min x, 0) (if max x == lo:
     scale 0, min lo, codes 0); start from the min-max codes, then for k = 0..20 try iscale = (14 + 0.1 k) / (max - lo): codes l =
     clamp(round(iscale (x - lo)), 0, 15), the weighted least-squares (scale, min) of x ~ scale l +
     min (min clamped to <= 0, and then scale = sum w l x / sum w l^2), keep the fit with the least
     sum w (scale l + min - x)^2. Then d = max scale / 63, dmin = max(-min) / 63, each sub-block's
     6-bit scale round(63 scale / max scale) and min likewise, and every weight re-rounded with d
     and dmin as read back from fp16: q = clamp(round((x + dmin m_j) / (d sc_j)), 0, 15) (a
     sub-block whose d sc_j is 0 keeps its codes).
     Round half to even (np.rint) here, as llama.cpp's nearest_int. The check compares the bytes
     (and, where they differ, reports both decoded errors).

tests/reference/test_gguf_quants_reference.py checks the reference against gguf-py (pip install gguf)
and Q4_K's bytes against llama.cpp's own C code.""",
    entry_points=(
        EntryPoint("quantize_q8_0", "(x)", "float32 (n,) -> uint8 (n // 32, 34): fp16 d, 32 int8 codes."),
        EntryPoint("dequantize_q8_0", "(blocks)", "uint8 (nb, 34) -> float32 (nb * 32,)."),
        EntryPoint("quantize_q4_0", "(x)", "float32 (n,) -> uint8 (n // 32, 18): fp16 d, 16 bytes of nibbles."),
        EntryPoint("dequantize_q4_0", "(blocks)", "uint8 (nb, 18) -> float32 (nb * 32,)."),
        EntryPoint(
            "pack_q4_k_scales", "(scales, mins)", "6-bit scales and mins, uint8 (nb, 8) each -> uint8 (nb, 12)."
        ),
        EntryPoint("dequantize_q4_k", "(blocks)", "uint8 (nb, 144) -> float32 (nb * 256,)."),
        EntryPoint("quantize_q4_k", "(x)", "float32 (n,) -> uint8 (n // 256, 144), as llama.cpp."),
    ),
    checks=(
        Check(
            "q8_0",
            "quantize_q8_0",
            q8_0_cases,
            description="4 blocks; x / d ending in .5 and a zero block; magnitudes 3e4 and 1e-3: the bytes",
        ),
        Check(
            "q8_0_dequantize",
            "dequantize_q8_0",
            lambda: _reference_blocks("q8_0", q8_0_cases),
            description="the reference's blocks of the same inputs",
        ),
        Check(
            "q4_0",
            "quantize_q4_0",
            q4_0_cases,
            description="4 blocks; negative maxima; a tie of |x| (4 and -4); a zero block; halves: the bytes",
        ),
        Check(
            "q4_0_dequantize",
            "dequantize_q4_0",
            lambda: _reference_blocks("q4_0", q4_0_cases),
            description="the reference's blocks of the same inputs",
        ),
        Check(
            "q4_k_scales",
            "pack_q4_k_scales",
            scale_cases,
            description="random 6-bit values; only the top 2 bits; all 63: the 12 bytes",
        ),
        Check(
            "q4_k_dequantize",
            "dequantize_q4_k",
            lambda: _reference_blocks("q4_k", q4_k_cases),
            description="the reference's (llama.cpp's) blocks of normal, t(2) and mixed-scale weights",
        ),
        Check(
            "q4_k",
            "quantize_q4_k",
            q4_k_cases,
            call=_q4_k,
            compare=_compare_q4_k,
            description="2 super-blocks; t(2) weights; a zero and an all-positive sub-block; LLM-sized weights "
            "with a zero, an all-positive and a 1e-3-to-1 super-block: llama.cpp's bytes",
        ),
    ),
    probes=(
        Probe(
            "the sub-block fit stopped at the min-max range: make_qkx2_quants then tries iscale = (14 + 0.1 k) / "
            "(max - lo) for k = 0..20, fits (scale, min) by weighted least squares to each trial's codes and keeps "
            "the fit of least weighted error",
            impl="wrong/gguf_quants/q4_k_min_max_fit.py",
            checks=("q4_k",),
        ),
        Probe(
            "the top 2 bits of scale j and min j (j >= 4) swapped: the scale's go to bits 6-7 of byte j - 4 (beside "
            "scale j - 4), the min's to bits 6-7 of byte j (beside min j - 4)",
            impl={"pack_q4_k_scales": _scale_top_bits_swapped},
            checks=("q4_k_scales",),
        ),
        Probe(
            "truncated toward zero: Q8_0 rounds with C's roundf, half away from zero "
            "(np.sign(v) * np.floor(np.abs(v) + 0.5), not astype(np.int8))",
            impl="wrong/gguf_quants/q8_0_truncated.py",
            checks=("q8_0",),
        ),
        Probe(
            "rounded half to even (np.round / np.rint): Q8_0 uses C's roundf, half away from zero",
            impl={"quantize_q8_0": _q8_0(np.rint)},
            checks=("q8_0",),
        ),
        Probe(
            "the codes were computed with d already rounded to fp16: llama.cpp divides by the float32 d and "
            "only stores it as fp16",
            impl={"quantize_q8_0": _q8_0(lambda v: np.sign(v) * np.floor(np.abs(v) + 0.5), d_first=True)},
            checks=("q8_0",),
        ),
        Probe(
            "Q4_0's scale from max|x|: d = m / -8 with m the value of largest magnitude WITH its sign, so that "
            "m itself maps to code 0",
            impl="wrong/gguf_quants/q4_0_abs_max.py",
            checks=("q4_0",),
        ),
        Probe(
            "nibbles paired with their neighbour: Q4_0's byte j holds x[j] (low nibble) and x[j + 16] (high "
            "nibble), the two halves of the block",
            impl="wrong/gguf_quants/q4_0_neighbour_nibbles.py",
            checks=("q4_0", "q4_0_dequantize"),
        ),
        Probe(
            "the block's scale written as float32 (4 bytes): GGUF stores d as fp16, 2 bytes little-endian "
            "(d.astype(np.float16).view(np.uint8))",
            when=_d_as_float32,
            checks=("q8_0", "q4_0"),
        ),
        Probe(
            "codes not capped at 15: where x = -m exactly, x / d + 8.5 truncates to 16, whose high bit spills into "
            "the other nibble of the byte; q = min(15, int(x / d + 8.5))",
            impl={"quantize_q4_0": _q4_0_uncapped},
            checks=("q4_0",),
        ),
        Probe(
            "q - 8 computed in uint8 wraps around for codes below 8 (3 - 8 = 251): convert the codes to a signed or "
            "float type first (.astype(np.int8) or np.float32), then subtract 8",
            impl={"dequantize_q4_0": _q4_0_dequant_uint8},
            checks=("q4_0_dequantize",),
        ),
        Probe(
            "Q8_0's codes read as unsigned bytes: a negative code q is stored as 256 + q; view the 32 code bytes as "
            "int8 (blocks[:, 2:].view(np.int8)) before converting to float",
            impl={"dequantize_q8_0": _q8_0_dequant_unsigned},
            checks=("q8_0_dequantize",),
        ),
        Probe(
            "the halves swapped: x[j] goes in the LOW nibble of byte j, x[j + 16] in the high one",
            impl={"quantize_q4_0": _q4_0_halves_swapped},
            checks=("q4_0",),
        ),
        Probe(
            "Q4_0 codes rounded half to even: llama.cpp truncates x / d + 8.5 (halves go up) and caps it at 15",
            impl={"quantize_q4_0": _q4_0_rounded},
            checks=("q4_0",),
        ),
        Probe(
            "Q4_K codes read 16 bytes per sub-block: each 32 bytes hold two sub-blocks, 2k in the low nibbles "
            "and 2k + 1 in the high nibbles",
            impl={"dequantize_q4_k": _q4_k_dequant_interleaved},
            checks=("q4_k_dequantize",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "dequantize_q8_0",
            "reshape(-1)",
            "reshape(-2)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "_fp16_values",
            "reshape(-1)",
            "reshape(-2)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "_fp16_bytes",
            "reshape(-1, 2)",
            "reshape(-2, 2)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "_blocks",
            "x = np.asarray(x, F32).reshape(-1)",
            "reshape(-2)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "_blocks",
            "return x.reshape(-1, size)",
            "reshape(-2, size)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "dequantize_q4_0",
            "reshape(-1)",
            "reshape(-2)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "quantize_q4_k",
            "reshape(-1)",
            "reshape(-2)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "dequantize_q4_k",
            "blocks[:, 16:].reshape(-1, 4, 32)",
            "reshape(-2, 4, 32)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "dequantize_q4_k",
            "reshape(-1, 8, 32)",
            "reshape(-2, 8, 32)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "dequantize_q4_k",
            "return x.reshape(-1)",
            "reshape(-2)",
            "NumPy's reshape takes any negative size as the one it infers (-2 works as -1)",
        ),
        Equivalent(
            "pack_q4_k_scales",
            "out[:, 8:12]",
            "out[:, 8:13]",
            "a slice past the end of the 12 scale bytes stops at the end: 8:13 is 8:12",
        ),
        Equivalent(
            "unpack_q4_k_scales",
            "(p[:, 8:12] & 15)",
            "(p[:, 8:13] & 15)",
            "a slice past the end of the 12 scale bytes stops at the end: 8:13 is 8:12",
        ),
        Equivalent(
            "unpack_q4_k_scales",
            "(p[:, 8:12] >> 4)",
            "(p[:, 8:13] >> 4)",
            "a slice past the end of the 12 scale bytes stops at the end: 8:13 is 8:12",
        ),
        Equivalent(
            "dequantize_q4_k",
            "blocks[:, 4:16]",
            "blocks[:, 4:17]",
            "the 13th byte goes to unpack_q4_k_scales, which reads bytes 0-11 only",
        ),
        Equivalent(
            "_inverse",
            "np.where(d == 0, F32(0)",
            "np.where(d == 0, F32(1)",
            "d is 0 only for an all-zero block, whose x * id is 0 whatever id is",
        ),
        Equivalent(
            "_inverse",
            "np.where(d == 0, F32(0)",
            "np.where(d == 0, F32(-1)",
            "d is 0 only for an all-zero block, whose x * id is 0 whatever id is",
        ),
        Equivalent(
            "quantize_q4_0",
            "axis=1)[:, 0]",
            "axis=1)[:, -1]",
            "take_along_axis with one index per row gives one column: [:, -1] is [:, 0]",
        ),
        Equivalent(
            "quantize_q4_k",
            "_fp16_values(d16)[0]",
            "_fp16_values(d16)[-1]",
            "a one-row array: [-1] is [0]",
        ),
        Equivalent(
            "quantize_q4_k",
            "_fp16_values(dmin16)[0]",
            "_fp16_values(dmin16)[-1]",
            "a one-row array: [-1] is [0]",
        ),
        Equivalent(
            "quantize_q4_k",
            "d16[0], dmin16[0]",
            "[d16[-1]",
            "a one-row array: [-1] is [0]",
        ),
        Equivalent(
            "quantize_q4_k",
            "d16[0], dmin16[0]",
            "dmin16[-1]",
            "a one-row array: [-1] is [0]",
        ),
        Equivalent(
            "quantize_q4_k",
            "lm[None])[0]",
            "lm[None])[-1]",
            "a one-row array: [-1] is [0]",
        ),
        Equivalent(
            "quantize_q4_k",
            "max(F32(0), scales.max())",
            "max(F32(-1), scales.max())",
            "every sub-block scale is >= 0 (1 / iscale > 0, 0 for a constant sub-block, and the fits' codes grow with x)",
        ),
        Equivalent(
            "quantize_q4_k",
            "if max_scale > 0",
            "max_scale >= 0",
            "max_scale is 0 only when every scale is 0: 63 / 0 = inf, inf * 0 = nan"
            ", and nan cast to int64 is INT64_MIN, whose low byte is the 0 it replaces",
        ),
        Equivalent(
            "quantize_q4_k",
            "if max_scale > 0",
            "max_scale > (-1)",
            "max_scale is 0 only when every scale is 0: 63 / 0 = inf, inf * 0 = nan"
            ", and nan cast to int64 is INT64_MIN, whose low byte is the 0 it replaces",
        ),
        Equivalent(
            "quantize_q4_k",
            "inv_scale = F32(63) / max_scale if max_scale > 0 else F32(0)",
            "else F32(1)",
            "max_scale is 0 only when every scale is 0: any inverse times 0 is 0",
        ),
        Equivalent(
            "quantize_q4_k",
            "inv_scale = F32(63) / max_scale if max_scale > 0 else F32(0)",
            "else F32(-1)",
            "max_scale is 0 only when every scale is 0: any inverse times 0 is 0",
        ),
        Equivalent(
            "quantize_q4_k",
            "if max_min > 0",
            "max_min >= 0",
            "max_min is 0 only when every min is 0: 63 / 0 = inf, inf * 0 = nan"
            ", and nan cast to int64 is INT64_MIN, whose low byte is the 0 it replaces",
        ),
        Equivalent(
            "quantize_q4_k",
            "if max_min > 0",
            "max_min > (-1)",
            "max_min is 0 only when every min is 0: 63 / 0 = inf, inf * 0 = nan"
            ", and nan cast to int64 is INT64_MIN, whose low byte is the 0 it replaces",
        ),
        Equivalent(
            "quantize_q4_k",
            "inv_min = F32(63) / max_min if max_min > 0 else F32(0)",
            "else F32(1)",
            "max_min is 0 only when every min is 0: any inverse times 0 is 0",
        ),
        Equivalent(
            "quantize_q4_k",
            "inv_min = F32(63) / max_min if max_min > 0 else F32(0)",
            "else F32(-1)",
            "max_min is 0 only when every min is 0: any inverse times 0 is 0",
        ),
        Equivalent(
            "quantize_q4_k",
            "ls = np.minimum(63,",
            "np.minimum(64,",
            "scale <= max scale: round(63 scale / max scale) never exceeds 63",
        ),
        Equivalent(
            "quantize_q4_k",
            "lm = np.minimum(63,",
            "np.minimum(64,",
            "min <= max min: round(63 min / max min) never exceeds 63",
        ),
        Equivalent(
            "_seq_sum",
            "np.cumsum(terms, dtype=F32)",
            "return np.cumsum(terms)[-1]",
            "the terms are float32: cumsum accumulates in float32 without dtype=",
        ),
        Equivalent(
            "_fit_sub_block",
            "codes = np.clip(np.rint(iscale * (x - lo)), 0, nmax)",
            "-1, nmax",
            "x >= lo, so iscale (x - lo) >= 0: a clamp at -1 never acts",
        ),
        Equivalent(
            "_fit_sub_block",
            "trial = np.clip(np.rint(iscale * (x - lo)), 0, nmax)",
            "-1, nmax",
            "x >= lo, so iscale (x - lo) >= 0: a clamp at -1 never acts",
        ),
        Equivalent(
            "_fit_sub_block",
            "if det > 0",
            "det >= 0",
            "det = sum w sum w l^2 - (sum w l)^2 >= 0 (Cauchy-Schwarz), 0 only when every code is equal"
            ": its fit divides by 0, its error is nan and never wins",
        ),
        Equivalent(
            "_fit_sub_block",
            "if det > 0",
            "det > (-1)",
            "det = sum w sum w l^2 - (sum w l)^2 >= 0 (Cauchy-Schwarz), 0 only when every code is equal"
            ": its fit divides by 0, its error is nan and never wins",
        ),
        Equivalent(
            "_fit_sub_block",
            "if this_min > 0",
            "this_min >= 0",
            "a fitted min of exactly 0 already solves the clamped fit: sum w l x / sum w l^2 is the same scale",
        ),
        Equivalent(
            "_fit_sub_block",
            "if error < best",
            "error <= best",
            "equal errors come from equal trial codes (neighbouring iscales often round alike), whose fit is the same",
        ),
    ),
)
