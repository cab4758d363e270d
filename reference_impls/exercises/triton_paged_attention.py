"""Exercise: paged-attention decode in Triton: K/V read through a block table, an online softmax over blocks."""

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
def paged_attention_kernel(
    out_ptr,  # (num_seqs, n_heads, head_dim)
    q_ptr,  # (num_seqs, n_heads, head_dim): one query token per sequence
    k_cache_ptr, v_cache_ptr,  # (num_blocks, block_size, n_kv_heads, head_dim): the physical blocks
    block_tables_ptr,  # (num_seqs, max_blocks) int32: block_tables[s, j] = physical block of logical block j
    seq_lens_ptr,  # (num_seqs,) int32
    sm_scale,
    stride_qs, stride_qh, stride_qd,
    stride_kb, stride_kt, stride_kh, stride_kd,  # k_cache.stride(): block, slot, kv head, dim
    stride_vb, stride_vt, stride_vh, stride_vd,
    stride_bt,  # block_tables.stride(0)
    stride_os, stride_oh, stride_od,
    QUERIES_PER_KV: tl.constexpr,  # n_heads // n_kv_heads (1: multi-head attention)
    BLOCK_SIZE: tl.constexpr,  # tokens per physical block (a power of two)
    HEAD_DIM: tl.constexpr,  # a power of two
):
    # TODO: one program per (sequence, query head): seq = tl.program_id(0), head = tl.program_id(1);
    #       its kv head is head // QUERIES_PER_KV; load seq_len and the query (HEAD_DIM,) in float32
    # TODO: running max m = -inf, running sum l = 0, accumulator acc = zeros((HEAD_DIM,)), all float32
    # TODO: for each logical block j < cdiv(seq_len, BLOCK_SIZE): physical = block_tables[seq, j];
    #       load its (BLOCK_SIZE, HEAD_DIM) keys; the slots past seq_len are stale: mask them (scores -inf)
    # TODO: scores = sum(k * q) * sm_scale; m_new = max(m, max(scores)); alpha = exp(m - m_new);
    #       p = exp(scores - m_new); l = alpha * l + sum(p); acc = alpha * acc + p @ v; m = m_new
    # TODO: store acc / l in the output's dtype
    pass
"""

TASK = """Paged-attention decode (vLLM): each sequence's new token attends to its whole KV cache, stored in
fixed-size blocks scattered through one big cache and found through the sequence's block table.

The layout (reference_impls/torch/paged_kv.py, module 2.2's paged_kv_cache exercise):
k_cache and v_cache are (num_blocks, block_size, n_kv_heads, head_dim); token t of sequence s is
in slot t % block_size of physical block block_tables[s, t // block_size]. Entries of a table past
the sequence's cdiv(seq_len, block_size) blocks are padding (-1): never read them. The last block is
only partly filled: its slots past seq_len hold stale keys of an earlier sequence.

For each sequence s and query head h, with kv = h // (n_heads // n_kv_heads) (grouped-query
attention: consecutive query heads share a kv head; n_kv_heads == n_heads is plain multi-head):
out[s, h] = softmax(K_s[:, kv] @ q[s, h] * sm_scale) @ V_s[:, kv], over the seq_lens[s] tokens of s.
sm_scale defaults to 1 / sqrt(head_dim).

1. The kernel, paged_attention_kernel: one program per (sequence, query head), grid =
   (num_seqs, n_heads). Walk the sequence's logical blocks j = 0 .. cdiv(seq_len, BLOCK_SIZE) - 1,
   read physical = block_tables[s, j], load that block's keys and values (address the caches
   through their strides), and keep an online softmax: a running max m, a running sum l of
   exp(score - m) and an unnormalized output acc. When a block raises the max, the old l and acc
   were computed against the old max: multiply both by alpha = exp(m_old - m_new) before adding
   the block's terms. Mask the slots past seq_len (score -inf, so exp gives 0). Compute in float32;
   store acc / l in the output's dtype.
