"""FlashAttention-2 forward: softmax(q k^T * sm_scale) v without materializing the score matrix.

Each program owns BLOCK_M query rows of one (batch, head) and keeps them on chip while it streams
K and V in blocks of BLOCK_N, keeping for each row a running max m_i and a running sum l_i of
exponentials (the online softmax):

    s      = q k_j^T * sm_scale                    scores of this block, masked to -inf outside
    m_new  = max(m_i, rowmax(s))
    p      = exp(s - m_new)
    alpha  = exp(m_i - m_new)                      how much the old terms shrink under the new max
    l_i    = alpha * l_i + rowsum(p)
    acc    = alpha * acc + p v_j
    m_i    = m_new

and divides once at the end, o = acc / l_i (FlashAttention-2's change from FA-1: no rescaling of
the output per block, and the outer loop over query blocks gives each program independent work).
Memory traffic is O(seq * head_dim) instead of the O(seq^2) of materialized scores. The exps are
exp2 with log2(e) folded into the scale (one multiply fewer; exp2 is the hardware instruction).

Causal (top-left aligned, as torch's is_causal: query i sees keys j <= i): key blocks that lie
wholly above the diagonal are never loaded (the loop stops at the query block's last row). The key
loop runs in two parts, as in the Triton tutorial: first the blocks that need no mask at all, then
the few that do (the blocks the diagonal crosses, and the last block when seq_k is not a multiple
of BLOCK_N, whose keys past seq_k get score -inf); query rows past seq_q are not stored.

Source: Dao 2023, "FlashAttention-2: Faster Attention with Better Parallelism and Work
Partitioning", Algorithm 1 (forward); Triton tutorial 06, "Fused Attention" (exp2, the
autotune space, the unmasked / masked split of the key loop). Limits: forward only; q (B, H, seq_q, D), k and v
(B, H, seq_k, D), any strides, no GQA / MQA (same H); D in {16, 32, 64, 128}; fp16 / bf16
(fp32 accepted, computed without TF32); fp32 softmax and accumulation; no dropout, no arbitrary mask.
"""

from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

from kernels._launch import FLOAT_DTYPES, check_device, check_dtype, check_ndim, use_autotune

HEAD_DIMS = (16, 32, 64, 128)
LOG2_E = 1.4426950408889634


@triton.jit
def _attend(
    acc,
    l_i,
    m_i,
    q,
    k_ptr,
    v_ptr,
    stride_kn,
    stride_kd,
    stride_vn,
    stride_vd,
    qk_scale,
    offs_m,
    offs_d,
    SEQ_K,
    lo,
    hi,
    BLOCK_N: tl.constexpr,
    MASKED: tl.constexpr,
    CAUSAL: tl.constexpr,
    INPUT_PRECISION: tl.constexpr,
):
    """The online-softmax update over the key blocks [lo, hi): the loop of FlashAttention-2's Algorithm 1.
    MASKED: the blocks may hold keys past SEQ_K or (causal) above the diagonal, so scores are masked;
    the others run without a single compare (most of the work: every block but the last / diagonal)."""
    offs_n = tl.arange(0, BLOCK_N)
    for start_n in range(lo, hi, BLOCK_N):
        cols = start_n + offs_n
        if MASKED:
            k = tl.load(
                k_ptr + cols[:, None] * stride_kn + offs_d[None, :] * stride_kd, mask=cols[:, None] < SEQ_K, other=0.0
            )
        else:
            k = tl.load(k_ptr + cols[:, None] * stride_kn + offs_d[None, :] * stride_kd)
        s = tl.dot(q, tl.trans(k), input_precision=INPUT_PRECISION) * qk_scale  # (BLOCK_M, BLOCK_N), fp32
        if MASKED:
            valid = cols[None, :] < SEQ_K
            if CAUSAL:
                valid = valid & (offs_m[:, None] >= cols[None, :])
            s = tl.where(valid, s, -float("inf"))
        # Key 0 is valid for every row and lies in the first block, so m_new is finite from
        # there on, and exp2(-inf - m_new) = 0 for masked scores and for the first alpha.
        m_new = tl.maximum(m_i, tl.max(s, axis=1))
        p = tl.exp2(s - m_new[:, None])
        alpha = tl.exp2(m_i - m_new)
        l_i = l_i * alpha + tl.sum(p, axis=1)
        if MASKED:
            v = tl.load(
                v_ptr + cols[:, None] * stride_vn + offs_d[None, :] * stride_vd, mask=cols[:, None] < SEQ_K, other=0.0
            )
        else:
            v = tl.load(v_ptr + cols[:, None] * stride_vn + offs_d[None, :] * stride_vd)
        # P is rounded to the input dtype for the tensor cores, as in FA-2.
        acc = tl.dot(p.to(v.dtype), v, acc * alpha[:, None], input_precision=INPUT_PRECISION)
        m_i = m_new
    return acc, l_i, m_i


