"""Correct, in the style of GQA-aware decode kernels (vLLM's and FlashInfer's decode for grouped heads): one
program per (sequence, kv head) computes every query head of its group at once, so each K/V block is loaded
once per group instead of once per query head; the scores are (group, block_size) tiles, exp2 with log2(e)
folded into the scale, and the masked slots' scores -inf."""

import math

import torch
import triton
import triton.language as tl


@triton.jit
def paged_attention_kernel(
    out_ptr,
    q_ptr,
    k_cache_ptr,
    v_cache_ptr,
    block_tables_ptr,
    seq_lens_ptr,
    qk_scale,
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
    GROUP: tl.constexpr,  # query heads per kv head
    GROUP_PAD: tl.constexpr,  # GROUP rounded up to a power of two
    BLOCK_SIZE: tl.constexpr,
    HEAD_DIM: tl.constexpr,
):
    seq = tl.program_id(0)
    kv_head = tl.program_id(1)
    seq_len = tl.load(seq_lens_ptr + seq)
    offs_g = tl.arange(0, GROUP_PAD)
    heads = kv_head * GROUP + offs_g
    offs_d = tl.arange(0, HEAD_DIM)
    offs_t = tl.arange(0, BLOCK_SIZE)
    q = tl.load(
        q_ptr + seq * stride_qs + heads[:, None] * stride_qh + offs_d[None, :] * stride_qd,
        mask=offs_g[:, None] < GROUP,
        other=0.0,
    ).to(tl.float32)  # (GROUP_PAD, HEAD_DIM)
    m = tl.full((GROUP_PAD,), -float("inf"), dtype=tl.float32)
    denom = tl.zeros((GROUP_PAD,), dtype=tl.float32)
    acc = tl.zeros((GROUP_PAD, HEAD_DIM), dtype=tl.float32)
    num_blocks = (seq_len + BLOCK_SIZE - 1) // BLOCK_SIZE
    for j in range(0, num_blocks):
        block = tl.load(block_tables_ptr + seq * stride_bt + j).to(tl.int64)
        pos = j * BLOCK_SIZE + offs_t
        in_seq = pos < seq_len
        kv_offs = offs_t[:, None] * stride_kt + kv_head * stride_kh + offs_d[None, :] * stride_kd
        k = tl.load(k_cache_ptr + block * stride_kb + kv_offs, mask=in_seq[:, None], other=0.0).to(tl.float32)
        v_offs = offs_t[:, None] * stride_vt + kv_head * stride_vh + offs_d[None, :] * stride_vd
        v = tl.load(v_cache_ptr + block * stride_vb + v_offs, mask=in_seq[:, None], other=0.0).to(tl.float32)
        s = tl.sum(q[:, None, :] * k[None, :, :], axis=2) * qk_scale  # (GROUP_PAD, BLOCK_SIZE), log2 units
        s = tl.where(in_seq[None, :], s, -float("inf"))
        m_next = tl.maximum(m, tl.max(s, axis=1))
        correction = tl.exp2(m - m_next)
        p = tl.exp2(s - m_next[:, None])
        denom = denom * correction + tl.sum(p, axis=1)
        acc = acc * correction[:, None] + tl.sum(p[:, :, None] * v[None, :, :], axis=1)
        m = m_next
    out = acc / denom[:, None]
    tl.store(
        out_ptr + seq * stride_os + heads[:, None] * stride_oh + offs_d[None, :] * stride_od,
        out.to(out_ptr.dtype.element_ty),
        mask=offs_g[:, None] < GROUP,
    )


def paged_attention_decode(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    num_seqs, n_heads, head_dim = q.shape
    n_kv_heads = k_cache.shape[2]
    scale = sm_scale if sm_scale is not None else 1.0 / math.sqrt(head_dim)
    out = torch.empty_like(q)
    group = n_heads // n_kv_heads
    paged_attention_kernel[(num_seqs, n_kv_heads)](
        out,
        q,
        k_cache,
        v_cache,
        block_tables,
        seq_lens,
        scale * 1.4426950408889634,
        *q.stride(),
        *k_cache.stride(),
        *v_cache.stride(),
        block_tables.stride(0),
        *out.stride(),
        GROUP=group,
        GROUP_PAD=triton.next_power_of_2(group),
        BLOCK_SIZE=k_cache.shape[1],
        HEAD_DIM=head_dim,
    )
    return out
