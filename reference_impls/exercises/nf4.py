"""Exercise: NF4 block quantization and double quantization of the block scales (QLoRA)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch_io import call_torch, to_numpy, to_torch


def weight_cases():
    rng = np.random.default_rng(1700)
    yield Case(
        "4_blocks",
        (rng.standard_normal((4, 64)).astype("float32") * 0.02,),
        seed=1700,
        note="a (4, 64) weight: 4 blocks of 64, one absmax each",
    )
    yield Case(
        "blocks_cross_rows",
        (rng.standard_normal((3, 40)).astype("float32"),),
        seed=1700,
        note="120 values: blocks run over the flattened tensor (64 + 56), not row by row",
    )
    yield Case("blocksize_16", (rng.standard_normal(48).astype("float32"),), {"blocksize": 16}, seed=1700)
    w = rng.standard_normal(128).astype("float32")
    w[:64] = 0
    yield Case(
        "zero_block", (w,), seed=1700, note="an all-zero block: absmax 0, every code the level 0 (code 7), no nan"
    )
    yield Case(
        "float16_weights",
        ((rng.standard_normal((2, 64)) * 0.02).astype("float16"),),
        seed=1700,
        note="fp16 weights, as an LLM stores them: quantize from float32 (w.float()); absmax float32",
    )
    yield Case(
        "heavy_tails",
        ((rng.standard_t(2, 256)).astype("float32"),),
        seed=1700,
        note="t-distributed: outliers per block",
    )
    for rng, shape, _, s in fresh([(4, 64), (3, 40), (5,)], ("float32",), seed=1750, n=2):  # shapes drawn afresh
        blocksize = int(rng.choice([16, 32, 64]))
        yield Case(
            "fresh", (_off_midpoints(rng.standard_normal(shape) * 0.05, blocksize),), {"blocksize": blocksize}, seed=s
        )


def _off_midpoints(w, blocksize, margin=1e-3):
    """float32 w with no w / absmax of its block within `margin` of a midpoint between two NF4 levels: a
    correct quantizer's rounding of the division never decides the code."""
    from reference_impls.torch.nf4 import NF4

    levels = NF4.double().numpy()
    mids = (levels[1:] + levels[:-1]) / 2
    flat = w.reshape(-1).astype("float64")
    pad = -len(flat) % blocksize
    blocks = np.concatenate([flat, np.zeros(pad)]).reshape(-1, blocksize)
    absmax = np.abs(blocks).max(axis=1, keepdims=True)
    r = blocks / absmax
    near = np.abs(r[..., None] - mids).min(axis=-1) < margin
    r = np.where(near, r + 3 * margin * np.sign(r + 1e-12), r)  # away from the midpoint, |r| stays < 1
    r = np.clip(r, -1, 1)
    return (r * absmax).reshape(-1)[: len(flat)].reshape(w.shape).astype("float32")


def _dequant(impl, w, blocksize=64):
    W = to_torch(w)
    codes, absmax = impl.nf4_quantize(W, blocksize)
    return to_numpy(impl.nf4_dequantize(codes, absmax, W.shape, blocksize))


def absmax_cases():
    rng = np.random.default_rng(1800)
    yield Case(
        "600_constants",
        (np.abs(rng.standard_normal(600)).astype("float32") * 0.05 + 0.01,),
        seed=1800,
        note="600 absmax values: blocks of 256, 256, 88",
    )
    yield Case(
        "256_constants",
        (np.abs(rng.standard_normal(256)).astype("float32") + 1.0,),
        seed=1800,
        note="one block; subtract the mean first (the constants are all positive, far from 0)",
    )
    yield Case("blocksize_4", (np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], dtype="float32"),), {"blocksize": 4})
    yield Case(
        "equal_constants",
        (np.array([0.5, 0.5, 0.5, 0.5, 0.2, 0.8, 0.4, 0.6], dtype="float32"),),
        {"blocksize": 4},
        note="the first block equals the mean: all zeros after centring, scale 1 (not 0: no 0 / 0)",
    )
    for rng, (n,), _, s in fresh([(600,), (5,)], ("float32",), seed=1850, n=2):  # sizes drawn afresh
        constants = np.abs(rng.standard_normal(n)).astype("float32") * 0.05 + 0.01
        yield Case("fresh", (constants,), {"blocksize": int(rng.choice([4, 16, 256]))}, seed=s)