2. The launcher, paged_attention_decode(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
   q (num_seqs, n_heads, head_dim), float32 or float16 (the caches have q's dtype); block_tables
   (num_seqs, max_blocks) int32; seq_lens (num_seqs,) int32, each >= 1. Every sequence, whatever
   its length, in one launch. Return out (num_seqs, n_heads, head_dim) in q's dtype.

The checks: block sizes 1, 2, 4, 8 and 16, sequences of lengths 1, 2, 3, 5, 8, 13, 17, 40 ... (not multiples
of the block size, one exactly a multiple) in one launch, shuffled block tables padded with -1 (and one
that the sequence fills), stale values in every unused slot, multi-head, grouped-query (4 query heads on
2 kv heads) and multi-query attention, float16, scores in the hundreds (the running max matters), an
explicit sm_scale, a single sequence, inputs that are strided views (q transposed in memory, K and V
interleaved in one tensor, a column slice of a wider block table); against gathering each sequence's keys
and values in PyTorch and attending in float64.
"""


def _paged_case(
    name, seed, note, lens, block_size, n_heads, n_kv_heads, head_dim, dtype, scale=1.0, padding=True, **extra
):
    """A shuffled cache: every slot starts as large stale values, then each sequence's tokens are written into
    its blocks (taken in a random order), so that reading a stale slot or the wrong block changes the output.
    padding=False: the longest sequence fills its row of the block table (no -1 after its blocks)."""
    rng = seeded(seed)
    blocks_per_seq = [-(-n // block_size) for n in lens]
    num_blocks = sum(blocks_per_seq) + 3  # a few blocks nobody owns
    max_blocks = max(blocks_per_seq) + int(padding)  # a padding column for every sequence
    shape = (num_blocks, block_size, n_kv_heads, head_dim)
    k_cache = rng.standard_normal(shape) * 8 + 4  # stale: far from the real keys and values
    v_cache = rng.standard_normal(shape) * 8 - 4
    order = rng.permutation(num_blocks)
    tables = np.full((len(lens), max_blocks), -1, np.int32)
    taken = 0
    for s, (n, count) in enumerate(zip(lens, blocks_per_seq, strict=True)):
        tables[s, :count] = order[taken : taken + count]
        taken += count
        for t in range(n):
            block, slot = tables[s, t // block_size], t % block_size
            k_cache[block, slot] = rng.standard_normal((n_kv_heads, head_dim)) * scale
            v_cache[block, slot] = rng.standard_normal((n_kv_heads, head_dim))
    q = rng.standard_normal((len(lens), n_heads, head_dim)) * scale
    return case(
        name,
        seed,
        note,
        q=q.astype(dtype),
        k_cache=k_cache.astype(dtype),
        v_cache=v_cache.astype(dtype),
        block_tables=tables,
        seq_lens=np.asarray(lens, np.int32),
        **extra,
    )


def paged_cases():
    yield _paged_case(
        "mha_block4",
        67000,
        "block_size 4, lengths 1, 5, 13 and 8 (8 fills its last block): the last blocks of the others are partly stale",
        lens=(1, 5, 13, 8),
        block_size=4,
        n_heads=2,
        n_kv_heads=2,
        head_dim=16,
        dtype="float32",
    )
    yield _paged_case(
        "gqa_block16",
        67001,
        "vLLM's 16-token blocks; grouped-query attention, 4 query heads on 2 kv heads (heads 0 and 1 read kv head 0)",
        lens=(17, 1, 40),
        block_size=16,
        n_heads=4,
        n_kv_heads=2,
        head_dim=32,
        dtype="float32",
    )
    yield _paged_case(
        "mqa_block2_sm_scale",
        67002,
        "multi-query attention (one kv head for both query heads), block_size 2: many blocks per sequence; "
        "sm_scale = 0.3 given: use it instead of 1 / sqrt(head_dim)",
        lens=(7, 2, 5),
        block_size=2,
        n_heads=2,
        n_kv_heads=1,
        head_dim=16,
        dtype="float32",
        sm_scale=0.3,
    )
    yield _paged_case(
        "float16_block8",
        67003,
        "float16 caches and query, the softmax and the sums in float32",
        lens=(9, 25),
        block_size=8,
        n_heads=2,
        n_kv_heads=1,
        head_dim=16,
        dtype="float16",
    )
    yield _paged_case(
        "large_scores",
        67004,
        "scores in the hundreds, growing from block to block: exp overflows without the running max, and a "
        "missing rescale of l or acc is far off",
        lens=(30, 19),
        block_size=8,
        n_heads=2,
        n_kv_heads=2,
        head_dim=16,
        dtype="float32",
        scale=6.0,
    )
    yield _paged_case(
        "one_sequence_block1",
        67005,
        "a single sequence of 3 tokens, block_size 1 (one token per block), filling its row of the block table: "
        "read exactly cdiv(seq_len, block_size) entries",
        lens=(3,),
        block_size=1,
        n_heads=2,
        n_kv_heads=2,
        head_dim=16,
        dtype="float32",
        padding=False,
    )
    yield _paged_case(
        "strided_views",
        67006,
        "every input a view: q stored (num_seqs, head_dim, n_heads) and transposed (q.stride(2) = 4), the caches "
        "stored as vLLM's value cache, (num_blocks, n_kv_heads, head_dim, block_size), and permuted (stride 4 "
        "along head_dim), the block table a column slice of a wider one (stride(0) = 7, not max_blocks = 4): "
        "address everything through its strides",
        lens=(6, 11),
        block_size=4,
        n_heads=4,
        n_kv_heads=2,
        head_dim=16,
        dtype="float32",
        views=True,
    )


def _as_views(q, k_cache, v_cache, block_tables):
    """The same values as views with other strides, made after the engine's deep copy of the inputs (which
    would make a sliced view contiguous): q transposed in storage, the caches in vLLM's value-cache layout
    (num_blocks, n_kv_heads, head_dim, block_size) permuted back, a column slice of a wider block table."""
    q = np.ascontiguousarray(q.transpose(0, 2, 1)).transpose(0, 2, 1)
    k_cache, v_cache = (np.ascontiguousarray(c.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2) for c in (k_cache, v_cache))
    wide = np.full((block_tables.shape[0], block_tables.shape[1] + 3), -1, np.int32)
    wide[:, : block_tables.shape[1]] = block_tables
    return q, k_cache, v_cache, wide[:, : block_tables.shape[1]]


def _paged_call():
    """kernel_call("paged_attention_decode"), taking the inputs as views (_as_views) where a case says views."""
    run = kernel_call("paged_attention_decode")

    def call(impl, q, k_cache, v_cache, block_tables, seq_lens, views=False, **kwargs):
        if views:
            q, k_cache, v_cache, block_tables = _as_views(q, k_cache, v_cache, block_tables)
        return run(impl, q=q, k_cache=k_cache, v_cache=v_cache, block_tables=block_tables, seq_lens=seq_lens, **kwargs)

    return call


# -- known mistakes, in torch: each computes what the mistaken kernel computes ------------------------------


def _simulate(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None, **mistake):
    """The kernel's block loop in float64 torch, with one mistake switched on:
    stale_tail: every slot of the last block attended; one_past: the slot at position seq_len attended too (a
    mask pos <= seq_len); logical: block j read instead of block_tables[s, j]; no_alpha_acc / no_alpha: acc (and
    l) not rescaled when the max grows; kv_modulo: kv head h % n_kv_heads; slots_contiguous: the caches addressed
    as (block * block_size + slot) * stride(1), as if the slots of all blocks were one contiguous run."""
    import math

    import torch

    num_seqs, n_heads, head_dim = q.shape
    block_size, n_kv = k_cache.shape[1], k_cache.shape[2]
    group = n_heads // n_kv
    scale = 1.0 / math.sqrt(head_dim) if sm_scale is None else sm_scale
    if mistake.get("slots_contiguous"):
        k_cache, v_cache = (_slots_contiguous(c) for c in (k_cache, v_cache))
    kc, vc = k_cache.double(), v_cache.double()
    out = torch.empty_like(q)
    for s in range(num_seqs):
        n = int(seq_lens[s])
        for h in range(n_heads):
            kv = h % n_kv if mistake.get("kv_modulo") else h // group
            qh = q[s, h].double()
            m, l_sum, acc = -math.inf, 0.0, torch.zeros(head_dim, dtype=torch.float64)
            for j in range(-(-n // block_size)):
                block = j if mistake.get("logical") else int(block_tables[s, j])
                scores = kc[block, :, kv] @ qh * scale
                if not mistake.get("stale_tail"):
                    scores[
                        torch.arange(block_size) + j * block_size >= n + int(bool(mistake.get("one_past")))
                    ] = -math.inf
                m_new = max(m, float(scores.max()))
                alpha = math.exp(m - m_new)
                p = torch.exp(scores - m_new)
                l_sum = (1.0 if mistake.get("no_alpha") else alpha) * l_sum + float(p.sum())
                keep = 1.0 if mistake.get("no_alpha") or mistake.get("no_alpha_acc") else alpha
                acc = keep * acc + p @ vc[block, :, kv]
                m = m_new
            out[s, h] = (acc / l_sum).to(q.dtype)
    return out


def _slots_contiguous(cache):
    """What a kernel reads that addresses slot t of block b at (b * block_size + t) * stride(1) + kv * stride(2)
    + d * stride(3): the cache's memory gathered at those offsets (in range for the layouts the cases use)."""
    import torch

    num_blocks, block_size, n_kv, head_dim = cache.shape
    _, st, sh, sd = cache.stride()
    b, t, h, d = torch.meshgrid(*(torch.arange(n) for n in cache.shape), indexing="ij")
    offsets = (b * block_size + t) * st + h * sh + d * sd
    span = 1 + sum((n - 1) * stride for n, stride in zip(cache.shape, cache.stride(), strict=True))
    memory = torch.as_strided(cache, (span,), (1,))
    return memory[offsets.clamp(max=span - 1)]


def _mistake(**kind):
    def run(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
        return _simulate(q, k_cache, v_cache, block_tables, seq_lens, sm_scale, **kind)

    return run


def _scaled_twice(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    import math

    scale = 1.0 / math.sqrt(q.shape[-1]) if sm_scale is None else sm_scale
    return _simulate(q, k_cache, v_cache, block_tables, seq_lens, scale * scale)


def _no_scale(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    return _simulate(q, k_cache, v_cache, block_tables, seq_lens, 1.0)


def _reads_padding(case, actual, expected) -> bool:
    """Out of bounds on a case whose block table is padded with -1: the loop ran past the sequence's blocks."""
    return (
        out_of_bounds(case, actual, expected)
        and bool((case.kwargs["block_tables"] < 0).any())
        and not case.kwargs.get("views")
    )


def _view_out_of_bounds(case, actual, expected) -> bool:
    """Out of bounds only where the inputs are strided views: an address built from shapes, not strides."""
    return out_of_bounds(case, actual, expected) and bool(case.kwargs.get("views"))


def _bench_inputs(device, seed):
    import torch

    g = torch.Generator(device="cpu").manual_seed(seed)
    num_seqs, n_heads, n_kv, head_dim, block_size = 32, 32, 8, 128, 16
    lens = torch.randint(512, 2049, (num_seqs,), generator=g, dtype=torch.int32)
    blocks = (lens + block_size - 1) // block_size
    num_blocks = int(blocks.sum())
    order = torch.randperm(num_blocks, generator=g).to(torch.int32)
    tables = torch.full((num_seqs, int(blocks.max())), -1, dtype=torch.int32)
    start = 0
    for s, count in enumerate(blocks.tolist()):
        tables[s, :count] = order[start : start + count]
        start += count
    cache = (num_blocks, block_size, n_kv, head_dim)
    k_cache = torch.randn(cache, generator=g, dtype=torch.float16)
    v_cache = torch.randn(cache, generator=g, dtype=torch.float16)
    q = torch.randn(num_seqs, n_heads, head_dim, generator=g, dtype=torch.float16)
    return tuple(t.to(device) for t in (q, k_cache, v_cache, tables, lens))


def _torch_paged(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    """Gather every sequence's blocks through its padded table, then one masked SDPA call."""
    import torch
    import torch.nn.functional as F

    num_seqs, n_heads, head_dim = q.shape
    _, block_size, n_kv, _ = k_cache.shape
    max_len = block_tables.shape[1] * block_size
    k = k_cache[block_tables.long()].reshape(num_seqs, max_len, n_kv, head_dim).transpose(1, 2)
    v = v_cache[block_tables.long()].reshape(num_seqs, max_len, n_kv, head_dim).transpose(1, 2)
    k, v = (t.repeat_interleave(n_heads // n_kv, dim=1) for t in (k, v))
    mask = (torch.arange(max_len, device=q.device)[None, :] < seq_lens[:, None])[:, None, None, :]
    out = F.scaled_dot_product_attention(q[:, :, None], k, v, attn_mask=mask, scale=sm_scale)
    return out[:, :, 0]


def _bytes(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    tokens = int(seq_lens.sum())
    kv = 2 * tokens * k_cache.shape[2] * k_cache.shape[3] * k_cache.element_size()
    return kv + 2 * q.numel() * q.element_size() + block_tables.numel() * 4


EXERCISE = Exercise.of(
    info("triton_paged_attention"),
    preamble=PREAMBLE + "import math\n",
    scaffold=SCAFFOLD,
    task=TASK,
    entry_points=(
        EntryPoint(
            "paged_attention_decode",
            "(q: torch.Tensor, k_cache: torch.Tensor, v_cache: torch.Tensor, block_tables: torch.Tensor, "
            "seq_lens: torch.Tensor, sm_scale: float | None = None) -> torch.Tensor",
            "Decode attention of one query token per sequence over its paged KV cache, by launching "
            "paged_attention_kernel.\n\nq (num_seqs, n_heads, head_dim); k_cache, v_cache (num_blocks, "
            "block_size, n_kv_heads, head_dim); block_tables (num_seqs, max_blocks) int32, padded with -1; "
            "seq_lens (num_seqs,) int32. Returns (num_seqs, n_heads, head_dim) in q's dtype.\n"
            "Grid: one program per (sequence, query head), grid = (num_seqs, n_heads)",
        ),
    ),
    checks=(
        Check(
            "paged_attention",
            "paged_attention_decode",
            paged_cases,
            call=_paged_call(),
            tolerance={"float32": (2e-5, 2e-5), "float16": (2e-3, 2e-3)},
            description="block sizes 1 / 2 / 4 / 8 / 16, lengths 1 to 40 in one launch (not multiples of the block), "
            "shuffled tables padded with -1 (or full), stale slots, MHA / GQA 4:2 / MQA, float16, large scores, "
            "sm_scale, one sequence, strided views; against gather-then-attend in float64",
        ),
    ),
    probes=(
        Probe(
            "the last block's slots past seq_len were attended: they hold stale keys of an earlier sequence; "
            "mask them: valid = j * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE) < seq_len, scores "
            "tl.where(valid, s, -inf) (and mask= on the loads)",
            impl={"paged_attention_decode": _mistake(stale_tail=True)},
        ),
        Probe(
            "logical block j was read as physical block j: a sequence's blocks lie anywhere in the cache; load "
            "physical = tl.load(block_tables_ptr + seq * stride_bt + j) and address k_cache with it",
            impl={"paged_attention_decode": _mistake(logical=True)},
        ),
        Probe(
            "the accumulator is not rescaled when the running max grows: acc was summed against the old max; "
            "acc = acc * alpha + p @ v with alpha = exp(m_old - m_new), as for l",
            impl={"paged_attention_decode": _mistake(no_alpha_acc=True)},
        ),
        Probe(
            "neither the running sum l nor the accumulator is rescaled when the running max grows: multiply both "
            "by alpha = exp(m_old - m_new) before adding the new block's terms",
            impl={"paged_attention_decode": _mistake(no_alpha=True)},
        ),
        Probe(
            "query head h read kv head h % n_kv_heads: in grouped-query attention consecutive query heads share a "
            "kv head, kv = h // (n_heads // n_kv_heads)",
            impl={"paged_attention_decode": _mistake(kv_modulo=True)},
        ),
        Probe(
            "no 1 / sqrt(head_dim) on the scores: use sm_scale, which defaults to 1 / math.sqrt(head_dim)",
            impl={"paged_attention_decode": _no_scale},
        ),
        Probe(
            "a load ran out of bounds: read only the sequence's cdiv(seq_len, block_size) blocks (the table's "
            "entries past them are -1 padding), and mask the slots past seq_len in the last one",
            when=_reads_padding,
        ),
        Probe(
            "a load ran out of bounds on strided views: an address was built from a shape instead of a stride. "
            "The block table's rows are block_tables.stride(0) apart (a column slice of a wider table: more than "
            "max_blocks), and q and the caches are addressed through their own strides",
            when=_view_out_of_bounds,
        ),
        Probe(
            "the mask lets one stale slot through: a sequence's tokens are at positions 0 .. seq_len - 1, so "
            "valid = j * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE) < seq_len (not <=)",
            impl={"paged_attention_decode": _mistake(one_past=True)},
        ),
        Probe(
            "sm_scale applied twice (to q and again to the scores): the scores are q . k * sm_scale, scaled once",
            impl={"paged_attention_decode": _scaled_twice},
        ),
        Probe(
            "the cache's slots addressed as (block * BLOCK_SIZE + slot) * stride(1), as if every block's slots were "
            "one contiguous run: address block and slot separately, block * k_cache.stride(0) + slot * "
            "k_cache.stride(1) (here the cache is a permuted view, vLLM's value-cache layout)",
            impl={"paged_attention_decode": _mistake(slots_contiguous=True)},
        ),
        Probe(NOT_LAUNCHED_HINT, when=not_launched),
    ),
    equivalent_mutants=(
        Equivalent(
            "_paged_attention_decode_kernel",
            "offs_d * stride_qd).to(tl.float32)",
            "q = tl.load(q_ptr + seq * stride_qs + head * stride_qh + offs_d * stride_qd)",
            "a float16 q times the keys in float32 promotes to float32: the same scores",
        ),
        Equivalent(
            "_paged_attention_decode_kernel",
            "k_cache_ptr",
            "other=0.0)",
            "float16 keys times the float32 query promote to float32: the same scores",
        ),
        Equivalent(
            "_paged_attention_decode_kernel",
            "v_cache_ptr",
            "other=0.0)",
            "float32 probabilities times float16 values promote to float32: the same sums",
        ),
        Equivalent(
            "_paged_attention_decode_kernel",
            "m_i = tl.full([]",
            "dtype=tl.float16",
            "-inf is exact in float16, and the first tl.maximum with float32 scores makes m_i float32",
        ),
        Equivalent(
            "_paged_attention_decode_kernel",
            "l_i = tl.full([]",
            "dtype=tl.float16",
            "0 is exact in float16, and l_i * alpha + float32 sums makes l_i float32 at the first block",
        ),
        Equivalent(
            "_paged_attention_decode_kernel",
            "l_i = tl.full([], 0.0",
            "1.0",
            "the first block's alpha is exp(-inf - m_new) = 0 (block 0 holds token 0, so m_new is finite): "
            "whatever l_i starts at is multiplied by 0",
        ),
        Equivalent(
            "_paged_attention_decode_kernel",
            "acc = tl.zeros((HEAD_DIM,), dtype=tl.float32)",
            "tl.float16",
            "under Triton's interpreter acc * alpha + a float32 sum makes acc float32 at the first block (compiled "
            "Triton rejects the loop-carried type change): the same sums",
        ),
        Equivalent(
            "_paged_attention_decode_kernel",
            "offs_d * stride_od",
            "offs_d, out.to",
            "out is allocated contiguous by the launcher: stride_od is 1",
        ),
        Equivalent(
            "_paged_attention_decode_kernel",
            "offs_d * stride_od",
            "offs_d * 1,",
            "out is allocated contiguous by the launcher: stride_od is 1",
        ),
        Equivalent(
            "_is_power_of_two",
            "n >= 1",
            "n >= 0",
            "differs only for n = 0, a block_size or head_dim of 0, which no launch accepts either way",
        ),
    ),
    benchmark=Benchmark(
        entry="paged_attention_decode",
        inputs=_bench_inputs,
        torch=_torch_paged,
        bytes=_bytes,
        flops=lambda q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None: (
            4 * int(seq_lens.sum()) * q.shape[1] * q.shape[2]
        ),
        size="32 sequences of 512-2048 tokens, 32 query / 8 kv heads of 128, block 16, float16",
        seed=67100,
    ),
)
