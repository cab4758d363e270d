"""LayerNorm and RMSNorm over the last dim, and RMSNorm's backward pass.

Forward (both): one program per row; the whole row is loaded once into registers
(BLOCK_N = next power of two >= N, tail masked), reduced in fp32 and written once.

    layer_norm:  y = (x - mean) / sqrt(var + eps) * w + b     var biased (divide by N), as torch
    rms_norm:    y = x / sqrt(mean(x^2) + eps) * w             (Zhang & Sennrich 2019)

RMSNorm's backward, with r = 1 / sqrt(mean(x^2) + eps) saved per row by the forward and g = dy * w:

    dx = r * g - x * r^3 * mean(g * x)          (the second term: r depends on every x_j)
    dw = sum over rows of dy * x * r

dx is row-local. dw sums over all rows: rather than every program adding its rows into one (N,)
buffer with atomics or locks (tutorial 05 uses a lock per group), each of P programs owns a
contiguous run of rows, accumulates its partial dw in fp32 registers and writes it to row `pid`
of a (P, N) buffer; the P partial sums are reduced afterwards (`partial.sum(0)`). This is
deterministic, and P (a few per SM) keeps the buffer small.

`rms_norm` is a torch.autograd.Function, so `rms_norm(x, w).sum().backward()` fills x.grad and
w.grad. `layer_norm` is forward only (its output carries no autograd graph).

Source: Triton tutorial 05, "Layer Normalization" (forward; the backward's partial-sum scheme);
torch.nn.functional.layer_norm / rms_norm semantics. Limits: x (..., N) contiguous, normalized over
the last dim; weight and bias (N,); N * element_size <= 64 KiB (a row must fit in registers).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels._launch import FLOAT_DTYPES, check_contiguous, check_device, check_dtype, is_interpreting


@triton.jit
def _layer_norm_fwd_kernel(
    x_ptr,
    y_ptr,  # (M, N) input and output, contiguous rows
    w_ptr,
    b_ptr,  # (N,) weight and bias
    N,  # row length
    eps,
    BLOCK_N: tl.constexpr,  # next power of two >= N
):
    row = tl.program_id(axis=0)
    cols = tl.arange(0, BLOCK_N)
    mask = cols < N
    x_ptr += row.to(tl.int64) * N  # 64-bit: M * N can pass 2**31
    y_ptr += row.to(tl.int64) * N
    x = tl.load(x_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    mean = tl.sum(x, axis=0) / N
    diff = tl.where(mask, x - mean, 0.0)  # keep the padding out of the variance
    var = tl.sum(diff * diff, axis=0) / N
    rstd = 1.0 / tl.sqrt(var + eps)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    b = tl.load(b_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    y = diff * rstd * w + b
    tl.store(y_ptr + cols, y.to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def _rms_norm_fwd_kernel(
    x_ptr,
    y_ptr,  # (M, N) input and output, contiguous rows
    w_ptr,  # (N,) weight
    rstd_ptr,  # (M,) fp32: 1 / sqrt(mean(x^2) + eps) per row, kept for the backward
    N,
    eps,
    BLOCK_N: tl.constexpr,
):
    row = tl.program_id(axis=0)
    cols = tl.arange(0, BLOCK_N)
    mask = cols < N
    x_ptr += row.to(tl.int64) * N
    y_ptr += row.to(tl.int64) * N
    x = tl.load(x_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    rstd = 1.0 / tl.sqrt(tl.sum(x * x, axis=0) / N + eps)
    tl.store(rstd_ptr + row, rstd)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    tl.store(y_ptr + cols, (x * rstd * w).to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def _rms_norm_bwd_kernel(
    dy_ptr,
    x_ptr,
    dx_ptr,  # (M, N), contiguous rows
    w_ptr,  # (N,) weight
    rstd_ptr,  # (M,) fp32, from the forward
    dw_partial_ptr,  # (P, N) fp32: row p gets program p's partial sum of dw
    M,
    N,
    rows_per_program,
    BLOCK_N: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    cols = tl.arange(0, BLOCK_N)
    mask = cols < N
    w = tl.load(w_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    dw = tl.zeros((BLOCK_N,), dtype=tl.float32)
    row_start = pid * rows_per_program
    row_end = min(row_start + rows_per_program, M)
    offset = row_start.to(tl.int64) * N  # 64-bit: M * N can pass 2**31
    for row in range(row_start, row_end):
        x = tl.load(x_ptr + offset + cols, mask=mask, other=0.0).to(tl.float32)
        dy = tl.load(dy_ptr + offset + cols, mask=mask, other=0.0).to(tl.float32)
        rstd = tl.load(rstd_ptr + row)
        g = dy * w
        dx = rstd * g - x * (rstd * rstd * rstd) * (tl.sum(g * x, axis=0) / N)
        tl.store(dx_ptr + offset + cols, dx.to(dx_ptr.dtype.element_ty), mask=mask)
        dw += dy * x * rstd
        offset += N
    tl.store(dw_partial_ptr + pid * N + cols, dw, mask=mask)


def layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm over the last dim of x (..., N) with weight and bias (N,); forward only; x's dtype out."""
    x2d, block_n, num_warps = _prepare(x, weight)
    _check_param(bias, x, "bias")
    check_device(x, weight, bias, names=("x", "weight", "bias"))
    y = torch.empty_like(x2d)
    if y.numel() > 0:
        _layer_norm_fwd_kernel[(x2d.shape[0],)](
            x2d, y, weight, bias, x2d.shape[1], eps, BLOCK_N=block_n, num_warps=num_warps
        )
    return y.view(x.shape)


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """RMSNorm over the last dim of x (..., N) with weight (N,); differentiable in x and weight."""
    return _RMSNorm.apply(x, weight, eps)


