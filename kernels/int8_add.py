"""Quantized vector addition in the int8 domain (Module 1.5's capstone, steps 1-4).

An int8 tensor q stands for the reals x = scale * (q - zero_point), with one (scale, zero_point) per
tensor (asymmetric, q in [-128, 127]). To add two such tensors into a third quantization
(out_scale, out_zero) without going through floats per element:

    out_real = a_scale (a_q - a_zero) + b_scale (b_q - b_zero)
    out_q    = saturate(round(out_real / out_scale) + out_zero)

The kernel does exactly this in integers, as gemmlowp and TFLite's quantized ADD do:

1. Widen: a_q and b_q are loaded as int8 and widened to int32 *before* the zero-points are
   subtracted; (a_q - a_zero) spans [-255, 255], which int8 cannot hold.
2. Rescale with fixed-point multipliers, computed once on the host with SHIFT = 16 fractional bits:
       m_a = round(a_scale / out_scale * 2**16),   m_b = round(b_scale / out_scale * 2**16)
   (Python's round on float64), then in the int32 accumulator:
       acc = (a_q - a_zero) * m_a + (b_q - b_zero) * m_b
   acc is out_real / out_scale in units of 2**-16. It fits int32 when
   255 * (m_a + m_b) + 2**15 < 2**31, i.e. a_scale / out_scale + b_scale / out_scale < ~128;
   the launchers raise ValueError beyond that.
3. Round to the nearest integer, ties away from zero, on the magnitude:
       r = sign(acc) * ((|acc| + 2**15) >> 16)
   (integer-only, so the GPU, the interpreter and the CPU reference agree bit for bit; float
   rescaling would not, as the GPU may fuse a*b + c into one FMA and round differently).
4. Add out_zero and saturate (clamp) to [-128, 127], then store as int8.

The multipliers carry a relative error below 2**-17 / ratio, so acc is within 510 * 2**-17 < 0.004
output steps of the exact out_real / out_scale: the result equals float rounding except at
near-ties. `int8_add_reference` is the same arithmetic in plain torch ops, and the kernel matches
it exactly.

The float side (step 1 of the capstone) is plain torch too: `choose_qparams` takes the tensor's
range widened to include 0 (so 0.0 is exact) and spreads it over the 256 codes; `quantize` rounds
half to even (torch.round) and saturates; `dequantize` maps back to float32.

Source: Jacob et al. 2018, "Quantization and Training of Neural Networks for Efficient
Integer-Arithmetic-Only Inference", Sec. 2.2 (fixed-point multipliers); gemmlowp's
RoundingDivideByPOT (round half away from zero); torch.ao's MinMaxObserver for qint8.
Limits: per-tensor parameters only; same shape for a and b (no broadcasting); contiguous.
"""

from __future__ import annotations

import math
import numbers

import torch
import triton
import triton.language as tl

from kernels._launch import check_contiguous, check_device, check_dtype

QMIN, QMAX = -128, 127
SHIFT = 16  # fractional bits of the fixed-point multipliers
BLOCK_SIZE = 1024


def choose_qparams(x: torch.Tensor) -> tuple[float, int]:
    """Per-tensor asymmetric int8 parameters (scale, zero_point) for the range of x (and 0)."""
    if x.numel() == 0:
        raise ValueError("cannot choose quantization parameters for an empty tensor")
    x = x.detach().to(torch.float32)
    if not torch.isfinite(x).all():
        raise ValueError("x has inf or nan: no int8 range can hold it")
    lo = torch.clamp(x.min(), max=0.0)  # include 0 so that 0.0 (padding, ReLU zeros) is exact
    hi = torch.clamp(x.max(), min=0.0)
    scale = (hi - lo) / (QMAX - QMIN)
    if scale.item() == 0.0:  # all zeros: any scale represents them
        return 1.0, 0
    zero_point = torch.clamp(QMIN - torch.round(lo / scale), QMIN, QMAX)
    return scale.item(), int(zero_point.item())