def _double_round_trip(impl, absmax, blocksize=256):
    q, scales, offset = impl.double_quantize(to_torch(absmax), blocksize)
    return to_numpy(impl.double_dequantize(q, scales, offset, blocksize))


def _bits(impl, **kwargs):
    return np.float64(impl.bits_per_parameter(**kwargs))


def bits_cases():
    yield Case("nf4_blocks_of_64", (), {}, note="4 + 32 / 64 = 4.5")
    yield Case("double_quant", (), {"double_quant": True}, note="QLoRA: 4 + 8 / 64 + 32 / (64 * 256) = 4.127")
    yield Case("blocks_of_128", (), {"blocksize": 128, "double_quant": True, "blocksize2": 128})


# -- known mistakes ---------------------------------------------------------------------------------


def _tensor_absmax(w, blocksize=64):
    import torch

    from reference_impls.torch.nf4 import NF4  # torch only when the probe runs: listing exercises stays light

    flat = w.reshape(-1).float()
    absmax = flat.abs().max()
    codes = (flat[:, None] / absmax - NF4).abs().argmin(dim=-1).to(torch.uint8)
    return codes, absmax.repeat((flat.numel() + blocksize - 1) // blocksize)


def _uniform_levels(w, blocksize=64):
    import torch

    from reference_impls.torch.nf4 import _blocks

    blocks = _blocks(w.float(), blocksize)
    absmax = blocks.abs().amax(dim=1)
    uniform = torch.linspace(-1, 1, 16)
    normed = blocks / torch.where(absmax > 0, absmax, torch.ones_like(absmax))[:, None]
    codes = (normed[..., None] - uniform).abs().argmin(dim=-1)
    return codes.reshape(-1)[: w.numel()].to(torch.uint8), absmax


def _next_level_up(w, blocksize=64):
    import torch

    from reference_impls.torch.nf4 import NF4, _blocks

    blocks = _blocks(w.float(), blocksize)
    absmax = blocks.abs().amax(dim=1)
    normed = blocks / torch.where(absmax > 0, absmax, torch.ones_like(absmax))[:, None]
    return torch.bucketize(normed, NF4).reshape(-1)[: w.numel()].to(torch.uint8), absmax


def _double_no_mean(absmax, blocksize=256):
    import torch

    from reference_impls.torch.nf4 import _blocks

    blocks = _blocks(absmax, blocksize)
    amax = blocks.abs().amax(dim=1)
    scales = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = torch.round(blocks / scales[:, None]).clamp(-127, 127).to(torch.int8)
    return q.reshape(-1)[: absmax.numel()], scales, torch.zeros(())


def _double_uint8(absmax, blocksize=256):
    import torch

    from reference_impls.torch.nf4 import double_quantize

    q, scales, offset = double_quantize(absmax, blocksize)
    return q.to(torch.uint8), scales, offset


def _double_one_scale(absmax, blocksize=256):
    import torch

    from reference_impls.torch.nf4 import _blocks

    offset = absmax.mean()
    blocks = _blocks(absmax - offset, blocksize)
    amax = blocks.abs().max()
    scale = amax / 127 if amax > 0 else torch.ones(())
    q = torch.round(blocks / scale).clamp(-127, 127).to(torch.int8)
    return q.reshape(-1)[: absmax.numel()], scale.repeat(blocks.shape[0]), offset


def _double_quantize(absmax, blocksize=256):
    from reference_impls.torch.nf4 import double_quantize

    return double_quantize(absmax, blocksize)


def _double_dequantize_no_offset(q, scales, offset, blocksize=256):
    from reference_impls.torch.nf4 import double_dequantize

    return double_dequantize(q, scales, offset, blocksize) - offset


def _unguarded_zero_block(w, blocksize=64):
    """absmax 0 left as the divisor: the zero block's w / absmax is nan, and argmin over nans picks code 0."""
    import torch

    from reference_impls.torch.nf4 import NF4, _blocks

    blocks = _blocks(w.float(), blocksize)
    absmax = blocks.abs().amax(dim=1)
    codes = (blocks[..., None] / absmax[:, None, None] - NF4).abs().argmin(dim=-1)
    return codes.reshape(-1)[: w.numel()].to(torch.uint8), absmax


def _bits_no_second_scales(blocksize=64, double_quant=False, blocksize2=256):
    return 4 + (8 / blocksize if double_quant else 32 / blocksize)


def _uint8_index_as_mask(case, actual, expected) -> bool:
    """NF4[codes] with uint8 codes: torch takes a uint8 index for a boolean mask, of the wrong length."""
    return getattr(actual, "type", None) == "IndexError" and "shape of the mask" in str(getattr(actual, "message", ""))


EXERCISE = Exercise.of(
    info("nf4"),
    preamble="""import torch

# The 16 NF4 levels (QLoRA, Dettmers et al. 2023; bitsandbytes' table): quantiles of N(0, 1) scaled to [-1, 1].
NF4 = torch.tensor([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
])
""",
    task="""QLoRA stores a frozen model in 4 bits per weight with NF4 and then quantizes the quantization
constants themselves.

1. `nf4_quantize(w, blocksize=64) -> (codes, absmax)`: flatten w, cut it into blocks of `blocksize`
   (the last one may be shorter: pad it with zeros), absmax = max |w| per block (float32), and each
   weight's code = the index of the NF4 level nearest to w / absmax (uint8, 0..15). A block of zeros
   has absmax 0: divide by 1 there (all codes 7, the level 0.0).
2. `nf4_dequantize(codes, absmax, shape, blocksize=64)`: NF4[code] * its block's absmax, float32, shaped.
3. `double_quantize(absmax, blocksize=256) -> (q, scales, offset)`: offset = the mean of the absmax
   values; (absmax - offset) in blocks of 256 (zero-padded) as int8: scale = max |.| / 127 per block
   (1 if that is 0), q = clamp(round(. / scale), -127, 127). `double_dequantize` inverts it.
4. `bits_per_parameter(blocksize=64, double_quant=False, blocksize2=256)`: 4 bits per code plus a
   float32 absmax per block (4.5 bits), or with double quantization 8 bits per absmax plus a float32
   scale per blocksize2 of them (4.127 bits).

NF4's levels are given (they equal bitsandbytes' create_normal_map; tests/reference/test_nf4.py).
bitsandbytes quantizes the absmax with its 8-bit dynamic code; here the simpler linear int8.""",
    entry_points=(
        EntryPoint(
            "nf4_quantize", "(w, blocksize=64)", "(codes uint8 (w.numel(),), absmax float32 (number of blocks,))."
        ),
        EntryPoint(
            "nf4_dequantize", "(codes, absmax, shape, blocksize=64)", "NF4[codes] * block absmax, float32, of `shape`."
        ),
        EntryPoint(
            "double_quantize", "(absmax, blocksize=256)", "(q int8 like absmax, scales float32 per block, offset 0-d)."
        ),
        EntryPoint("double_dequantize", "(q, scales, offset, blocksize=256)", "The absmax values back, approximately."),
        EntryPoint(
            "bits_per_parameter", "(blocksize=64, double_quant=False, blocksize2=256)", "Storage bits per weight."
        ),
    ),
    checks=(
        Check(
            "quantize",
            "nf4_quantize",
            weight_cases,
            call=call_torch("nf4_quantize"),
            description="(4, 64), blocks across rows (3, 40), blocksize 16, a zero block, heavy tails: codes and absmax",
        ),
        Check(
            "dequantize",
            "nf4_dequantize",
            weight_cases,
            call=_dequant,
            description="your dequantize(your quantize(w)) on the same weights",
        ),
        Check(
            "double_quantize",
            "double_quantize",
            absmax_cases,
            call=call_torch("double_quantize"),
            description="600 constants (blocks 256, 256, 88), one block far from 0, blocksize 4: q, scales, offset",
        ),
        Check(
            "double_round_trip",
            "double_dequantize",
            absmax_cases,
            call=_double_round_trip,
            description="your double_dequantize(your double_quantize(absmax))",
        ),
        Check("bits", "bits_per_parameter", bits_cases, call=_bits, description="4.5, 4.127, and blocks of 128"),
    ),
    probes=(
        Probe(
            "an all-zero block has absmax 0: w / 0 is nan and argmin over nans picks code 0; divide by 1 where "
            "absmax is 0 (torch.where(absmax > 0, absmax, 1)), so its codes are 7, the level 0.0",
            impl={"nf4_quantize": _unguarded_zero_block},
            checks=("quantize",),
        ),
        Probe(
            "NF4[codes] with uint8 codes: torch reads a uint8 (or bool) index as a mask, not as positions; "
            "index with codes.long()",
            when=_uint8_index_as_mask,
            checks=("dequantize",),
        ),
        Probe(
            "q stored as uint8: the centred absmax values are signed, and a negative code wraps (-5 becomes 251); "
            "q is int8, in -127..127",
            impl={"double_quantize": _double_uint8},
            checks=("double_quantize", "double_round_trip"),
        ),
        Probe(
            "one scale for all the absmax values: double quantization gives each block of `blocksize` (256) "
            "constants its own scale, max |.| / 127 of that block",
            impl={"double_quantize": _double_one_scale},
            checks=("double_quantize", "double_round_trip"),
        ),
        Probe(
            "the offset is not added back: double_dequantize returns q * scale + offset, the mean that "
            "double_quantize subtracted",
            impl={"double_quantize": _double_quantize, "double_dequantize": _double_dequantize_no_offset},
            checks=("double_round_trip",),
        ),
        Probe(
            "the second-level scales are missing: with double quantization each absmax costs 8 bits, plus one "
            "float32 scale per blocksize2 of them: 4 + 8 / blocksize + 32 / (blocksize * blocksize2)",
            impl={"bits_per_parameter": _bits_no_second_scales},
            checks=("bits",),
        ),
        Probe(
            "one absmax for the whole tensor: NF4 scales each block of `blocksize` weights by its own absmax",
            impl={"nf4_quantize": _tensor_absmax},
            checks=("quantize",),
        ),
        Probe(
            "evenly spaced levels: NF4's 16 levels are the normal quantiles in the NF4 table, denser near 0",
            impl={"nf4_quantize": _uniform_levels},
            checks=("quantize",),
        ),
        Probe(
            "the code is the NEAREST level (argmin |w / absmax - NF4[i]|), not the next one up: bucketize / "
            "searchsorted on the levels themselves rounds every weight up; search the midpoints between levels",
            impl={"nf4_quantize": _next_level_up},
            checks=("quantize",),
        ),
        Probe(
            "the mean was not subtracted before double quantization: the absmax values are all positive, so "
            "centring them first halves the quantization step",
            impl={"double_quantize": _double_no_mean},
            checks=("double_quantize",),
        ),
        Probe(
            "blocks taken row by row: NF4 blocks run over the FLATTENED tensor (w.reshape(-1)), across rows",
            impl="wrong/nf4/row_blocks.py",
            checks=("quantize",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "double_dequantize",
            "_blocks(q.float(), blocksize)",
            "_blocks(q, blocksize)",
            "int8 codes times the float32 scales promote to float32, exactly: the cast first changes nothing",
        ),
        *(
            Equivalent(
                "double_quantize",
                "torch.round(blocks / scales[:, None]).clamp(-127, 127)",
                edit,
                "|block / scale| <= 127 by construction (scale = max|.| / 127): the clamp never binds at -128 or 128",
            )
            for edit in ("clamp(-128, 127)", "clamp(-127, 128)")
        ),
    ),
)