class _RMSNorm(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
        x2d, block_n, num_warps = _prepare(x, weight)
        check_device(x, weight, names=("x", "weight"))
        M, N = x2d.shape
        y = torch.empty_like(x2d)
        rstd = torch.empty(M, dtype=torch.float32, device=x.device)
        if y.numel() > 0:
            _rms_norm_fwd_kernel[(M,)](x2d, y, weight, rstd, N, eps, BLOCK_N=block_n, num_warps=num_warps)
        ctx.save_for_backward(x2d, weight, rstd)
        ctx.launch = (block_n, num_warps)
        return y.view(x.shape)

    @staticmethod
    def backward(ctx, dy: torch.Tensor):
        x2d, weight, rstd = ctx.saved_tensors
        block_n, num_warps = ctx.launch
        M, N = x2d.shape
        dy2d = dy.contiguous().view(M, N)
        dx = torch.empty_like(x2d)
        programs = max(1, min(M, _backward_programs(x2d.device)))
        rows_per_program = triton.cdiv(M, programs) if M else 0
        dw_partial = torch.zeros((programs, N), dtype=torch.float32, device=x2d.device)
        if dx.numel() > 0:
            _rms_norm_bwd_kernel[(programs,)](
                dy2d, x2d, dx, weight, rstd, dw_partial, M, N, rows_per_program, BLOCK_N=block_n, num_warps=num_warps
            )
        dw = dw_partial.sum(dim=0).to(weight.dtype)
        return dx.view(dy.shape), dw, None


def _backward_programs(device: torch.device) -> int:
    """How many programs share the rows: a few per SM on a GPU, a handful in the interpreter."""
    if device.type == "cuda" and not is_interpreting():
        return 4 * torch.cuda.get_device_properties(device).multi_processor_count
    return 4


def _prepare(x: torch.Tensor, weight: torch.Tensor) -> tuple[torch.Tensor, int, int]:
    """x viewed as (M, N), the block size and the number of warps for rows of length N."""
    if x.dim() == 0:
        raise ValueError("x must have at least one dim (the normalized one), got a 0-d tensor")
    check_dtype(x, "x", FLOAT_DTYPES)
    check_contiguous(x, "x")
    _check_param(weight, x, "weight")
    N = x.shape[-1]
    if N == 0:
        raise ValueError(f"x {tuple(x.shape)} has an empty last dim: nothing to normalize")
    max_n = 65536 // x.element_size()
    if N > max_n:
        raise ValueError(f"x's last dim is {N}; a row must fit in registers: at most {max_n} for {x.dtype}")
    block_n = triton.next_power_of_2(N)
    num_warps = min(max(block_n // 256, 1), 8)  # about 256 elements of the row per warp
    return x.view(-1, N), block_n, num_warps


def _check_param(param: torch.Tensor, x: torch.Tensor, name: str) -> None:
    N = x.shape[-1]
    if param.shape != (N,):
        raise ValueError(f"{name} must have shape ({N},) to match x {tuple(x.shape)}, got {tuple(param.shape)}")
    check_dtype(param, name, FLOAT_DTYPES)
    check_contiguous(param, name)
