"""Paged-attention decode: one new query token per sequence, attending to its K/V cache through a block table.

The cache is vLLM's paged layout (reference_impls/torch/paged_kv.py): k_cache and v_cache are
(num_blocks, block_size, n_kv_heads, head_dim) physical blocks; sequence s owns the blocks listed in
block_tables[s] (logical block j of the sequence is physical block block_tables[s, j]), and its
token t lives in slot t % block_size of block block_tables[s, t // block_size]. Entries past a
sequence's last block are padding and never read; the last block is only partly filled (slots past
seq_lens[s] hold stale data from an earlier owner) and its tail is masked.

One program per (sequence, query head) walks the sequence's logical blocks in order, loading one
physical block of keys and values at a time, and keeps an online softmax (as flash_attention.py):

    s      = k_block . q * sm_scale           (block_size,), -inf past seq_len
    m_new  = max(m, max(s));  alpha = exp(m - m_new);  p = exp(s - m_new)
    l      = alpha * l + sum(p);  acc = alpha * acc + p @ v_block;  m = m_new

and writes acc / l. Sequences of any lengths share one launch (the grid is num_seqs x n_heads; a
program's loop runs over its own sequence's cdiv(seq_len, block_size) blocks). Grouped-query
attention: query head h reads kv head h // (n_heads // n_kv_heads).

Source: Kwon et al. 2023, "Efficient Memory Management for Large Language Model Serving with
PagedAttention" (vLLM's paged_attention_v1 kernel: one thread block per (head, sequence), keys read
block by block through the block table); the online softmax of Milakov & Gimelshein 2018.
Limits: decode only (one query per sequence; prefill wants flash_attention.py), no partitioning of
long sequences across programs (vLLM's v2), block_size and head_dim powers of two, fp32 softmax and
accumulation, every seq_len >= 1.
"""

from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

from kernels._launch import FLOAT_DTYPES, check_device, check_dtype, check_ndim


@triton.jit
def _paged_attention_decode_kernel(
    out_ptr,  # (num_seqs, n_heads, head_dim)
    q_ptr,  # (num_seqs, n_heads, head_dim)
    k_cache_ptr,  # (num_blocks, block_size, n_kv_heads, head_dim)
    v_cache_ptr,
    block_tables_ptr,  # (num_seqs, max_blocks) int32
    seq_lens_ptr,  # (num_seqs,) int32
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
    stride_bt,  # elements between two rows of the block table
    stride_os,
    stride_oh,
    stride_od,
    QUERIES_PER_KV: tl.constexpr,  # n_heads // n_kv_heads
    BLOCK_SIZE: tl.constexpr,  # tokens per physical block
    HEAD_DIM: tl.constexpr,
):
    seq = tl.program_id(axis=0)
    head = tl.program_id(axis=1)
    kv_head = head // QUERIES_PER_KV
    seq_len = tl.load(seq_lens_ptr + seq)

    offs_d = tl.arange(0, HEAD_DIM)
    offs_t = tl.arange(0, BLOCK_SIZE)
    q = tl.load(q_ptr + seq * stride_qs + head * stride_qh + offs_d * stride_qd).to(tl.float32)

    m_i = tl.full([], -float("inf"), dtype=tl.float32)  # running max of the scores
    l_i = tl.full([], 0.0, dtype=tl.float32)  # running sum of exp(s - m_i)
    acc = tl.zeros((HEAD_DIM,), dtype=tl.float32)
    for j in range(tl.cdiv(seq_len, BLOCK_SIZE)):
        # 64-bit: num_blocks * block_size * heads * head_dim can pass 2**31 elements.
        physical = tl.load(block_tables_ptr + seq * stride_bt + j).to(tl.int64)
        valid = j * BLOCK_SIZE + offs_t < seq_len  # the last block's stale slots are never read
        k = tl.load(
            k_cache_ptr
            + physical * stride_kb
            + offs_t[:, None] * stride_kt
            + kv_head * stride_kh
            + offs_d[None, :] * stride_kd,
            mask=valid[:, None],
            other=0.0,
        ).to(tl.float32)
        s = tl.sum(k * q[None, :], axis=1) * sm_scale  # (BLOCK_SIZE,)
        s = tl.where(valid, s, -float("inf"))
        # Block 0 holds token 0, so m_new is finite from the first block on, and exp(-inf - m_new) = 0.
        m_new = tl.maximum(m_i, tl.max(s, axis=0))
        alpha = tl.exp(m_i - m_new)
        p = tl.exp(s - m_new)
        v = tl.load(
            v_cache_ptr
            + physical * stride_vb
            + offs_t[:, None] * stride_vt
            + kv_head * stride_vh
            + offs_d[None, :] * stride_vd,
            mask=valid[:, None],
            other=0.0,
        ).to(tl.float32)
        l_i = l_i * alpha + tl.sum(p, axis=0)
        acc = acc * alpha + tl.sum(p[:, None] * v, axis=0)
        m_i = m_new

    out = acc / l_i
    tl.store(out_ptr + seq * stride_os + head * stride_oh + offs_d * stride_od, out.to(out_ptr.dtype.element_ty))


