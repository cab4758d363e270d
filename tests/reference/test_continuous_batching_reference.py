"""continuous_batching.py: on random traces the reference scheduler keeps every invariant of the exercise's
model runner and each request's tokens equal decoding it alone; its block tables are those of the paged KV
cache reference (paged_kv.py) fed the same appends and frees; the policy on a trace worked by hand."""

import types

import numpy as np
import pytest
import torch

from reference_impls.exercises.continuous_batching import serve
from reference_impls.numpy import continuous_batching as cb
from reference_impls.torch.paged_kv import PagedKVCache


class Recording(cb.Scheduler):
    """The reference, its steps logged."""

    def __init__(self, *args):
        super().__init__(*args)
        self.log = []

    def schedule(self):
        batch, preempted = super().schedule()
        self.log.append((list(batch), list(preempted)))
        return batch, preempted

    def update(self, sampled):
        finished = super().update(sampled)
        tables = {r: list(t) for r, t in self.block_tables.items()}
        self.log[-1] += (finished, tables, self.num_free_blocks())
        return finished


def _run(**trace):
    made = []

    def factory(*args):
        made.append(Recording(*args))
        return made[-1]

    return serve(types.SimpleNamespace(Scheduler=factory), **trace), made[0]


def _random_trace(seed):
    rng = np.random.default_rng(seed)
    R = int(rng.integers(1, 8))
    block_size = int(rng.choice([1, 2, 4, 16]))
    prompts = [rng.integers(0, cb.VOCAB, int(rng.integers(1, 30))) for _ in range(R)]
    max_new = rng.integers(1, 15, R)
    longest = max(len(p) + m for p, m in zip(prompts, max_new, strict=True))
    return dict(
        num_blocks=int(-(-longest // block_size) + rng.integers(0, 12)),  # the longest request always fits alone
        block_size=block_size,
        max_num_batched_tokens=int(rng.integers(1, 40)),
        max_num_seqs=int(rng.integers(1, 6)),
        arrivals=np.sort(rng.integers(0, 10, R)),
        prompts=prompts,
        max_new_tokens=max_new,
    )


@pytest.mark.parametrize("seed", range(40))
def test_random_traces_keep_the_invariants_and_equal_decoding_alone(seed):
    trace = _random_trace(seed)
    out, _ = _run(**trace)
    assert out["violation"] == ""
    for got, prompt, m in zip(out["tokens"], trace["prompts"], trace["max_new_tokens"], strict=True):
        assert got.tolist() == cb.decode_alone(prompt, int(m))


def test_random_traces_preempt_and_chunk():
    """The traces above exercise what they are for: some preempt, some prefill in chunks."""
    preemptions = chunks = 0
    for seed in range(40):
        _, sched = _run(**_random_trace(seed))
        preemptions += sum(len(p) for _, p, *_ in sched.log)
        chunks += sum(1 for b, *_ in sched.log for _, start, n in b if start > 0 and n > 1)
    assert preemptions >= 10 and chunks >= 10


def test_the_toy_model_depends_on_every_cached_state():
    rng = np.random.default_rng(0)
    changed = 0
    for _ in range(300):
        tokens = rng.integers(0, cb.VOCAB, int(rng.integers(2, 40)))
        states = cb.embed(tokens, np.arange(len(tokens)))
        stale = states.copy()
        stale[rng.integers(0, len(states))] += int(rng.integers(1, 1000))
        changed += cb.next_token(stale) != cb.next_token(states)
    assert changed >= 0.95 * 300  # a wrong slot changes the token but for a 1 / VOCAB chance


def test_block_tables_are_the_paged_cache_references():
    """Without preemption, the scheduler's tables equal PagedKVCache's after the same appends and frees."""
    trace = dict(
        num_blocks=40,
        block_size=4,
        max_num_batched_tokens=10,
        max_num_seqs=4,
        arrivals=np.array([0, 0, 1, 2, 6]),
        prompts=[np.arange(n) % cb.VOCAB for n in (9, 14, 3, 7, 12)],
        max_new_tokens=np.array([5, 3, 6, 2, 4]),
    )
    out, sched = _run(**trace)
    assert out["violation"] == ""
    paged = PagedKVCache(40, n_head=1, head_dim=1, block_size=4)
    for batch, preempted, finished, tables, free in sched.log:
        assert not preempted
        for r, _, n in batch:
            paged.append(r, torch.zeros(n, 1, 1), torch.zeros(n, 1, 1))
        for r in finished:
            paged.free(r)
        assert tables == {r: list(t) for r, t in paged.block_tables.items()}
        assert free == paged.num_free_blocks()


def test_policy_by_hand():
    """6 blocks of 2 tokens, a budget of 4: A (prompt 3, 4 new), B (prompt 3, 2 new), C (prompt 2, 1 new)."""
    s = cb.Scheduler(num_blocks=6, block_size=2, max_num_batched_tokens=4, max_num_seqs=3)
    for rid, p, m in (("A", 3, 4), ("B", 3, 2), ("C", 2, 1)):
        s.add_request(rid, p, m)
    assert s.schedule() == ([("A", 0, 3), ("B", 0, 1)], [])  # A's prompt, B's first chunk in the budget left
    assert s.block_tables == {"A": [0, 1], "B": [2]}
    s.update({"A": 7})
    assert s.schedule() == ([("A", 3, 1), ("B", 1, 2), ("C", 0, 1)], [])  # decode, a chunk, C's first chunk
    s.update({"A": 7, "B": 7})
    # A's 4th token fits its 2nd block; B takes a 2nd block for its 2-token chunk, C its first
    assert s.block_tables == {"A": [0, 1], "B": [2, 3], "C": [4]}
    batch, preempted = s.schedule()
    assert batch == [("A", 4, 1), ("B", 3, 1), ("C", 1, 1)] and preempted == []
    assert s.block_tables == {"A": [0, 1, 5], "B": [2, 3], "C": [4]}
    assert s.update({"A": 7, "B": 7, "C": 7}) == ["B", "C"]  # both done: their blocks go back at once
    assert s.num_free_blocks() == 3 and s.block_tables == {"A": [0, 1, 5]}


def test_preemption_frees_the_newest_and_recomputes_its_tokens():
    s = cb.Scheduler(num_blocks=3, block_size=2, max_num_batched_tokens=8, max_num_seqs=2)
    s.add_request("old", 2, 4)
    s.add_request("new", 2, 4)
    assert s.schedule() == ([("old", 0, 2), ("new", 0, 2)], [])
    s.update({"old": 1, "new": 1})
    batch, preempted = s.schedule()  # both need a 2nd block, one is free: "new" goes, "old" decodes
    assert batch == [("old", 2, 1)] and preempted == ["new"]
    assert s.block_tables == {"old": [0, 2]} and list(s.waiting)[0].request_id == "new"
    s.update({"old": 1})
    s.update({})
    batch, preempted = s.schedule()
    assert batch == [("old", 3, 1)] and preempted == []  # no admission while "new" cannot fit (1 free block < 2)
