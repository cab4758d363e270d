"""Exercise: a paged KV cache (PagedAttention's block tables) whose attention equals a contiguous cache's."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch import case, randn, scoped, seeded, to_numpy

PREAMBLE = "from collections import deque\nimport math\n\nimport torch\n"

SCENARIOS = {
    # prefill two sequences, decode, finish one, start another that reuses its blocks (with stale data in them)
    "interleaved_with_reuse": (
        10,
        4,
        [
            ("append", "a", 6),
            ("append", "b", 9),
            ("attend", "a", 1),
            ("append", "a", 1),
            ("attend", "a", 1),
            ("append", "b", 3),
            ("attend", "b", 3),
            ("free", "a", 0),
            ("append", "c", 5),
            ("attend", "c", 2),
            ("append", "c", 1),
            ("attend", "c", 1),
        ],
    ),
    "vllm_block_16": (
        6,
        16,
        [
            ("append", "x", 20),
            ("attend", "x", 4),
            ("append", "y", 16),
            ("append", "x", 12),
            ("attend", "x", 1),
            ("attend", "y", 16),
            ("append", "y", 1),
            ("attend", "y", 1),
        ],
    ),
    # a freed 3-block sequence's blocks queued behind the free ones, in table order; then the cache runs out
    "free_order_and_full_cache": (
        7,
        2,
        [
            ("append", "a", 6),
            ("append", "b", 3),
            ("free", "a", 0),
            ("append", "c", 9),
            ("attend", "c", 2),
            ("overflow", "c", 2),
        ],
    ),
    "one_token_blocks": (
        12,
        1,
        [
            ("append", "p", 3),
            ("append", "q", 2),
            ("free", "p", 0),
            ("append", "q", 4),
            ("attend", "q", 2),
            ("append", "p", 2),
            ("attend", "p", 2),
        ],
    ),
}


def scenario_cases():
    for n, (name, (num_blocks, block_size, script)) in enumerate(SCENARIOS.items()):
        s = 59000 + n
        rng = seeded(s)
        tokens = sum(k for op, _, k in script if op in ("append", "overflow"))
        queries = sum(k for op, _, k in script if op == "attend")
        dtype = "float64" if n == 1 else "float32"
        yield case(
            name,
            s,
            num_blocks=num_blocks,
            block_size=block_size,
            n_head=2,
            head_dim=4,
            script=script,
            kv=randn(rng, (tokens, 2, 2, 4), dtype),
            queries=randn(rng, (queries, 2, 4), dtype),
            note={
                "interleaved_with_reuse": "block_size 4; c takes a's freed blocks, whose slots still hold a's keys",
                "vllm_block_16": "vLLM's 16-token blocks; a 20-token prompt takes 2 blocks, the 2nd 4/16 full",
                "one_token_blocks": "block_size 1: a block per token; the id p used again after its free: a new, "
                "empty sequence",
                "free_order_and_full_cache": "a's blocks 0, 1, 2 go back behind the free 5, 6 in table order, so c "
                "gets 5, 6, 0, 1, 2; then c needs a 6th block with none free: RuntimeError",
            }[name],
        )
    for rng, _, dtype, s in fresh([()], seed=59050, n=1):  # a script, block size and head sizes drawn afresh
        block_size, n_head, head_dim = (int(v) for v in rng.integers(1, [6, 4, 7]))
        script, peak = _script(rng, block_size)
        tokens = sum(k for op, _, k in script if op == "append")
        queries = sum(k for op, _, k in script if op == "attend")
        yield case(
            "fresh",
            s,
            num_blocks=peak + int(rng.integers(0, 4)),
            block_size=block_size,
            n_head=n_head,
            head_dim=head_dim,
            script=script,
            kv=randn(rng, (tokens, 2, n_head, head_dim), dtype),
            queries=randn(rng, (queries, n_head, head_dim), dtype),
            note=f"block_size {block_size}; a drawn script of appends, attends (to the newest tokens) and frees",
        )


def _script(rng, block_size):
    """(script, the most blocks in use at once): 4 to 10 operations on sequences a, b, c; an id freed may return."""
    lengths, newest, script, peak = {}, {}, [], 0
    for step in range(int(rng.integers(4, 11))):
        r = rng.random()
        if not lengths or r < 0.45 or step == 0:
            seq, n = str(rng.choice(["a", "b", "c"])), int(rng.integers(1, 7))
            script.append(("append", seq, n))
            lengths[seq], newest[seq] = lengths.get(seq, 0) + n, n
            peak = max(peak, sum(-(-k // block_size) for k in lengths.values()))
        elif r < 0.85:
            seq = str(rng.choice(sorted(lengths)))
            script.append(("attend", seq, int(rng.integers(1, newest[seq] + 1))))  # queries for the newest tokens
        else:
            seq = str(rng.choice(sorted(lengths)))
            script.append(("free", seq, 0))
            del lengths[seq], newest[seq]
    if not lengths:
        script.append(("append", "a", 2))
        lengths["a"], newest["a"] = 2, 2
        peak = max(peak, -(-2 // block_size))
    seq = sorted(lengths)[0]
    script.append(("attend", seq, newest[seq]))
    return script, peak


def scenario_call(impl, num_blocks, block_size, n_head, head_dim, script, kv, queries):
    """Run the script; return every attention output, the final block tables, the free count and each sequence's K, V."""
    import torch

    kv, queries = torch.from_numpy(kv), torch.from_numpy(queries)
    cache = impl.PagedKVCache(num_blocks, n_head, head_dim, block_size=block_size, dtype=kv.dtype)
    outputs, t, u = [], 0, 0
    live, overflows, tables_at_overflow = [], [], {}
    for op, seq, n in script:
        if op == "append":
            cache.append(seq, kv[t : t + n, 0], kv[t : t + n, 1])
            t += n
            live = live if seq in live else [*live, seq]
        elif op == "free":
            cache.free(seq)
            live.remove(seq)
        elif op == "overflow":  # more blocks than are free: the task's RuntimeError (what the sequence keeps is free)
            tables_at_overflow = {name: [int(b) for b in cache.block_tables[name]] for name in live}
            try:
                cache.append(seq, kv[t : t + n, 0], kv[t : t + n, 1])
                overflows.append("no exception")
            except RuntimeError:
                overflows.append("RuntimeError")
            t += n
            live.remove(seq)
        else:
            outputs.append(to_numpy(impl.paged_attention(queries[u : u + n], cache, seq)))
            u += n
    tables = {seq: [int(b) for b in cache.block_tables[seq]] for seq in live}
    gathered = {seq: to_numpy(torch.stack(cache.gather(seq))) for seq in live}
    out = {
        "attention": outputs,
        "block_tables": tables,
        "free_blocks": int(cache.num_free_blocks()),
        "gathered_kv": gathered,
    }
    if overflows:
        out["out_of_blocks"] = overflows
        out["block_tables_before_running_out"] = tables_at_overflow
    return out


