"""Exercise: INT8 quantized vector addition, the Module 1.5 capstone: host quantization, a Triton kernel.

The learner writes the CPU side in torch (choose_qparams, quantize, dequantize, the fixed-point
multipliers) and the kernel with its launcher, checked exactly against kernels/int8_add.py.
"""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Benchmark, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._triton import (
    NOT_LAUNCHED_HINT,
    PREAMBLE,
    case,
    kernel_call,
    not_launched,
    out_of_bounds,
    seeded,
)

SIZES = (1, 97, 1000, 4097)
SHIFT = 16
SCALARS = ("a_scale", "a_zero", "b_scale", "b_zero", "out_scale", "out_zero")
# Scales a tenth apart or more, so using one tensor's scale for the other changes the result.
PARAMS = (
    (0.05, 3, 0.03, -7, 0.06, 1),
    (0.02, -20, 0.045, 11, 0.05, -4),
    (0.1, 0, 0.07, 5, 0.12, 9),
    (0.031, 17, 0.013, -30, 0.04, 2),
)

SCAFFOLD = """
@triton.jit
def int8_add_kernel(
    a_ptr,  # int8 input a_q
    b_ptr,  # int8 input b_q
    out_ptr,  # int8 output
    n_elements,
    a_zero, b_zero, out_zero,  # the zero-points (ints in [-128, 127])
    a_mult, b_mult,  # fixed-point multipliers: round(scale / out_scale * 2**SHIFT)
    SHIFT: tl.constexpr,  # fractional bits of the multipliers (16)
    BLOCK_SIZE: tl.constexpr,
):
    # TODO: offsets and mask, as in vector add
    # TODO: load a and b (int8) and widen to int32 BEFORE subtracting the zero-points
    # TODO: acc = (a - a_zero) * a_mult + (b - b_zero) * b_mult   (out_real / out_scale, in units of 2**-SHIFT)
    # TODO: round half away from zero: magnitude = (|acc| + 2**(SHIFT - 1)) >> SHIFT, then put the sign back
    # TODO: add out_zero, saturate to [-128, 127], store as int8 (masked)
    pass
"""

TASK = """INT8 quantized vector addition (the capstone): add two int8 tensors without leaving integers.

An int8 tensor q stands for the reals x = scale * (q - zero_point), one (scale, zero_point) per
tensor (asymmetric, q in [-128, 127]). Steps 1 and 3 run on the host in torch, step 2 is the kernel:

1. Host, float side:
   choose_qparams(x) -> (scale: float, zero_point: int): lo = min(x.min(), 0), hi = max(x.max(), 0)
   (0.0 must be exact), computed in float32; scale = (hi - lo) / 255; zero_point = clamp(-128 -
   round(lo / scale), -128, 127). All zeros: return (1.0, 0).
   quantize(x, scale, zero_point): clamp(round(x / scale) + zero_point, -128, 127) as int8, where
   round is half to even (torch.round); dequantize(q, scale, zero_point) = scale * (q - zero_point), float32.
2. The kernel: out_q = saturate(round(out_real / out_scale) + out_zero), where
   out_real = a_scale (a_q - a_zero) + b_scale (b_q - b_zero), in integers only:
   fixed_point_multipliers(a_scale, b_scale, out_scale) -> (m_a, m_b), m = round(scale / out_scale * 2**16)
   (Python's round on floats); the kernel widens a_q and b_q to int32 first ((a_q - a_zero) spans
   [-255, 255]: int8 wraps), accumulates acc = (a_q - a_zero) * m_a + (b_q - b_zero) * m_b in int32,
   rounds half away from zero, r = sign(acc) * ((|acc| + 2**15) >> 16), adds out_zero and clamps
   to [-128, 127] before the int8 store (a cast alone wraps 130 to -126).
3. The launcher, int8_add(...): the multipliers, out = torch.empty_like(a_q), grid =
   (triton.cdiv(n, BLOCK_SIZE),), launch, return out.

Checked exactly (int8) against kernels/int8_add.py: lengths 1, 97, 1000, 4097, non-zero and extreme
zero-points, negative values, results saturating at both ends, a_q - a_zero beyond int8, ties.
"""


