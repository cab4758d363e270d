"""Wrong: the last block is read whole: its slots past seq_len (stale keys and values of an earlier
sequence) are attended. Nothing goes out of bounds, since the physical block exists: only the
values are wrong."""

import math

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "the last block's slots past seq_len were attended"


@triton.jit
def paged_attention_kernel(
    out_ptr,
    q_ptr,
    k_cache_ptr,
    v_cache_ptr,
    block_tables_ptr,
    seq_lens_ptr,
    sm_scale,
    stride_qs,
    stride_qh,
    stride_qd,
    stride_kb,
    stride_kt,
    stride_kh,
    stride_kd,
    stride_vb,
    stride_vt,
    stride_vh,
    stride_vd,
    stride_bt,
    stride_os,
    stride_oh,
    stride_od,
    QUERIES_PER_KV: tl.constexpr,
    BLOCK_SIZE: tl.constexpr,
    HEAD_DIM: tl.constexpr,
):
    seq = tl.program_id(0)
    head = tl.program_id(1)
    kv_head = head // QUERIES_PER_KV
    seq_len = tl.load(seq_lens_ptr + seq)
    offs_d = tl.arange(0, HEAD_DIM)
    offs_t = tl.arange(0, BLOCK_SIZE)
    q = tl.load(q_ptr + seq * stride_qs + head * stride_qh + offs_d * stride_qd).to(tl.float32)
    m_i = tl.full([], -float("inf"), dtype=tl.float32)
    l_i = tl.full([], 0.0, dtype=tl.float32)
    acc = tl.zeros((HEAD_DIM,), dtype=tl.float32)
    for j in range(tl.cdiv(seq_len, BLOCK_SIZE)):
        physical = tl.load(block_tables_ptr + seq * stride_bt + j)
        k_ptrs = k_cache_ptr + physical * stride_kb + offs_t[:, None] * stride_kt + kv_head * stride_kh
        k = tl.load(k_ptrs + offs_d[None, :] * stride_kd).to(tl.float32)  # the mistake: no mask on the slots
        s = tl.sum(k * q[None, :], axis=1) * sm_scale
        m_new = tl.maximum(m_i, tl.max(s, axis=0))
        alpha = tl.exp(m_i - m_new)
        p = tl.exp(s - m_new)
        v_ptrs = v_cache_ptr + physical * stride_vb + offs_t[:, None] * stride_vt + kv_head * stride_vh
        v = tl.load(v_ptrs + offs_d[None, :] * stride_vd).to(tl.float32)
        l_i = l_i * alpha + tl.sum(p, axis=0)
        acc = acc * alpha + tl.sum(p[:, None] * v, axis=0)
        m_i = m_new
    tl.store(
        out_ptr + seq * stride_os + head * stride_oh + offs_d * stride_od, (acc / l_i).to(out_ptr.dtype.element_ty)
    )


def paged_attention_decode(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    num_seqs, n_heads, head_dim = q.shape
    if sm_scale is None:
        sm_scale = 1.0 / math.sqrt(head_dim)
    out = torch.empty_like(q)
    paged_attention_kernel[(num_seqs, n_heads)](
        out,
        q,
        k_cache,
        v_cache,
        block_tables,
        seq_lens,
        sm_scale,
        *q.stride(),
        *k_cache.stride(),
        *v_cache.stride(),
        block_tables.stride(0),
        *out.stride(),
        QUERIES_PER_KV=n_heads // k_cache.shape[2],
        BLOCK_SIZE=k_cache.shape[1],
        HEAD_DIM=head_dim,
    )
    return out