# -- known mistakes -----------------------------------------------------------------------------------


def _attention_whole_blocks(q, cache, seq_id):
    """Attends every slot of every block in the table, the stale tail of the last one included."""
    import torch

    from reference_impls.torch.attention import scaled_dot_product_attention

    table = torch.tensor(cache.block_tables[seq_id])
    k = cache.k[table].flatten(0, 1)  # (blocks * block_size, nh, hs)
    v = cache.v[table].flatten(0, 1)
    Tq, L = q.size(0), cache.lengths[seq_id]
    mask = torch.ones(Tq, k.size(0), dtype=torch.bool).tril(diagonal=L - Tq)
    mask[:, L:] = True  # the stale slots are not masked
    y = scaled_dot_product_attention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), attn_mask=mask)
    return y.transpose(0, 1)


def _lifo_cache(num_blocks, n_head, head_dim, block_size=16, dtype=None):
    """Hands out the most recently freed block first (a stack), 0, 1, 2, ... at the start."""
    from reference_impls.torch.paged_kv import PagedKVCache

    cache = PagedKVCache(num_blocks, n_head, head_dim, block_size, dtype)
    cache.allocator.free_blocks.reverse()

    def allocate():  # the stack's top; running out is still the task's RuntimeError
        if not cache.allocator.free_blocks:
            raise RuntimeError("out of KV cache blocks")
        return cache.allocator.free_blocks.pop()

    cache.allocator.allocate = allocate
    return cache


