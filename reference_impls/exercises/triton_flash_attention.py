"""Exercise: FlashAttention's forward pass in Triton: tiles of queries, an online softmax over key blocks."""

import math

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

SCAFFOLD = """
@triton.jit
def flash_attention_kernel(
    q_ptr, k_ptr, v_ptr, o_ptr,  # q, o (B, H, SEQ_Q, D); k, v (B, H, SEQ_K, D)
    sm_scale,
    stride_qb, stride_qh, stride_qm, stride_qd,  # q.stride(): any layout, e.g. a (B, S, H, D) tensor transposed
    stride_kb, stride_kh, stride_kn, stride_kd,
    stride_vb, stride_vh, stride_vn, stride_vd,
    stride_ob, stride_oh, stride_om, stride_od,
    H, SEQ_Q, SEQ_K,
    HEAD_DIM: tl.constexpr,  # 16, 32, 64 or 128
    BLOCK_M: tl.constexpr,  # query rows per program
    BLOCK_N: tl.constexpr,  # keys per step of the loop
    CAUSAL: tl.constexpr,
):
    # TODO: start_m = tl.program_id(0) (which block of queries), off_bh = tl.program_id(1) -> (b, h);
    #       move the four pointers to their (b, h); load the (BLOCK_M, HEAD_DIM) queries, rows past SEQ_Q masked
    # TODO: m_i = -inf, l_i = 0 (BLOCK_M,) and acc = 0 (BLOCK_M, HEAD_DIM), all float32
    # TODO: for start_n in range(0, hi, BLOCK_N), hi = SEQ_K (causal: only up to the last row of this query
    #       block): load K and V blocks (masked past SEQ_K); s = q @ k^T * sm_scale (tl.dot);
    #       s = -inf where the key is past SEQ_K or, causal, where key > query
    # TODO: m_new = max(m_i, rowmax(s)); alpha = exp(m_i - m_new); p = exp(s - m_new);
    #       l_i = alpha * l_i + rowsum(p); acc = alpha[:, None] * acc + p @ v; m_i = m_new
    # TODO: store acc / l_i[:, None] in o's dtype, rows past SEQ_Q masked
    pass
"""

TASK = """FlashAttention's forward pass (Dao et al. 2022, FlashAttention-2 2023): softmax(q k^T * sm_scale) v without
ever writing the (seq_q, seq_k) score matrix to memory.

o[b, h] = softmax(q[b, h] @ k[b, h]^T * sm_scale) @ v[b, h], sm_scale = 1 / sqrt(head_dim) unless given.
Causal (as torch's is_causal, top-left aligned): query i attends to keys j <= i only. The causal checks
have seq_q == seq_k, where the top-left and bottom-right conventions agree.

1. The kernel, flash_attention_kernel: one program per (block of BLOCK_M queries, batch * head),
   grid = (cdiv(seq_q, BLOCK_M), B * H). It keeps its queries on chip and streams K and V in blocks
   of BLOCK_N keys, with an online softmax per query row: a running max m_i, a running sum l_i of
   exp(s - m_i) and an unnormalized output acc. For each key block:
       s = q @ k_block^T * sm_scale             (tl.dot, float32), -inf where masked
       m_new = max(m_i, rowmax(s)); alpha = exp(m_i - m_new); p = exp(s - m_new)
       l_i = alpha * l_i + rowsum(p);  acc = alpha[:, None] * acc + p @ v_block;  m_i = m_new
   When a block raises the max, everything summed so far was weighted against the old max: both
   l_i and acc must shrink by alpha. Divide once at the end: o = acc / l_i[:, None].
   Masks: keys past seq_k (the last block is partly outside) get s = -inf, so exp gives 0; rows past
   seq_q are neither loaded nor stored. Causal: s = -inf where key > query; the blocks wholly above
   the diagonal need not be visited at all (that is half the work saved), and only the blocks the
   diagonal crosses need the mask, but the mask must use the blocks' global positions
   (start_n + tl.arange(0, BLOCK_N)), not the offsets inside a block. Apply sm_scale once (to the
   scores, or to q before the loop, not both; with tl.exp2, fold log2(e) into the scale).
2. The launcher, flash_attention(q, k, v, causal=False, sm_scale=None): q (B, H, seq_q, D), k and v
   (B, H, seq_k, D), one dtype (float32 or float16), any strides, D in {16, 32, 64, 128};
   o = torch.empty((B, H, seq_q, D), dtype=q.dtype, device=q.device); launch; return o. For float32
   inputs on a GPU pass input_precision="ieee" to tl.dot (TF32 is off by ~1e-3).

The checks: seq 21, 37, 40, 45 and 70 (not multiples of any block), 17 queries on 50 keys and 50 on 17, one query
and one key, 32 (whole blocks), batch 2 x 2 heads, float16, scores near +-100, sm_scale 0.5, a
(B, S, H, D) and a (B, H, D, S) tensor viewed as (B, H, S, D); causal and not; against torch's scaled_dot_product_attention
in float64.
"""