def quantize(x: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    """clamp(round(x / scale) + zero_point, -128, 127) as int8; round is half to even (torch.round)."""
    _check_scale(scale, "scale")
    _check_zero_point(zero_point, "zero_point")
    q = torch.round(x.to(torch.float32) / scale) + zero_point
    return torch.clamp(q, QMIN, QMAX).to(torch.int8)


def dequantize(q: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    """scale * (q - zero_point) as float32."""
    _check_scale(scale, "scale")
    _check_zero_point(zero_point, "zero_point")
    return (q.to(torch.float32) - zero_point) * scale


def int8_add_reference(
    a_q: torch.Tensor,
    b_q: torch.Tensor,
    a_scale: float,
    a_zero: int,
    b_scale: float,
    b_zero: int,
    out_scale: float,
    out_zero: int,
) -> torch.Tensor:
    """The kernel's integer arithmetic (module docstring, steps 1-4) in plain torch ops."""
    _check_operands(a_q, b_q, a_zero, b_zero, out_zero)
    a_mult, b_mult = fixed_point_multipliers(a_scale, b_scale, out_scale)
    a_zero, b_zero, out_zero = int(a_zero), int(b_zero), int(out_zero)
    acc = (a_q.to(torch.int32) - a_zero) * a_mult + (b_q.to(torch.int32) - b_zero) * b_mult
    magnitude = (acc.abs() + (1 << (SHIFT - 1))) >> SHIFT
    rounded = torch.where(acc < 0, -magnitude, magnitude)
    return torch.clamp(rounded + out_zero, QMIN, QMAX).to(torch.int8)


@triton.jit
def _int8_add_kernel(
    a_ptr,  # int8 input a_q
    b_ptr,  # int8 input b_q
    out_ptr,  # int8 output
    n_elements,
    a_zero,
    b_zero,
    out_zero,  # zero-points, ints in [-128, 127]
    a_mult,
    b_mult,  # fixed-point multipliers: round(scale / out_scale * 2**SHIFT)
    SHIFT: tl.constexpr,  # fractional bits of the multipliers
    QMIN: tl.constexpr,
    QMAX: tl.constexpr,  # the int8 range to saturate to
    BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    # Widen before subtracting the zero-point: a_q - a_zero spans [-255, 255].
    a = tl.load(a_ptr + offsets, mask=mask, other=0).to(tl.int32)
    b = tl.load(b_ptr + offsets, mask=mask, other=0).to(tl.int32)
    acc = (a - a_zero) * a_mult + (b - b_zero) * b_mult  # out_real / out_scale, in units of 2**-SHIFT
    # Round half away from zero: round the magnitude half up, then put the sign back.
    magnitude = (tl.abs(acc) + (1 << (SHIFT - 1))) >> SHIFT
    rounded = tl.where(acc < 0, -magnitude, magnitude)
    out = tl.minimum(tl.maximum(rounded + out_zero, QMIN), QMAX)  # saturate
    tl.store(out_ptr + offsets, out.to(tl.int8), mask=mask)


def int8_add(
    a_q: torch.Tensor,
    b_q: torch.Tensor,
    a_scale: float,
    a_zero: int,
    b_scale: float,
    b_zero: int,
    out_scale: float,
    out_zero: int,
) -> torch.Tensor:
    """a + b for int8 tensors quantized per tensor, requantized to (out_scale, out_zero); int8 out."""
    _check_operands(a_q, b_q, a_zero, b_zero, out_zero)
    check_device(a_q, b_q, names=("a_q", "b_q"))
    check_contiguous(a_q, "a_q")
    check_contiguous(b_q, "b_q")
    a_mult, b_mult = fixed_point_multipliers(a_scale, b_scale, out_scale)
    out = torch.empty_like(a_q)
    n_elements = out.numel()
    if n_elements == 0:
        return out
    grid = (triton.cdiv(n_elements, BLOCK_SIZE),)
    _int8_add_kernel[grid](
        a_q,
        b_q,
        out,
        n_elements,
        int(a_zero),
        int(b_zero),
        int(out_zero),
        a_mult,
        b_mult,
        SHIFT=SHIFT,
        QMIN=QMIN,
        QMAX=QMAX,
        BLOCK_SIZE=BLOCK_SIZE,
        num_warps=4,
    )
    return out


def fixed_point_multipliers(a_scale: float, b_scale: float, out_scale: float) -> tuple[int, int]:
    """(m_a, m_b) = round(scale / out_scale * 2**SHIFT), checked to keep the int32 accumulator exact."""
    for scale, name in ((a_scale, "a_scale"), (b_scale, "b_scale"), (out_scale, "out_scale")):
        _check_scale(scale, name)
    a_mult = round(float(a_scale) / float(out_scale) * (1 << SHIFT))
    b_mult = round(float(b_scale) / float(out_scale) * (1 << SHIFT))
    # |a_q - a_zero| and |b_q - b_zero| are at most 255; the rounding adds 2**(SHIFT-1).
    if (QMAX - QMIN) * (a_mult + b_mult) + (1 << (SHIFT - 1)) > 2**31 - 1:
        raise ValueError(
            f"a_scale / out_scale + b_scale / out_scale = {(a_scale + b_scale) / out_scale:.4g} "
            "overflows the int32 accumulator (must be below ~128); choose a larger out_scale"
        )
    return a_mult, b_mult


def _check_operands(a_q: torch.Tensor, b_q: torch.Tensor, a_zero: int, b_zero: int, out_zero: int) -> None:
    if a_q.shape != b_q.shape:
        raise ValueError(f"a_q and b_q must have the same shape, got a_q {tuple(a_q.shape)} and b_q {tuple(b_q.shape)}")
    check_dtype(a_q, "a_q", (torch.int8,))
    check_dtype(b_q, "b_q", (torch.int8,))
    for zero_point, name in ((a_zero, "a_zero"), (b_zero, "b_zero"), (out_zero, "out_zero")):
        _check_zero_point(zero_point, name)


def _check_scale(scale: float, name: str) -> None:
    if not (isinstance(scale, numbers.Real) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"{name} must be a finite float > 0, got {scale!r}")


def _check_zero_point(zero_point: int, name: str) -> None:
    if isinstance(zero_point, bool) or not isinstance(zero_point, numbers.Integral) or not QMIN <= zero_point <= QMAX:
        raise ValueError(f"{name} must be an int in [{QMIN}, {QMAX}], got {zero_point!r}")