def _no_causal_in_chunk(q, cache, seq_id):
    from reference_impls.torch.attention import scaled_dot_product_attention

    k, v = cache.gather(seq_id)
    y = scaled_dot_product_attention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1))
    return y.transpose(0, 1)


def _causal_top_left(q, cache, seq_id):
    import torch

    from reference_impls.torch.attention import scaled_dot_product_attention

    k, v = cache.gather(seq_id)
    mask = torch.ones(q.size(0), k.size(0), dtype=torch.bool).tril()
    y = scaled_dot_product_attention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), attn_mask=mask)
    return y.transpose(0, 1)


def _reversed_free_cache(*args, **kwargs):
    """Frees a sequence's blocks tail first (vLLM's order, for its prefix cache), not in table order."""
    from reference_impls.torch.paged_kv import PagedKVCache

    class Reversed(PagedKVCache):
        def free(self, seq_id):
            for block in reversed(self.block_tables.pop(seq_id)):
                self.allocator.free(block)
            del self.lengths[seq_id]

    return Reversed(*args, **kwargs)


def _one_slot_per_append_cache(*args, **kwargs):
    """Every token of one append() written at the slot of the length before it: the last one wins."""
    from reference_impls.torch.paged_kv import PagedKVCache

    class OneSlot(PagedKVCache):
        def append(self, seq_id, k, v):
            table = self.block_tables.setdefault(seq_id, [])
            n = self.lengths.get(seq_id, 0)
            for t in range(k.size(0)):
                if (n + t) % self.block_size == 0:
                    table.append(self.allocator.allocate())
                self.k[table[n // self.block_size], n % self.block_size] = k[t]
                self.v[table[n // self.block_size], n % self.block_size] = v[t]
            self.lengths[seq_id] = n + k.size(0)

    return OneSlot(*args, **kwargs)


def _attention_over_d(q, cache, seq_id):
    """Scores divided by head_dim instead of its square root."""
    import math

    from reference_impls.torch.paged_kv import paged_attention

    return paged_attention(q / math.sqrt(q.size(-1)), cache, seq_id)


def _no_error_when_full(case, actual, expected) -> bool:
    """The cache ran out of free blocks and the learner's append raised nothing, or not a RuntimeError."""
    if getattr(actual, "type", None) == "IndexError" and "empty deque" in str(getattr(actual, "message", "")):
        return True
    return isinstance(actual, dict) and "no exception" in actual.get("out_of_blocks", ())


def _cache(*args, **kwargs):
    from reference_impls.torch.paged_kv import PagedKVCache

    return PagedKVCache(*args, **kwargs)


def _attention(q, cache, seq_id):
    from reference_impls.torch.paged_kv import paged_attention

    return paged_attention(q, cache, seq_id)


EXERCISE = scoped(
    Exercise.of(
        info("paged_kv_cache"),
        preamble=PREAMBLE,
        task="""PagedAttention (Kwon et al. 2023, Sec. 4): the KV cache is split into fixed blocks of block_size
tokens (16 in vLLM); each sequence has a block table, its list of physical block ids; logical position t
lives in block table[t // block_size] at slot t % block_size. Blocks are taken only when needed and
returned when a sequence finishes, so any sequence can reuse them, wherever they are.

PagedKVCache(num_blocks, n_head, head_dim, block_size=16, dtype=torch.float32):
  - storage k, v: (num_blocks, block_size, n_head, head_dim) tensors of zeros;
  - a FREE LIST: a FIFO queue of block ids, 0, 1, ..., num_blocks - 1 at start; allocating takes the
    FRONT, freeing puts a sequence's blocks at the BACK in its table order (collections.deque);
    running out raises RuntimeError;
  - block_tables: dict seq_id -> list of block ids; num_free_blocks() -> int.
  - append(seq_id, k, v): k, v (T, n_head, head_dim), written token by token; a new block is taken
    exactly when the sequence's last block is full (or it has none).
  - free(seq_id): its blocks go back on the free list; the sequence is forgotten.
  - gather(seq_id) -> (k, v) (L, n_head, head_dim): its L tokens in order, read through the table.
paged_attention(q (Tq, n_head, head_dim), cache, seq_id) -> (Tq, n_head, head_dim): the queries of the
sequence's LAST Tq tokens (already appended) attend to its L cached tokens, causally (query i sees keys
0 .. L - Tq + i), scaled by 1/sqrt(head_dim). Never attend the unused slots of the last block: after a
free they hold another sequence's stale keys. The result equals a contiguous cache's attention.""",
        entry_points=(
            EntryPoint(
                "PagedKVCache",
                "(self, num_blocks, n_head, head_dim, block_size=16, dtype=torch.float32)",
                "Block storage, a FIFO free list, per-sequence block tables.",
                kind="class",
                methods=(
                    EntryPoint("append", "(self, seq_id, k, v)", "Write T new tokens' k, v (T, n_head, head_dim)."),
                    EntryPoint("num_free_blocks", "(self)", "How many blocks are on the free list."),
                    EntryPoint("free", "(self, seq_id)", "Return the sequence's blocks to the free list."),
                    EntryPoint("gather", "(self, seq_id)", "(k, v), each (L, n_head, head_dim), in token order."),
                ),
            ),
            EntryPoint("paged_attention", "(q, cache, seq_id)", "q (Tq, n_head, head_dim) -> (Tq, n_head, head_dim)."),
        ),
        checks=(
            Check(
                "scenarios",
                "PagedKVCache",
                scenario_cases,
                call=scenario_call,
                tolerance={"float32": (1e-5, 1e-6)},
                description="interleaved sequences with a freed one's blocks reused (block 4), vLLM's block 16 (float64), "
                "block 1, freed blocks reused in table order and a full cache (RuntimeError): attention outputs, block "
                "tables, free count, gathered K and V",
            ),
        ),
        probes=(
            Probe(
                "the stale tail of the last block is attended: only the first L slots hold this sequence's tokens "
                "(positions 0..L-1 through the block table)",
                impl={"PagedKVCache": _cache, "paged_attention": _attention_whole_blocks},
            ),
            Probe(
                "the free list is not FIFO: allocate from the FRONT of the queue, put freed blocks at the BACK "
                "(deque.popleft / deque.append)",
                impl={"PagedKVCache": _lifo_cache, "paged_attention": _attention},
            ),
            Probe(
                "freed blocks go back on the free list in the sequence's table order (deque.extend(table)): vLLM "
                "returns them tail first for its prefix cache, but here the next sequence must get them in order",
                impl={"PagedKVCache": _reversed_free_cache, "paged_attention": _attention},
            ),
            Probe(
                "every token of an append() was written at the same slot: token t of the T new ones goes to position "
                "n + t, block table[(n + t) // block_size], slot (n + t) % block_size",
                impl={"PagedKVCache": _one_slot_per_append_cache, "paged_attention": _attention},
            ),
            Probe(
                "the scores are divided by head_dim: scale them by 1 / sqrt(head_dim)",
                impl={"PagedKVCache": _cache, "paged_attention": _attention_over_d},
            ),
            Probe(
                "running out of free blocks must raise RuntimeError: check the free list before taking a block "
                "(a popleft on an empty deque raises IndexError; returning quietly loses the tokens)",
                when=_no_error_when_full,
            ),
            Probe(
                "a prefill or a chunk of Tq > 1 queries must be causal: query i of the last Tq tokens sees keys 0..L - Tq + i",
                impl={"PagedKVCache": _cache, "paged_attention": _no_causal_in_chunk},
            ),
            Probe(
                "causal mask aligned to the first tokens: the Tq queries are the sequence's LAST Tq tokens, so query i "
                "sees keys 0..L - Tq + i (tril(diagonal=L - Tq), aligned bottom-right)",
                impl={"PagedKVCache": _cache, "paged_attention": _causal_top_left},
            ),
            Probe(
                "one block too many when the length fills its last block: a sequence of L tokens holds "
                "ceil(L / block_size) = (L + block_size - 1) // block_size blocks, not L // block_size + 1",
                impl="wrong/paged_kv_cache/blocks_needed_plus_one.py",
            ),
            Probe(
                "free() must forget the sequence, its length too: an id used again after free starts empty",
                impl="wrong/paged_kv_cache/free_keeps_length.py",
            ),
            Probe(
                "a block per token boundary too many or too few: take a new block when length % block_size == 0 (the last "
                "one is full), before writing",
                impl="wrong/paged_kv_cache/allocate_after_full.py",
            ),
        ),
    )
)
