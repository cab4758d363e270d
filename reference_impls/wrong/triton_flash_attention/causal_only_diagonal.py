"""Wrong: causal, but the key loop runs over every key block and the mask is applied only on the diagonal
block (start_n in [start_m * BLOCK_M, (start_m + 1) * BLOCK_M)): the blocks above the diagonal are attended
unmasked, so queries see future keys whenever seq_k spans more than one query block."""

import math

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "causal: the key blocks above the diagonal are attended"


@triton.jit
def flash_attention_kernel(
    q_ptr,
    k_ptr,
    v_ptr,
    o_ptr,
    sm_scale,
    stride_qb,
    stride_qh,
    stride_qm,
    stride_qd,
    stride_kb,
    stride_kh,
    stride_kn,
    stride_kd,
    stride_vb,
    stride_vh,
    stride_vn,
    stride_vd,
    stride_ob,
    stride_oh,
    stride_om,
    stride_od,
    H,
    SEQ_Q,
    SEQ_K,
    HEAD_DIM: tl.constexpr,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    CAUSAL: tl.constexpr,
):
    start_m = tl.program_id(0)
    off_bh = tl.program_id(1)
    b = off_bh // H
    h = off_bh % H
    q_ptr += b * stride_qb + h * stride_qh
    k_ptr += b * stride_kb + h * stride_kh
    v_ptr += b * stride_vb + h * stride_vh
    o_ptr += b * stride_ob + h * stride_oh
    offs_m = start_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, HEAD_DIM)
    q = tl.load(
        q_ptr + offs_m[:, None] * stride_qm + offs_d[None, :] * stride_qd, mask=offs_m[:, None] < SEQ_Q, other=0.0
    )
    m_i = tl.full((BLOCK_M,), -float("inf"), dtype=tl.float32)
    l_i = tl.zeros((BLOCK_M,), dtype=tl.float32)
    acc = tl.zeros((BLOCK_M, HEAD_DIM), dtype=tl.float32)
    hi = SEQ_K
    for start_n in range(0, hi, BLOCK_N):
        cols = start_n + offs_n
        k = tl.load(
            k_ptr + cols[:, None] * stride_kn + offs_d[None, :] * stride_kd, mask=cols[:, None] < SEQ_K, other=0.0
        )
        v = tl.load(
            v_ptr + cols[:, None] * stride_vn + offs_d[None, :] * stride_vd, mask=cols[:, None] < SEQ_K, other=0.0
        )
        s = tl.dot(q, tl.trans(k), input_precision="ieee") * sm_scale
        valid = cols[None, :] < SEQ_K
        if CAUSAL:
            # the mistake: the blocks past the query block (above the diagonal) are visited and left unmasked
            valid = valid & ((offs_m[:, None] >= cols[None, :]) | (start_n >= (start_m + 1) * BLOCK_M))
        s = tl.where(valid, s, -float("inf"))
        m_new = tl.maximum(m_i, tl.max(s, axis=1))
        alpha = tl.exp(m_i - m_new)
        p = tl.exp(s - m_new[:, None])
        l_i = l_i * alpha + tl.sum(p, axis=1)
        acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v, input_precision="ieee")
        m_i = m_new
    out = acc / l_i[:, None]
    tl.store(
        o_ptr + offs_m[:, None] * stride_om + offs_d[None, :] * stride_od,
        out.to(o_ptr.dtype.element_ty),
        mask=offs_m[:, None] < SEQ_Q,
    )


def flash_attention(q, k, v, causal=False, sm_scale=None):
    B, H, seq_q, head_dim = q.shape
    if sm_scale is None:
        sm_scale = 1.0 / math.sqrt(head_dim)
    o = torch.empty((B, H, seq_q, head_dim), dtype=q.dtype, device=q.device)
    block_m, block_n = 32, 16
    grid = (triton.cdiv(seq_q, block_m), B * H)
    flash_attention_kernel[grid](
        q,
        k,
        v,
        o,
        sm_scale,
        *q.stride(),
        *k.stride(),
        *v.stride(),
        *o.stride(),
        H,
        seq_q,
        k.shape[2],
        HEAD_DIM=head_dim,
        BLOCK_M=block_m,
        BLOCK_N=block_n,
        CAUSAL=causal,
    )
    return o