def _is_power_of_two(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


def paged_attention_decode(
    q: torch.Tensor,
    k_cache: torch.Tensor,
    v_cache: torch.Tensor,
    block_tables: torch.Tensor,
    seq_lens: torch.Tensor,
    sm_scale: float | None = None,
) -> torch.Tensor:
    """softmax(q . K^T * sm_scale) V per sequence and head, K and V read through block tables.

    q (num_seqs, n_heads, head_dim); k_cache, v_cache (num_blocks, block_size, n_kv_heads, head_dim);
    block_tables (num_seqs, max_blocks) int32; seq_lens (num_seqs,) int32, each in [1, max_blocks *
    block_size]. Returns (num_seqs, n_heads, head_dim) in q's dtype."""
    check_ndim(q, "q", 3, "(num_seqs, n_heads, head_dim)")
    check_ndim(k_cache, "k_cache", 4, "(num_blocks, block_size, n_kv_heads, head_dim)")
    check_ndim(block_tables, "block_tables", 2, "(num_seqs, max_blocks)")
    check_ndim(seq_lens, "seq_lens", 1, "(num_seqs,)")
    num_seqs, n_heads, head_dim = q.shape
    _, block_size, n_kv_heads, _ = k_cache.shape
    if v_cache.shape != k_cache.shape or k_cache.shape[3] != head_dim:
        raise ValueError(
            f"shapes do not match: q {tuple(q.shape)}, k_cache {tuple(k_cache.shape)}, v_cache "
            f"{tuple(v_cache.shape)}; expected caches (num_blocks, block_size, n_kv_heads, head_dim) with q's head_dim"
        )
    if n_heads % n_kv_heads:
        raise ValueError(f"n_heads ({n_heads}) must be a multiple of n_kv_heads ({n_kv_heads})")
    if block_tables.shape[0] != num_seqs or seq_lens.shape[0] != num_seqs:
        raise ValueError(
            f"block_tables {tuple(block_tables.shape)} and seq_lens {tuple(seq_lens.shape)} need one row per "
            f"sequence of q ({num_seqs})"
        )
    if not (_is_power_of_two(block_size) and _is_power_of_two(head_dim)):
        raise ValueError(f"block_size ({block_size}) and head_dim ({head_dim}) must be powers of two")
    check_dtype(q, "q", FLOAT_DTYPES)
    check_dtype(block_tables, "block_tables", (torch.int32,))
    check_dtype(seq_lens, "seq_lens", (torch.int32,))
    if not q.dtype == k_cache.dtype == v_cache.dtype:
        raise ValueError(f"q and the caches must share a dtype, got {q.dtype}, {k_cache.dtype}, {v_cache.dtype}")
    check_device(
        q, k_cache, v_cache, block_tables, seq_lens, names=("q", "k_cache", "v_cache", "block_tables", "seq_lens")
    )
    if block_tables.stride(1) != 1 and block_tables.shape[1] > 1:
        raise ValueError("block_tables' rows must be contiguous; call .contiguous() first")
    if sm_scale is None:
        sm_scale = 1.0 / math.sqrt(head_dim)
    out = torch.empty((num_seqs, n_heads, head_dim), dtype=q.dtype, device=q.device)
    if num_seqs == 0:
        return out
    _paged_attention_decode_kernel[(num_seqs, n_heads)](
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
        QUERIES_PER_KV=n_heads // n_kv_heads,
        BLOCK_SIZE=block_size,
        HEAD_DIM=head_dim,
        num_warps=4,
    )
    return out
