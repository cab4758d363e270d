"""Continuous batching over a paged KV cache: a scheduler step loop with a token budget, chunked prefill,
preemption by recompute, and blocks freed when a request finishes.

Static batching runs a batch until its longest request ends; continuous (iteration-level) batching
(Yu et al. 2022, Orca; vLLM) re-decides the batch at every forward pass: finished requests leave
at once and waiting ones join. Each step, the scheduler gives the model runner a list of (request,
start, n): compute tokens start .. start + n - 1 of that request (a prompt chunk, or the one token
sampled last), write their K/V into the request's blocks, and sample a token for each request
whose cache then holds every token it has.

Policy (vLLM v1's scheduler, simplified; Kwon et al. 2023, Sec. 4.5 for preemption):
- Budget: at most max_num_batched_tokens tokens per STEP over all requests, at most max_num_seqs
  requests holding a place. A request gets min(its tokens not yet in the cache, the budget left): a
  prompt longer than that is prefilled in chunks over several steps (chunked prefill, Agrawal et
  al. 2024, Sarathi-Serve), decodes and prefill chunks sharing a step.
- Running requests first, oldest first. Each needs ceil((computed + n) / block_size) blocks; when
  the free list cannot supply the missing ones, the NEWEST running request is preempted (its
  blocks freed, its computed count reset to 0, put back at the FRONT of the waiting queue) until
  they can; if the request itself is the newest, it is preempted and the step's running pass
  stops. Recompute: on readmission it prefills its prompt AND the tokens it generated (swapping the
  blocks to CPU memory is vLLM's other option; recompute needs no copy and is its v1 default).
- Then, only in a step without preemption, waiting requests in FCFS order while the budget, the
  seat limit and the free blocks allow; the first that does not fit stops admission (no
  overtaking, so no request starves).
- A request finishes after max_new_tokens tokens: its blocks go back on the free list at once.

Free list: a FIFO deque of block ids (the allocator of reference_impls/torch/paged_kv.py, rewritten
here in plain Python: the scheduler touches no tensors, and its child does not pay for torch).

The model is a toy with exact integer arithmetic, so outputs compare exactly: the cache holds one
integer state per token, embed(token, position); the next token is a hash of the states 0..L-1
read through the block table, weighted by position. Any stale, missing, shared or misplaced slot
changes the tokens; decoding a request alone (decode_alone) gives what the batched run must give.
"""

from collections import deque
from dataclasses import dataclass, field

import numpy as np

VOCAB = 50
MODULUS = 1_000_003


def embed(tokens, positions):
    """The state the model caches for a token at a position (int64)."""
    tokens, positions = np.asarray(tokens, dtype=np.int64), np.asarray(positions, dtype=np.int64)
    return (tokens * 7919 + positions * 104729 + 12345) % MODULUS


def next_token(states):
    """The greedy next token from the cached states of positions 0..L-1, in order."""
    weights = np.arange(1, len(states) + 1, dtype=np.int64)
    return int(np.dot(states, weights) % MODULUS % VOCAB)


def decode_alone(prompt, max_new_tokens):
    """The tokens one request generates by itself, no batching, no cache."""
    tokens = [int(t) for t in prompt]
    for _ in range(max_new_tokens):
        tokens.append(next_token(embed(tokens, np.arange(len(tokens)))))
    return tokens[len(prompt) :]


@dataclass(eq=False)
class Request:
    request_id: object
    num_prompt_tokens: int
    max_new_tokens: int
    num_output_tokens: int = 0
    num_computed_tokens: int = 0  # tokens whose state is in the cache
    blocks: list = field(default_factory=list)

    @property
    def num_tokens(self):
        return self.num_prompt_tokens + self.num_output_tokens


class Scheduler:
    def __init__(self, num_blocks, block_size, max_num_batched_tokens, max_num_seqs):
        self.block_size = block_size
        self.max_num_batched_tokens = max_num_batched_tokens
        self.max_num_seqs = max_num_seqs
        self.free_blocks = deque(range(num_blocks))
        self.waiting = deque()  # FCFS; preempted requests go back to the front
        self.running = []  # admission order: the last one is the newest
        self.block_tables = {}  # request id -> its block ids, for the requests holding blocks

    def num_free_blocks(self):
        return len(self.free_blocks)

    def add_request(self, request_id, num_prompt_tokens, max_new_tokens):
        self.waiting.append(Request(request_id, num_prompt_tokens, max_new_tokens))

    def schedule(self):
        """-> (batch: [(request_id, start, n), ...], preempted: [request_id, ...]) for this step."""
        budget = self.max_num_batched_tokens
        batch, preempted = [], []
        i = 0
        while i < len(self.running) and budget > 0:
            req = self.running[i]
            n = min(req.num_tokens - req.num_computed_tokens, budget)
            while self._blocks_missing(req, n) > len(self.free_blocks):
                victim = self._preempt_newest()
                preempted.append(victim.request_id)
                if victim is req:
                    break
            if req not in self.running:  # it was the newest itself: nothing more runs this step
                break
            self._schedule(req, n, batch)
            budget -= n
            i += 1
        while not preempted and self.waiting and budget > 0 and len(self.running) < self.max_num_seqs:
            req = self.waiting[0]
            n = min(req.num_tokens - req.num_computed_tokens, budget)
            if self._blocks_missing(req, n) > len(self.free_blocks):
                break  # FCFS: nobody overtakes the head of the queue
            self.waiting.popleft()
            self.running.append(req)
            self._schedule(req, n, batch)
            budget -= n
        return batch, preempted

    def update(self, sampled):
        """sampled: {request_id: token} for the requests whose cache now holds all their tokens -> finished ids."""
        finished = []
        for req in list(self.running):
            if req.request_id in sampled:
                req.num_output_tokens += 1
                if req.num_output_tokens == req.max_new_tokens:
                    self.running.remove(req)
                    self._free(req)
                    finished.append(req.request_id)
        return finished

    def _blocks_missing(self, req, n):
        needed = -(-(req.num_computed_tokens + n) // self.block_size)  # ceil
        return max(0, needed - len(req.blocks))

    def _schedule(self, req, n, batch):
        for _ in range(self._blocks_missing(req, n)):
            req.blocks.append(self.free_blocks.popleft())
        self.block_tables[req.request_id] = req.blocks
        batch.append((req.request_id, req.num_computed_tokens, n))
        req.num_computed_tokens += n

    def _preempt_newest(self):
        victim = self.running.pop()  # the newest: the oldest requests keep their progress
        self._free(victim)
        victim.num_computed_tokens = 0  # recompute: prompt and generated tokens are prefilled again
        self.waiting.appendleft(victim)
        return victim

    def _free(self, req):
        self.free_blocks.extend(req.blocks)
        req.blocks = []
        del self.block_tables[req.request_id]