def _qkv_case(name, seed, note, shape_q, seq_k, dtype, causal, scale=1.0, **extra):
    rng = seeded(seed)
    b, h, seq_q, d = shape_q
    return case(
        name,
        seed,
        note,
        q=(rng.standard_normal((b, h, seq_q, d)) * scale).astype(dtype),
        k=(rng.standard_normal((b, h, seq_k, d)) * scale).astype(dtype),
        v=rng.standard_normal((b, h, seq_k, d)).astype(dtype),
        causal=causal,
        **extra,
    )


def attention_cases():
    yield _qkv_case(
        "b2h2_seq21_full",
        68000,
        "batch 2, 2 heads, 21 positions: not a multiple of BLOCK_M or BLOCK_N (the last blocks are partly outside)",
        (2, 2, 21, 16),
        21,
        "float32",
        False,
    )
    yield _qkv_case(
        "h2_seq45_causal",
        68001,
        "causal, 45 positions: the diagonal crosses several blocks, the last ones partly outside",
        (1, 2, 45, 16),
        45,
        "float32",
        True,
    )
    for causal in (False, True):
        yield _qkv_case(
            f"one_query_one_key_{'causal' if causal else 'full'}",
            68002 + causal,
            "one query and one key: the output is v",
            (1, 1, 1, 16),
            1,
            "float32",
            causal,
        )
    yield _qkv_case(
        "float16_seq70_causal",
        68004,
        "float16 in and out, the softmax and acc in float32; head_dim 32",
        (1, 1, 70, 32),
        70,
        "float16",
        True,
    )
    yield _qkv_case(
        "float16_seq40_full",
        68005,
        "float16 in and out, not causal",
        (1, 1, 40, 32),
        40,
        "float16",
        False,
    )
    yield _qkv_case(
        "seq32_whole_blocks_causal",
        68006,
        "32 positions: whole blocks for BLOCK sizes up to 32",
        (1, 1, 32, 16),
        32,
        "float32",
        True,
    )
    yield _qkv_case(
        "17_queries_50_keys",
        68007,
        "fewer queries than keys (cross-attention), not causal",
        (1, 2, 17, 32),
        50,
        "float32",
        False,
    )
    yield _qkv_case(
        "50_queries_17_keys",
        68008,
        "more queries than keys, not causal: several query blocks, one key block",
        (1, 1, 50, 16),
        17,
        "float32",
        False,
    )
    for causal in (False, True):
        yield _qkv_case(
            "large_scores" + ("_causal" if causal else ""),
            68009 + causal,
            "scores near +-100: exp overflows without the running max, and a missing rescale is far off",
            (1, 1, 40, 16),
            40,
            "float32",
            causal,
            scale=4.0,
        )
    yield _qkv_case(
        "sm_scale_0.5",
        68011,
        "sm_scale = 0.5 given: use it instead of 1 / sqrt(head_dim)",
        (1, 2, 20, 16),
        20,
        "float32",
        False,
        sm_scale=0.5,
    )
    yield _qkv_case(
        "bshd_view_causal",
        68012,
        "q, k, v are (B, S, H, D) tensors viewed as (B, H, S, D) (.transpose(1, 2)): address them through "
        "their strides",
        (1, 2, 37, 16),
        37,
        "float32",
        True,
        bshd=True,
    )
    yield _qkv_case(
        "bhds_view_20_queries_37_keys",
        68013,
        "q, k, v stored (B, H, D, S), head_dim outermost (as K^T is kept for q @ K^T), viewed as (B, H, S, D) "
        "(.transpose(-1, -2)): their stride along head_dim is the sequence length, not 1",
        (1, 1, 20, 16),
        37,
        "float32",
        False,
        bhds=True,
    )