def _qparams(x):
    """Plausible (scale, zero_point) for x, computed the way the task says (inputs, not answers)."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = float(np.float32((hi - lo) / 255)) or 1.0
    return scale, int(np.clip(-128 - np.round(lo / scale), -128, 127))


def qparams_cases():
    rng = seeded(62000)
    yield case("mixed_signs", 62000, x=rng.standard_normal(1000).astype("float32") * 3)
    rng = seeded(62001)
    yield case(
        "all_positive",
        62001,
        "lo is 0, not the minimum: the range always holds 0.0, so zero_point = -128",
        x=(rng.random(97) * 5 + 1).astype("float32"),
    )
    rng = seeded(62002)
    yield case("all_negative", 62002, "hi is 0: zero_point = 127", x=-(rng.random(97) * 5 + 1).astype("float32"))
    rng = seeded(62003)
    yield case(
        "offset_range", 62003, "in [-1, 9]: zero_point near -102", x=(rng.random(1000) * 10 - 1).astype("float32")
    )
    yield case("single_element", note="one value and 0.0", x=np.array([2.5], "float32"))
    yield case("all_zeros", note="no range: return (1.0, 0) as the task says, not a 0 scale", x=np.zeros(5, "float32"))
    rng = seeded(62004)
    yield case(
        "float16_activations",
        62004,
        "fp16 x: the range and the scale computed in float32, not in fp16",
        x=(rng.random(300) * 7 - 2).astype("float16"),
    )


def quantize_cases():
    for n, size in enumerate((1000, 97)):
        rng = seeded(62100 + n)
        x = (rng.standard_normal(size) * 2 + 0.5).astype("float32")
        scale, zero_point = _qparams(x)
        yield case(f"own_range_n{size}", 62100 + n, x=x, scale=scale, zero_point=zero_point)
    rng = seeded(62110)
    yield case(
        "saturate_both_ends",
        62110,
        "x in [-10, 10] with scale 0.02: most codes clamp to -128 or 127",
        x=(rng.random(1000) * 20 - 10).astype("float32"),
        scale=0.02,
        zero_point=5,
    )
    ties = (np.arange(-20, 21) + 0.5).astype("float32") * 0.25
    yield case(
        "ties_half_to_even",
        note="x / scale = k + 0.5 exactly: torch.round gives the even neighbour",
        x=ties,
        scale=0.25,
        zero_point=3,
    )
    x = (seeded(62111).standard_normal(97) * 3).astype("float32")
    yield case("zero_point_127", 62111, "zero_point 127: every x > 0 saturates", x=x, scale=0.05, zero_point=127)
    rng = seeded(62112)
    yield case(
        "float16_x",
        62112,
        "fp16 x divided by the scale in float32 (x.to(torch.float32) / scale): fp16 division rounds to 11 bits",
        x=(rng.standard_normal(500) * 3).astype("float16"),
        scale=0.0137,
        zero_point=-3,
    )
    yield case(
        "zero_point_minus_128", 62111, "zero_point -128: every x < 0 saturates", x=x, scale=0.05, zero_point=-128
    )


def dequantize_cases():
    codes = np.arange(-128, 128).astype("int8")
    yield case(
        "every_code", note="all 256 codes; (q - zero_point) in int8 would wrap", q=codes, scale=0.1, zero_point=-3
    )
    yield case("zero_point_127", note="q - 127 down to -255", q=codes, scale=0.02, zero_point=127)
    yield case(
        "random_n1000", 62200, q=seeded(62200).integers(-128, 128, 1000).astype("int8"), scale=0.037, zero_point=-60
    )


def multiplier_cases():
    for k, (a_scale, _, b_scale, _, out_scale, _) in enumerate(PARAMS):
        yield case(
            f"scales_{k}",
            note=f"{a_scale} / {out_scale} * 2**16, rounded",
            a_scale=a_scale,
            b_scale=b_scale,
            out_scale=out_scale,
        )
    yield case("equal_scales", note="scale / out_scale = 1: 65536", a_scale=0.05, b_scale=0.05, out_scale=0.05)
    yield case(
        "fraction_above_half",
        note="0.05 / 0.03 * 2**16 = 109226.67 and 0.07 / 0.03 * 2**16 = 152917.33: round, do not truncate",
        a_scale=0.05,
        b_scale=0.07,
        out_scale=0.03,
    )


def _add_case(name, seed, note, a_q, b_q, params):
    return case(name, seed, note, a_q=a_q, b_q=b_q, **dict(zip(SCALARS, params, strict=True)))


def add_cases():
    for n, size in enumerate(SIZES):
        rng = seeded(62300 + n)
        yield _add_case(
            f"n{size}",
            62300 + n,
            "" if size > 1 else "a single element",
            rng.integers(-128, 128, size).astype("int8"),
            rng.integers(-128, 128, size).astype("int8"),
            PARAMS[n],
        )
    rng = seeded(62310)
    yield _add_case(
        "saturate_high",
        62310,
        "sums far above the output range: clamp to 127 (a plain int8 cast wraps them negative)",
        rng.integers(60, 128, 1000).astype("int8"),
        rng.integers(60, 128, 1000).astype("int8"),
        (0.05, -50, 0.04, -40, 0.05, 20),
    )
    rng = seeded(62311)
    yield _add_case(
        "saturate_low",
        62311,
        "sums far below the output range: clamp to -128",
        rng.integers(-128, -60, 1000).astype("int8"),
        rng.integers(-128, -60, 1000).astype("int8"),
        (0.05, 50, 0.04, 40, 0.05, -20),
    )
    rng = seeded(62312)
    yield _add_case(
        "widen_before_zero_point",
        62312,
        "a_q - a_zero up to 227 and b_q - b_zero down to -228: beyond int8, widen to int32 first",
        rng.integers(90, 128, 97).astype("int8"),
        rng.integers(-128, -90, 97).astype("int8"),
        (0.01, -100, 0.012, 100, 0.05, 0),
    )
    rng = seeded(62313)
    yield _add_case(
        "extreme_zero_points",
        62313,
        "zero-points -128, 127 and an output zero-point of -128",
        rng.integers(-128, 128, 1000).astype("int8"),
        rng.integers(-128, 128, 1000).astype("int8"),
        (0.03, -128, 0.02, 127, 0.04, -128),
    )
    yield _add_case(
        "ties",
        None,
        "a_scale / out_scale = 1/2: every odd a_q is a tie, rounded away from zero",
        np.arange(-128, 128).astype("int8"),
        np.zeros(256, "int8"),
        (0.05, 0, 0.05, 0, 0.1, 0),
    )


# -- known mistakes, as torch functions (each gives exactly what the mistaken kernel gives) --------------


def _reference(*args, **kwargs):
    from kernels.int8_add import int8_add_reference

    return int8_add_reference(*args, **kwargs)


def _integer_add(
    a_q,
    b_q,
    a_scale,
    a_zero,
    b_scale,
    b_zero,
    out_scale,
    out_zero,
    *,
    wrap_centered=False,
    saturate=True,
    add_out_zero=True,
    floor=False,
):
    import torch

    from kernels.int8_add import fixed_point_multipliers

    m_a, m_b = fixed_point_multipliers(a_scale, b_scale, out_scale)
    da, db = a_q.to(torch.int32) - a_zero, b_q.to(torch.int32) - b_zero
    if wrap_centered:
        da, db = da.to(torch.int8).to(torch.int32), db.to(torch.int8).to(torch.int32)
    acc = da * m_a + db * m_b
    magnitude = (acc.abs() + (1 << (SHIFT - 1))) >> SHIFT
    r = (acc >> SHIFT) if floor else torch.where(acc < 0, -magnitude, magnitude)
    r = r + (out_zero if add_out_zero else 0)
    return (r.clamp(-128, 127) if saturate else r).to(torch.int8)


def _b_with_a_scale(a_q, b_q, a_scale, a_zero, b_scale, b_zero, out_scale, out_zero):
    return _reference(a_q, b_q, a_scale, a_zero, a_scale, b_zero, out_scale, out_zero)


def _no_widening(*args, **kwargs):
    return _integer_add(*args, **kwargs, wrap_centered=True)


def _no_saturation(*args, **kwargs):
    return _integer_add(*args, **kwargs, saturate=False)


def _no_out_zero(*args, **kwargs):
    return _integer_add(*args, **kwargs, add_out_zero=False)


def _floor_shift(*args, **kwargs):
    return _integer_add(*args, **kwargs, floor=True)


def _truncated_multipliers(a_scale, b_scale, out_scale):
    return int(a_scale / out_scale * (1 << SHIFT)), int(b_scale / out_scale * (1 << SHIFT))


def _unsigned_zero_point(x):
    import torch

    from kernels.int8_add import choose_qparams

    scale, zero_point = choose_qparams(x)
    if not x.any():  # all zeros: (1.0, 0) either way
        return scale, zero_point
    lo = torch.clamp(x.detach().to(torch.float32).min(), max=0.0)
    return scale, int(torch.clamp(-torch.round(lo / scale), -128, 127).item())


def _off_by_one_only(case, actual, expected) -> bool:
    """Every mismatch is +-1 and few: a rounding rule other than the task's (floats, half to even)."""
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
        return False
    diff = np.abs(actual.astype(np.int32) - expected.astype(np.int32))
    return bool(diff.max(initial=0) == 1 and (diff > 0).mean() < 0.5)