@triton.jit
def _flash_attention_fwd_kernel(
    q_ptr,
    k_ptr,
    v_ptr,
    o_ptr,  # q, o (B, H, SEQ_Q, D); k, v (B, H, SEQ_K, D)
    qk_scale,  # sm_scale * log2(e): scores come out in log2 units, for exp2
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
    BLOCK_M: tl.constexpr,  # query rows per program (a multiple of BLOCK_N)
    BLOCK_N: tl.constexpr,  # keys per step of the inner loop
    CAUSAL: tl.constexpr,
    INPUT_PRECISION: tl.constexpr,  # tl.dot's precision for fp32 inputs ("ieee": no TF32)
):
    start_m = tl.program_id(axis=0)  # which block of queries
    off_bh = tl.program_id(axis=1)  # which (batch, head)
    off_b = (off_bh // H).to(tl.int64)  # 64-bit: B * H * seq * D can pass 2**31
    off_h = (off_bh % H).to(tl.int64)
    q_ptr += off_b * stride_qb + off_h * stride_qh
    k_ptr += off_b * stride_kb + off_h * stride_kh
    v_ptr += off_b * stride_vb + off_h * stride_vh
    o_ptr += off_b * stride_ob + off_h * stride_oh

    offs_m = start_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_d = tl.arange(0, HEAD_DIM)
    q = tl.load(
        q_ptr + offs_m[:, None] * stride_qm + offs_d[None, :] * stride_qd, mask=offs_m[:, None] < SEQ_Q, other=0.0
    )

    m_i = tl.full((BLOCK_M,), -float("inf"), dtype=tl.float32)  # running row max (log2 units)
    l_i = tl.zeros((BLOCK_M,), dtype=tl.float32)  # running sum of exp2(s - m_i)
    acc = tl.zeros((BLOCK_M, HEAD_DIM), dtype=tl.float32)  # running, unnormalized output

    # Key blocks [0, full) need no mask: wholly inside SEQ_K and (causal) wholly at or below the
    # diagonal for every row of this query block. [full, hi) are masked: the tail block past SEQ_K,
    # and (causal) the blocks the diagonal crosses. Causal blocks wholly above it are never visited.
    hi = SEQ_K
    if CAUSAL:
        hi = tl.minimum(SEQ_K, (start_m + 1) * BLOCK_M)
    full = (SEQ_K // BLOCK_N) * BLOCK_N
    if CAUSAL:
        full = tl.minimum(full, start_m * BLOCK_M)  # BLOCK_M is a multiple of BLOCK_N
    acc, l_i, m_i = _attend(
        acc,
        l_i,
        m_i,
        q,
        k_ptr,
        v_ptr,
        stride_kn,
        stride_kd,
        stride_vn,
        stride_vd,
        qk_scale,
        offs_m,
        offs_d,
        SEQ_K,
        0,
        full,
        BLOCK_N,
        False,
        CAUSAL,
        INPUT_PRECISION,
    )
    acc, l_i, m_i = _attend(
        acc,
        l_i,
        m_i,
        q,
        k_ptr,
        v_ptr,
        stride_kn,
        stride_kd,
        stride_vn,
        stride_vd,
        qk_scale,
        offs_m,
        offs_d,
        SEQ_K,
        full,
        hi,
        BLOCK_N,
        True,
        CAUSAL,
        INPUT_PRECISION,
    )

    out = acc / l_i[:, None]
    tl.store(
        o_ptr + offs_m[:, None] * stride_om + offs_d[None, :] * stride_od,
        out.to(o_ptr.dtype.element_ty),
        mask=offs_m[:, None] < SEQ_Q,
    )


def _config(block_m, block_n, num_stages, num_warps):
    return triton.Config({"BLOCK_M": block_m, "BLOCK_N": block_n}, num_stages=num_stages, num_warps=num_warps)


# A subset of tutorial 06's search space (BLOCK_M in {64, 128}, BLOCK_N in {32, 64, 128}).
CUDA_CONFIGS = [
    _config(128, 64, num_stages=3, num_warps=8),
    _config(128, 128, num_stages=3, num_warps=8),
    _config(128, 32, num_stages=3, num_warps=4),
    _config(64, 64, num_stages=3, num_warps=4),
    _config(64, 32, num_stages=4, num_warps=4),
]
# Under the interpreter: small blocks, so short test sequences span several blocks of both kinds.
INTERPRETER_CONFIG = {"BLOCK_M": 32, "BLOCK_N": 16}

_flash_attention_fwd_kernel_autotuned = triton.autotune(
    configs=CUDA_CONFIGS, key=["SEQ_Q", "SEQ_K", "HEAD_DIM", "CAUSAL"]
)(_flash_attention_fwd_kernel)


def flash_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False, sm_scale: float | None = None
) -> torch.Tensor:
    """softmax(q @ k^T * sm_scale [+ causal mask]) @ v for (batch, heads, seq, head_dim) tensors."""
    check_ndim(q, "q", 4, "(batch, heads, seq_q, head_dim)")
    check_ndim(k, "k", 4, "(batch, heads, seq_k, head_dim)")
    check_ndim(v, "v", 4, "(batch, heads, seq_k, head_dim)")
    B, H, seq_q, head_dim = q.shape
    if k.shape != v.shape or k.shape[:2] != (B, H) or k.shape[3] != head_dim:
        raise ValueError(
            f"shapes do not match: q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}; "
            "expected k and v (batch, heads, seq_k, head_dim) with q's batch, heads and head_dim"
        )
    if head_dim not in HEAD_DIMS:
        raise ValueError(f"head_dim is {head_dim}; this kernel takes one of {HEAD_DIMS}")
    seq_k = k.shape[2]
    if B * H > 65535:  # the grid's second axis holds (batch, head); CUDA caps it at 65535
        raise ValueError(f"batch * heads is {B * H}; this kernel takes at most 65535")
    if seq_k == 0:
        raise ValueError(f"k and v have no positions (k {tuple(k.shape)}): softmax over nothing is undefined")
    check_dtype(q, "q", FLOAT_DTYPES)
    if not q.dtype == k.dtype == v.dtype:
        raise ValueError(f"q, k and v must share a dtype, got {q.dtype}, {k.dtype}, {v.dtype}")
    check_device(q, k, v, names=("q", "k", "v"))
    if sm_scale is None:
        sm_scale = 1.0 / math.sqrt(head_dim)
    o = torch.empty_like(q, memory_format=torch.contiguous_format)
    if o.numel() == 0:
        return o
    args = (q, k, v, o, sm_scale * LOG2_E, *q.stride(), *k.stride(), *v.stride(), *o.stride(), H, seq_q, seq_k)
    precision = "ieee" if q.dtype == torch.float32 else "tf32"  # the latter is ignored for 16-bit inputs

    def grid(meta):
        return (triton.cdiv(seq_q, meta["BLOCK_M"]), B * H)

    if use_autotune(q.device):
        _flash_attention_fwd_kernel_autotuned[grid](
            *args, HEAD_DIM=head_dim, CAUSAL=bool(causal), INPUT_PRECISION=precision
        )
    else:
        _flash_attention_fwd_kernel[grid](
            *args, HEAD_DIM=head_dim, CAUSAL=bool(causal), INPUT_PRECISION=precision, **INTERPRETER_CONFIG, num_warps=4
        )
    return o