def _attention_call():
    """kernel_call("flash_attention"); a case with bshd=True (bhds=True) passes q, k, v as (B, H, S, D) views of
    (B, S, H, D) ((B, H, D, S)) memory, made here, after the engine's deep copy of the inputs."""
    run = kernel_call("flash_attention")

    def call(impl, q, k, v, causal=False, sm_scale=None, bshd=False, bhds=False):
        if bshd:
            # The arrays are generated as (B, H, S, D); lay them out as (B, S, H, D) in memory, then view them back.
            q, k, v = (np.ascontiguousarray(np.swapaxes(t, 1, 2)).swapaxes(1, 2) for t in (q, k, v))
        if bhds:  # laid out as (B, H, D, S)
            q, k, v = (np.ascontiguousarray(np.swapaxes(t, 2, 3)).swapaxes(2, 3) for t in (q, k, v))
        kwargs = {"causal": causal} if sm_scale is None else {"causal": causal, "sm_scale": sm_scale}
        return run(impl, q=q, k=k, v=v, **kwargs)

    return call


# -- known mistakes: the attention that each mistaken kernel computes (numpy, float64) ----------------------


def _inputs(case):
    kw = case.kwargs
    q, k, v = (np.asarray(kw[n], np.float64) for n in ("q", "k", "v"))
    scale = kw.get("sm_scale") or 1.0 / math.sqrt(q.shape[-1])
    return q, k, v, scale, bool(kw.get("causal"))


def _masked_softmax_attention(q, k, v, scale, allowed):
    """softmax over the allowed keys (allowed: (seq_q, seq_k) bool) of q k^T * scale, times v."""
    s = np.where(allowed, q @ np.swapaxes(k, -1, -2) * scale, -np.inf)
    with np.errstate(invalid="ignore", over="ignore"):
        p = np.exp(s - s.max(-1, keepdims=True))
        return p @ v / p.sum(-1, keepdims=True)


