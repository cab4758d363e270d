"""Wrong: the block table's rows stepped by its shape[1] (max_blocks) instead of its stride(0): wrong for a
column slice of a wider table, whose rows lie further apart."""

import math

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "an address was built from a shape instead of a stride"
INTERPRETER_ONLY = (  # what the registry test skips where kernels run compiled
    "on a GPU the row read at the wrong offset finds a -1 padding entry and reads before the cache: wrong values "
    "or a fault, but nothing names the table's stride"
)


@triton.jit
def paged_attention_v1_kernel(
    out_ptr,
    q_ptr,
    k_cache_ptr,
    v_cache_ptr,
    head_mapping_ptr,
    block_tables_ptr,
    context_lens_ptr,
    scale,
    q_stride_s,
    q_stride_h,
    q_stride_d,
    kv_stride_b,
    kv_stride_t,
    kv_stride_h,
    kv_stride_d,
    vc_stride_b,
    vc_stride_t,
    vc_stride_h,
    vc_stride_d,
    max_num_blocks_per_seq,
    o_stride_s,
    o_stride_h,
    o_stride_d,
    BLOCK_SIZE: tl.constexpr,
    HEAD_SIZE: tl.constexpr,
):
    seq_idx = tl.program_id(0)
    head_idx = tl.program_id(1)
    kv_head_idx = tl.load(head_mapping_ptr + head_idx)
    context_len = tl.load(context_lens_ptr + seq_idx)
    offs_d = tl.arange(0, HEAD_SIZE)
    offs_t = tl.arange(0, BLOCK_SIZE)
    q = tl.load(q_ptr + seq_idx * q_stride_s + head_idx * q_stride_h + offs_d * q_stride_d).to(tl.float32)
    q = q * scale
    qk_max = -float("inf")
    exp_sum = 0.0
    acc = tl.zeros([HEAD_SIZE], dtype=tl.float32)
    num_blocks = tl.cdiv(context_len, BLOCK_SIZE)
    for block_idx in range(num_blocks):
        physical_block_number = tl.load(block_tables_ptr + seq_idx * max_num_blocks_per_seq + block_idx).to(tl.int64)
        token_idx = block_idx * BLOCK_SIZE + offs_t
        valid = token_idx < context_len
        k_ptrs = (
            k_cache_ptr
            + physical_block_number * kv_stride_b
            + offs_t[:, None] * kv_stride_t
            + kv_head_idx * kv_stride_h
            + offs_d[None, :] * kv_stride_d
        )
        k = tl.load(k_ptrs, mask=valid[:, None], other=0.0).to(tl.float32)
        qk = tl.sum(k * q[None, :], axis=1)
        qk = tl.where(valid, qk, float("-inf"))
        new_max = tl.maximum(qk_max, tl.max(qk, axis=0))
        exp_qk = tl.exp(qk - new_max)
        rescale = tl.exp(qk_max - new_max)
        v_ptrs = (
            v_cache_ptr
            + physical_block_number * vc_stride_b
            + offs_t[:, None] * vc_stride_t
            + kv_head_idx * vc_stride_h
            + offs_d[None, :] * vc_stride_d
        )
        v = tl.load(v_ptrs, mask=valid[:, None], other=0.0).to(tl.float32)
        acc = acc * rescale + tl.sum(exp_qk[:, None] * v, axis=0)
        exp_sum = exp_sum * rescale + tl.sum(exp_qk, axis=0)
        qk_max = new_max
    out = acc / exp_sum
    tl.store(
        out_ptr + seq_idx * o_stride_s + head_idx * o_stride_h + offs_d * o_stride_d, out.to(out_ptr.dtype.element_ty)
    )


def paged_attention_decode(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    num_seqs, num_heads, head_size = q.shape
    num_kv_heads = k_cache.shape[2]
    block_size = k_cache.shape[1]
    scale = sm_scale if sm_scale is not None else 1.0 / math.sqrt(head_size)
    num_queries_per_kv = num_heads // num_kv_heads
    head_mapping = torch.repeat_interleave(
        torch.arange(num_kv_heads, dtype=torch.int32, device=q.device), num_queries_per_kv
    )
    out = torch.empty_like(q)
    grid = (num_seqs, num_heads)
    paged_attention_v1_kernel[grid](
        out,
        q,
        k_cache,
        v_cache,
        head_mapping,
        block_tables,
        seq_lens,
        scale,
        q.stride(0),
        q.stride(1),
        q.stride(2),
        k_cache.stride(0),
        k_cache.stride(1),
        k_cache.stride(2),
        k_cache.stride(3),
        v_cache.stride(0),
        v_cache.stride(1),
        v_cache.stride(2),
        v_cache.stride(3),
        block_tables.shape[1],  # the mistake: block_tables.stride(0)
        out.stride(0),
        out.stride(1),
        out.stride(2),
        BLOCK_SIZE=block_size,
        HEAD_SIZE=head_size,
    )
    return out
