"""Correct, with each byte loaded once: the kernel reads a (BLOCK_N, BLOCK_K // 2) tile of packed bytes,
splits it into low and high nibbles and tl.interleave's them back into k order (low = even k); the host
side packs with a reshape into pairs, unpacks with torch.stack, and quantizes with per-group views
(torch.Tensor.unflatten) of a zero-padded weight."""

import torch
import triton
import triton.language as tl


def pack_int4(q):
    q = q.to(torch.uint8)
    if q.shape[1] % 2:
        q = torch.cat([q, q.new_zeros(q.shape[0], 1)], dim=1)
    pairs = q.reshape(q.shape[0], -1, 2)
    return pairs[..., 0] | (pairs[..., 1] << 4)


def unpack_int4(packed, k):
    return torch.stack([packed & 0x0F, packed >> 4], dim=2).flatten(1)[:, :k]


def quantize_w4(w, group_size):
    n, k = w.shape
    groups = (k + group_size - 1) // group_size
    padded = torch.zeros(n, groups * group_size, dtype=torch.float32, device=w.device)
    padded[:, :k] = w
    g = padded.unflatten(1, (groups, group_size))
    lo = torch.minimum(g.min(dim=2).values, torch.zeros(()))
    hi = torch.maximum(g.max(dim=2).values, torch.zeros(()))
    flat = (lo == 0) & (hi == 0)
    lo = lo.masked_fill(flat, -1.0)
    hi = hi.masked_fill(flat, 1.0)
    scales = (hi - lo) / 15
    zeros = torch.round(-lo / scales)
    q = torch.clamp(torch.round(g / scales[..., None]) + zeros[..., None], 0, 15).flatten(1)[:, :k]
    return pack_int4(q), scales, zeros.to(torch.uint8)


def dequantize_w4(packed, scales, zeros, group_size, k):
    q = unpack_int4(packed, k).float()
    s = scales.float().repeat_interleave(group_size, dim=1)[:, :k]
    z = zeros.float().repeat_interleave(group_size, dim=1)[:, :k]
    return (q - z) * s


@triton.jit
def w4a16_matmul_kernel(
    x_ptr,
    w_ptr,
    s_ptr,
    z_ptr,
    y_ptr,
    M,
    N,
    K,
    group_size,
    stride_xm,
    stride_xk,
    stride_wn,
    stride_wk,
    stride_sn,
    stride_sg,
    stride_zn,
    stride_zg,
    stride_ym,
    stride_yn,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    HALF: tl.constexpr = BLOCK_K // 2
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        rk = k0 + tl.arange(0, BLOCK_K)
        rb = k0 // 2 + tl.arange(0, HALF)  # the bytes holding k0 .. k0 + BLOCK_K - 1
        x = tl.load(
            x_ptr + rm[:, None] * stride_xm + rk[None, :] * stride_xk,
            mask=(rm[:, None] < M) & (rk[None, :] < K),
            other=0.0,
        )
        b = tl.load(
            w_ptr + rn[:, None] * stride_wn + rb[None, :] * stride_wk,
            mask=(rn[:, None] < N) & (rb[None, :] < (K + 1) // 2),
            other=0,
        ).to(tl.int32)
        q = tl.interleave(b & 0xF, b >> 4)  # (BLOCK_N, BLOCK_K): low nibble = even k
        ok = (rn[:, None] < N) & (rk[None, :] < K)
        grp = rk // group_size
        s = tl.load(s_ptr + rn[:, None] * stride_sn + grp[None, :] * stride_sg, mask=ok, other=0.0)
        z = tl.load(z_ptr + rn[:, None] * stride_zn + grp[None, :] * stride_zg, mask=ok, other=0).to(tl.int32)
        w = ((q - z).to(tl.float32) * s).to(x.dtype)  # (BLOCK_N, BLOCK_K)
        acc += tl.dot(x, tl.trans(w), input_precision="ieee")
    tl.store(
        y_ptr + rm[:, None] * stride_ym + rn[None, :] * stride_yn,
        acc.to(y_ptr.dtype.element_ty),
        mask=(rm[:, None] < M) & (rn[None, :] < N),
    )


def w4a16_matmul(x, packed, scales, zeros, group_size):
    M, K = x.shape
    N = packed.shape[0]
    y = torch.empty((M, N), device=x.device, dtype=x.dtype)
    grid = (triton.cdiv(M, 16), triton.cdiv(N, 32))
    w4a16_matmul_kernel[grid](
        x,
        packed,
        scales,
        zeros,
        y,
        M,
        N,
        K,
        group_size,
        x.stride(0),
        x.stride(1),
        packed.stride(0),
        packed.stride(1),
        scales.stride(0),
        scales.stride(1),
        zeros.stride(0),
        zeros.stride(1),
        y.stride(0),
        y.stride(1),
        BLOCK_M=16,
        BLOCK_N=32,
        BLOCK_K=64,
    )
    return y