def _online(q, k, v, scale, causal, block_n, rescale_l=True, rescale_acc=True, tail_zero=False, start=(-np.inf, 0.0)):
    """The key loop of the kernel, block by block, with a rescale left out, the tail scored 0 instead of -inf, or
    the running (max, sum) started elsewhere than (-inf, 0)."""
    seq_q, seq_k = q.shape[-2], k.shape[-2]
    padded = -(-seq_k // block_n) * block_n if tail_zero else seq_k
    k = np.concatenate([k, np.zeros((*k.shape[:-2], padded - seq_k, k.shape[-1]))], axis=-2)
    v = np.concatenate([v, np.zeros((*v.shape[:-2], padded - seq_k, v.shape[-1]))], axis=-2)
    rows, cols = np.arange(seq_q)[:, None], np.arange(padded)[None, :]
    allowed = cols <= rows if causal else np.ones((seq_q, padded), bool)  # the padded keys: only with tail_zero
    m = np.full(q.shape[:-1], start[0])
    l_sum = np.full(q.shape[:-1], start[1])
    acc = np.zeros(q.shape)
    with np.errstate(invalid="ignore", over="ignore"):
        for first in range(0, padded, block_n):
            sl = slice(first, first + block_n)
            s = np.where(allowed[:, sl], q @ np.swapaxes(k[..., sl, :], -1, -2) * scale, -np.inf)
            m_new = np.maximum(m, s.max(-1))
            alpha = np.where(np.isneginf(m_new), 1.0, np.exp(m - m_new))
            p = np.exp(s - m_new[..., None])
            l_sum = (alpha if rescale_l else 1.0) * l_sum + p.sum(-1)
            acc = (alpha[..., None] if rescale_acc else 1.0) * acc + p @ v[..., sl, :]
            m = m_new
        return acc / l_sum[..., None]


BLOCKS = (16, 32, 64, 128)


def _close(actual, candidate) -> bool:
    if not isinstance(actual, np.ndarray) or actual.shape != candidate.shape:
        return False
    return bool(np.allclose(actual.astype(np.float64), candidate, rtol=1e-2, atol=1e-2, equal_nan=True))


def _differs(expected, candidate) -> bool:
    return not np.allclose(expected.astype(np.float64), candidate, rtol=1e-3, atol=1e-3, equal_nan=True)


def _matches_blockwise(**mistake):
    """A probe's `when`: the output is the block loop's with `mistake`, for some BLOCK_N in 16 ... 128."""

    def when(case, actual, expected) -> bool:
        q, k, v, scale, causal = _inputs(case)
        for block_n in BLOCKS:
            if block_n >= 2 * k.shape[-2] and block_n > BLOCKS[0]:
                break
            candidate = _online(q, k, v, scale, causal, block_n, **mistake)
            if _differs(expected, candidate) and _close(actual, candidate):
                return True
        return False

    return when


def _causal_blocks(kind):
    """A probe's `when`: causal attention whose mask covers the wrong keys, for some BLOCK_M (and BLOCK_N):
    "diagonal_unmasked": the blocks the diagonal crosses are not masked (keys up to the query block's end seen);
    "only_diagonal": the loop runs over every key block, the mask only on the diagonal block;
    "local_offsets": the mask compares the query's row with the key's offset inside its block."""

    def when(case, actual, expected) -> bool:
        q, k, v, scale, causal = _inputs(case)
        if not causal:
            return False
        seq_q, seq_k = q.shape[-2], k.shape[-2]
        i, j = np.arange(seq_q)[:, None], np.arange(seq_k)[None, :]
        for block_m in BLOCKS:
            end = (i // block_m + 1) * block_m  # the end of query i's block: the causal loop's bound
            if kind == "diagonal_unmasked":
                masks = [j < end]
            elif kind == "diagonal_block_only":
                masks = [(j <= i) & (j >= end - block_m)]
            elif kind == "only_diagonal":
                masks = [(j <= i) | (j >= end)]
            else:
                masks = [(j < end) & (i >= j % block_n) for block_n in BLOCKS if block_n <= block_m]
            for allowed in masks:
                candidate = _masked_softmax_attention(q, k, v, scale, allowed)
                if _differs(expected, candidate) and _close(actual, candidate):
                    return True
            if block_m >= 2 * seq_q:
                break
        return False

    return when


def _all_nan(case, actual, expected) -> bool:
    """Every output element nan where the reference is finite: the online softmax itself broke."""
    return (
        isinstance(actual, np.ndarray)
        and actual.shape == expected.shape
        and actual.size > 0
        and bool(np.isnan(actual).all())
        and bool(np.isfinite(expected).all())
    )


def _with_scale(factor=None, fixed=None):
    """The attention with the scale multiplied by `factor` (or replaced by `fixed`)."""

    def run(q, k, v, causal=False, sm_scale=None):
        import torch.nn.functional as F

        scale = sm_scale if sm_scale is not None else 1.0 / math.sqrt(q.shape[-1])
        scale = fixed if fixed is not None else scale * factor(scale)
        out = F.scaled_dot_product_attention(q.double(), k.double(), v.double(), is_causal=causal, scale=scale)
        return out.to(q.dtype)

    return run


def _not_causal(q, k, v, causal=False, sm_scale=None):
    import torch.nn.functional as F

    return F.scaled_dot_product_attention(q.double(), k.double(), v.double(), scale=sm_scale).to(q.dtype)


def _strict_causal(q, k, v, causal=False, sm_scale=None):
    """key < query instead of <=: query 0 sees no key (0 / 0 = nan)."""
    import torch

    scale = sm_scale if sm_scale is not None else 1.0 / math.sqrt(q.shape[-1])
    s = q.double() @ k.double().transpose(-1, -2) * scale
    if causal:
        s = s.masked_fill(torch.ones_like(s, dtype=torch.bool).tril(-1).logical_not(), -math.inf)
    return (torch.softmax(s, dim=-1) @ v.double()).to(q.dtype)


def _bench_inputs(device, seed):
    import torch

    g = torch.Generator(device=device).manual_seed(seed)
    shape = (4, 16, 2048, 64)
    q, k, v = (torch.randn(shape, generator=g, device=device, dtype=torch.float16) for _ in range(3))
    return q, k, v, True


def _torch_attention(q, k, v, causal=False, sm_scale=None):
    import torch.nn.functional as F

    return F.scaled_dot_product_attention(q, k, v, is_causal=causal, scale=sm_scale)


def _flops(q, k, v, causal=False, sm_scale=None):
    b, h, seq_q, d = q.shape
    full = 4 * b * h * seq_q * k.shape[2] * d  # two matmuls of 2 * seq_q * seq_k * d each
    return full // 2 if causal else full


EXERCISE = Exercise.of(
    info("triton_flash_attention"),
    preamble=PREAMBLE + "import math\n",
    scaffold=SCAFFOLD,
    task=TASK,
    entry_points=(
        EntryPoint(
            "flash_attention",
            "(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False, "
            "sm_scale: float | None = None) -> torch.Tensor",
            "softmax(q @ k^T * sm_scale [causal: keys j <= query i]) @ v for q (B, H, seq_q, D), k and v "
            "(B, H, seq_k, D), by launching flash_attention_kernel; (B, H, seq_q, D) in q's dtype.\n\n"
            "Grid: one program per (block of BLOCK_M queries, batch * head), grid = (cdiv(seq_q, BLOCK_M), B * H)",
        ),
    ),
    checks=(
        Check(
            "attention",
            "flash_attention",
            attention_cases,
            call=_attention_call(),
            tolerance={"float32": (2e-5, 2e-5), "float16": (2e-3, 2e-3)},
            description="seq 21 / 37 / 40 / 45 / 70 / 32, 17 x 50 and 50 x 17, 1 x 1, batch 2 x 2 heads, float16, scores near "
            "+-100, sm_scale 0.5, (B, S, H, D) and (B, H, D, S) views; causal and not; against torch's SDPA in float64",
        ),
    ),
    probes=(
        Probe(
            "the running sum l_i is not rescaled when the max grows: l_i = l_i * alpha + rowsum(p), with alpha = "
            "exp(m_old - m_new)",
            when=_matches_blockwise(rescale_l=False),
        ),
        Probe(
            "the accumulator is not rescaled when the max grows: acc = acc * alpha[:, None] + p @ v, with alpha = "
            "exp(m_old - m_new), as for l_i",
            when=_matches_blockwise(rescale_acc=False),
        ),
        Probe(
            "neither l_i nor acc is rescaled when the running max grows: multiply both by alpha = exp(m_old - m_new) "
            "before adding the new block's terms",
            when=_matches_blockwise(rescale_l=False, rescale_acc=False),
        ),
        Probe(
            "the keys past seq_k in the last block count with score 0 (loaded as 0, not masked): set their "
            "scores to -inf, s = tl.where(start_n + offs_n < SEQ_K, s, -float('inf')), so that exp gives 0",
            when=_matches_blockwise(tail_zero=True),
        ),
        Probe(
            "causal: the blocks the diagonal crosses are not masked, so queries see later keys of their own block; "
            "mask s = -inf where start_n + offs_n > offs_m in those blocks",
            when=_causal_blocks("diagonal_unmasked"),
        ),
        Probe(
            "causal: the key blocks above the diagonal are attended: the mask is applied only on the diagonal "
            "block; stop the key loop at the query block's last row ((start_m + 1) * BLOCK_M), or mask every block",
            when=_causal_blocks("only_diagonal"),
        ),
        Probe(
            "causal: the mask compares the query row with the key's offset inside its block; compare global "
            "positions, offs_m[:, None] >= (start_n + offs_n)[None, :]",
            when=_causal_blocks("local_offsets"),
        ),
        Probe(
            "causal=True was ignored: mask the scores where key > query (top-left aligned, as torch's is_causal)",
            impl={"flash_attention": _not_causal},
        ),
        Probe(
            "causal masks the diagonal too: query i sees key i itself, keep keys j <= i (mask j > i only)",
            impl={"flash_attention": _strict_causal},
        ),
        Probe(
            "sm_scale applied twice (to q and to the scores, or squared): apply it once",
            impl={"flash_attention": _with_scale(factor=lambda s: s)},
        ),
        Probe(
            "no sm_scale on the scores: multiply q k^T by sm_scale (default 1 / math.sqrt(head_dim))",
            impl={"flash_attention": _with_scale(fixed=1.0)},
        ),
        Probe(
            "tl.exp2 without log2(e) in the scale: exp2(x) = exp(x * ln 2); multiply sm_scale by "
            "1.4426950408889634 when using exp2 (or use tl.exp)",
            impl={"flash_attention": _with_scale(factor=lambda s: math.log(2))},
        ),
        Probe(
            "log2(e) folded into the scale but tl.exp used: either tl.exp2 with sm_scale * log2(e), or tl.exp with "
            "sm_scale alone",
            impl={"flash_attention": _with_scale(factor=lambda s: 1.4426950408889634)},
        ),
        Probe(
            "the running sum starts at 1 with the running max at 0: the tutorial's l_i = 1 is harmless only because "
            "m_i starts at -inf (the first block's alpha = exp(-inf) = 0 wipes it); start m_i at -inf (or l_i at 0)",
            when=_matches_blockwise(start=(0.0, 1.0)),
        ),
        Probe(
            "causal: only the diagonal key block is visited, so each query misses the keys of the blocks before it; "
            "loop over every key block from 0 (the tutorial's stage 1, lo = 0 .. start_m * BLOCK_M, unmasked) and "
            "then the diagonal block (stage 2, masked)",
            when=_causal_blocks("diagonal_block_only"),
        ),
        Probe(
            "every output is nan: the online softmax produced inf or 0 / 0. alpha = exp(m_old - m_new) (with m_new - "
            "m_old, the first block's exp(m_new - (-inf)) is inf); m_i starts at -inf, l_i at 0, and masked scores "
            "are -inf (or a large negative number) only where a row keeps at least one key",
            when=_all_nan,
        ),
        Probe(
            "a load or store ran out of bounds: mask the query rows past SEQ_Q (load and store) and the keys past "
            "SEQ_K (the K and V loads, other=0.0)",
            when=out_of_bounds,
        ),
        Probe(NOT_LAUNCHED_HINT, when=not_launched),
    ),
    equivalent_mutants=(
        Equivalent(
            "flash_attention",
            "o.numel() == 0",
            "o.numel() == 1",
            "a non-empty o holds at least head_dim >= 16 elements (HEAD_DIMS): numel() is never 1",
        ),
        Equivalent(
            "_flash_attention_fwd_kernel",
            "m_i = tl.full((BLOCK_M,)",
            "dtype=tl.float16",
            "-inf is exact in float16, and the first tl.maximum with float32 scores makes m_i float32",
        ),
        Equivalent(
            "_flash_attention_fwd_kernel",
            "l_i = tl.zeros((BLOCK_M,)",
            "tl.float16",
            "under Triton's interpreter l_i * alpha + a float32 row sum makes l_i float32 at the first block "
            "(compiled Triton rejects the loop-carried type change): the same sums",
        ),
        Equivalent(
            "_flash_attention_fwd_kernel",
            "acc = tl.zeros((BLOCK_M, HEAD_DIM)",
            "tl.float16",
            "under Triton's interpreter acc * alpha + a float32 tl.dot makes acc float32 at the first block "
            "(compiled Triton rejects the loop-carried type change): the same sums",
        ),
        Equivalent(
            "_flash_attention_fwd_kernel",
            "(start_m + 1) * BLOCK_M",
            "(start_m + 2) * BLOCK_M",
            "causal: the extra key block lies wholly above the diagonal of this query block, and the masked pass "
            "gives it -inf scores: it adds nothing",
        ),
        Equivalent(
            "_flash_attention_fwd_kernel",
            "False,",
            "True,",
            "the mask on the blocks [0, full) is all true (wholly inside seq_k and below the diagonal): masking "
            "them changes nothing",
        ),
        Equivalent(
            "_flash_attention_fwd_kernel",
            "offs_d[None, :] * stride_od",
            "offs_d[None, :],",
            "o is allocated contiguous by the launcher: stride_od is 1",
        ),
        Equivalent(
            "_flash_attention_fwd_kernel",
            "offs_d[None, :] * stride_od",
            "offs_d[None, :] * 1",
            "o is allocated contiguous by the launcher: stride_od is 1",
        ),
    ),
    benchmark=Benchmark(
        entry="flash_attention",
        inputs=_bench_inputs,
        torch=_torch_attention,
        bytes=lambda q, k, v, causal=False, sm_scale=None: (2 * q.numel() + k.numel() + v.numel()) * q.element_size(),
        flops=_flops,
        size="B 4, H 16, seq 2048, D 64, float16, causal",
        seed=68100,
    ),
)