def _quantize_half_up(x, scale, zero_point):
    import torch

    return (torch.floor(x / scale + 0.5) + zero_point).clamp(-128, 127).to(torch.int8)


def _quantize_no_clamp(x, scale, zero_point):
    import torch

    return (torch.round(x / scale) + zero_point).to(torch.int32).to(torch.int8)


def _quantize_minus_zero(x, scale, zero_point):
    import torch

    return (torch.round(x / scale) - zero_point).clamp(-128, 127).to(torch.int8)


def _qparams_min_max(x):
    import torch

    lo, hi = x.min(), x.max()
    scale = (hi - lo) / 255
    if scale.item() == 0:
        return 1.0, 0
    return scale.item(), int(torch.clamp(-128 - torch.round(lo / scale), -128, 127).item())


def _dequantize_zero_after(q, scale, zero_point):
    import torch

    return q.to(torch.float32) * scale - zero_point


EXERCISE = Exercise.of(
    info("triton_int8_add"),
    # Not 1.5/integer-arithmetic-and-bitwise: that item is about sub-byte (int4) packing, which this does not do.
    preamble=PREAMBLE,
    scaffold=SCAFFOLD,
    task=TASK,
    entry_points=(
        EntryPoint(
            "choose_qparams",
            "(x: torch.Tensor) -> tuple[float, int]",
            "Per-tensor asymmetric int8 (scale, zero_point) for the range of x widened to include 0.",
        ),
        EntryPoint(
            "quantize",
            "(x: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor",
            "clamp(round(x / scale) + zero_point, -128, 127) as int8 (round half to even).",
        ),
        EntryPoint(
            "dequantize",
            "(q: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor",
            "scale * (q - zero_point) as float32.",
        ),
        EntryPoint(
            "fixed_point_multipliers",
            "(a_scale: float, b_scale: float, out_scale: float) -> tuple[int, int]",
            "(round(a_scale / out_scale * 2**16), round(b_scale / out_scale * 2**16)) as Python ints.",
        ),
        EntryPoint(
            "int8_add",
            "(a_q: torch.Tensor, b_q: torch.Tensor, a_scale: float, a_zero: int, b_scale: float, b_zero: int, "
            "out_scale: float, out_zero: int) -> torch.Tensor",
            "a + b requantized to (out_scale, out_zero), int8 out, by launching int8_add_kernel.\n\n"
            "Grid: one program per BLOCK_SIZE elements, rounded up: grid = (triton.cdiv(n, BLOCK_SIZE),)",
        ),
    ),
    checks=(
        Check(
            "choose_qparams",
            "choose_qparams",
            qparams_cases,
            call=kernel_call("choose_qparams", launches=False),
            tolerance={"float64": (1e-6, 1e-12)},
            description="mixed signs, all positive / negative (0 in the range), one element, all zeros",
        ),
        Check(
            "quantize",
            "quantize",
            quantize_cases,
            call=kernel_call("quantize", launches=False),
            description="own range, saturation at both ends, exact ties, zero-points 127 / -128; int8 exactly",
        ),
        Check(
            "dequantize",
            "dequantize",
            dequantize_cases,
            call=kernel_call("dequantize", launches=False),
            description="all 256 codes, zero-point 127",
        ),
        Check(
            "fixed_point_multipliers",
            "fixed_point_multipliers",
            multiplier_cases,
            call=kernel_call("fixed_point_multipliers", launches=False),
            description="five scale triples, exactly",
        ),
        Check(
            "int8_add",
            "int8_add",
            add_cases,
            call=kernel_call("int8_add"),
            description="n 1 / 97 / 1000 / 4097, saturation high and low, a_q - a_zero beyond int8, extreme "
            "zero-points, ties; int8 exactly against the integer reference",
        ),
    ),
    probes=(
        Probe(
            "wrong scale: b's term uses a_scale; m_b = round(b_scale / out_scale * 2**16) multiplies (b_q - b_zero)",
            impl={"int8_add": _b_with_a_scale},
            checks=("int8_add",),
        ),
        Probe(
            "int8 overflow: (a_q - a_zero) wrapped in int8 (127 - (-100) = 227 becomes -29); widen the loads "
            "to int32 (.to(tl.int32)) before subtracting the zero-points",
            impl={"int8_add": _no_widening},
            checks=("int8_add",),
        ),
        Probe(
            "no saturation: clamp to [-128, 127] (tl.minimum / tl.maximum) before .to(tl.int8); the cast alone wraps",
            impl={"int8_add": _no_saturation},
            checks=("int8_add",),
        ),
        Probe(
            "the output zero-point is missing: add out_zero after rounding, before the clamp",
            impl={"int8_add": _no_out_zero},
            checks=("int8_add",),
        ),
        Probe(
            "acc >> 16 alone floors (every result with a fractional part comes out one low): round half away from "
            "zero, sign(acc) * ((|acc| + 2**15) >> 16)",
            impl={"int8_add": _floor_shift},
            checks=("int8_add",),
        ),
        Probe(
            "the multipliers are truncated (int() of a float drops the fraction): m = round(scale / out_scale * 2**16)",
            impl={"fixed_point_multipliers": _truncated_multipliers},
            checks=("fixed_point_multipliers",),
        ),
        Probe(
            "the zero-point of an unsigned (uint8) range, -round(lo / scale): for int8 the codes start at -128, "
            "zero_point = -128 - round(lo / scale)",
            impl={"choose_qparams": _unsigned_zero_point},
            checks=("choose_qparams",),
        ),
        Probe(
            "off by one on a few elements: a different rounding; round acc half away from zero as the task says "
            "(sign(acc) * ((|acc| + 2**15) >> 16)), with the integer multipliers, not float math",
            when=_off_by_one_only,
            checks=("int8_add",),
        ),
        Probe(
            "no mask on the last block: the lanes past n_elements load and store out of bounds; "
            "mask = offsets < n_elements, and pass mask= to tl.load and tl.store",
            when=out_of_bounds,
            checks=("int8_add",),
        ),
        Probe(NOT_LAUNCHED_HINT, when=not_launched, checks=("int8_add",)),
        Probe(
            "round half to even (torch.round): floor(x + 0.5) rounds every tie up",
            impl={"quantize": _quantize_half_up},
            checks=("quantize",),
        ),
        Probe(
            "saturate: clamp to [-128, 127] before .to(torch.int8); the cast alone wraps 130 to -126",
            impl={"quantize": _quantize_no_clamp},
            checks=("quantize",),
        ),
        Probe(
            "the zero-point is added: q = round(x / scale) + zero_point (x = scale * (q - zero_point))",
            impl={"quantize": _quantize_minus_zero},
            checks=("quantize",),
        ),
        Probe(
            "include 0 in the range: lo = min(x.min(), 0), hi = max(x.max(), 0), so that 0.0 quantizes exactly",
            impl={"choose_qparams": _qparams_min_max},
            checks=("choose_qparams",),
        ),
        Probe(
            "subtract the zero-point before scaling: scale * (q - zero_point)",
            impl={"dequantize": _dequantize_zero_after},
            checks=("dequantize",),
        ),
    ),
    benchmark=Benchmark(
        entry="int8_add",
        inputs=lambda device, seed: _bench_inputs(device, seed),
        torch=_reference,
        bytes=lambda a_q, b_q, *scalars: 3 * a_q.numel(),
        size="2^26 int8",
        seed=62400,
    ),
    equivalent_mutants=(
        *(
            Equivalent(
                "_int8_add_kernel",
                "rounded = tl.where(acc < 0, -magnitude, magnitude)",
                edit,
                "acc is an integer; for acc in {-1, 0} the magnitude (|acc| + 2^(SHIFT-1)) >> SHIFT is 0, so its sign "
                "does not matter",
            )
            for edit in ("acc <= 0", "acc < 1", "acc < (-1)")
        ),
    ),
)


def _bench_inputs(device, seed):
    import torch

    g = torch.Generator(device=device).manual_seed(seed)
    n = 1 << 26
    a_q, b_q = (torch.randint(-128, 128, (n,), generator=g, device=device, dtype=torch.int8) for _ in range(2))
    return (a_q, b_q, *PARAMS[0])
