"""Exercise: a continuous-batching scheduler over a paged KV cache, checked step by step.

The check is the model runner: it drives the learner's Scheduler through a request trace, writes
each scheduled token's state into the blocks the scheduler assigned, samples from what it reads
back through the block table, and checks the invariants after every step. The expected tokens
come from decoding each request alone (decode_alone), not from the reference scheduler.
"""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

PREAMBLE = "from collections import deque\n"

# name: (num_blocks, block_size, max_num_batched_tokens, max_num_seqs, [(arrival step, prompt length, max_new_tokens)], note)
SCENARIOS = {
    "joins_and_leaves": (
        64,
        4,
        32,
        8,
        [(0, 5, 6), (0, 9, 3), (1, 3, 8), (3, 12, 4), (4, 7, 1), (8, 4, 5)],
        "plenty of blocks: requests join at steps 0-8 and leave when done; a one-token request",
    ),
    "chunked_prefill": (
        64,
        4,
        8,
        8,
        [(0, 20, 4), (0, 13, 6), (2, 5, 5), (3, 17, 3)],
        "a budget of 8 tokens a step: 20- and 17-token prompts are prefilled in chunks beside the decodes",
    ),
    "preemption": (
        10,
        4,
        16,
        8,
        [(0, 8, 12), (0, 10, 10), (1, 9, 12), (2, 7, 9)],
        "40 slots for 4 requests of ~20 tokens: the newest are preempted and recomputed",
    ),
    "block_size_1_preemption": (
        20,
        1,
        12,
        4,
        [(0, 6, 8), (0, 5, 9), (0, 4, 7), (1, 3, 6)],
        "one token per block, 20 blocks: preemption under a tight budget",
    ),
    "two_seats": (
        48,
        8,
        64,
        2,
        [(0, 8, 3), (0, 16, 2), (0, 4, 4), (1, 9, 2), (1, 3, 1)],
        "max_num_seqs 2: the others wait their turn; prompts of exactly 1 and 2 blocks",
    ),
    "single_request": (8, 4, 4, 1, [(0, 11, 5)], "one request, a 4-token budget: chunks of 4, 4, 3, then decodes"),
    "budget_limits_the_batch": (
        64,
        2,
        3,
        6,
        [(0, 1, 7), (0, 2, 6), (0, 1, 1), (1, 3, 5), (1, 1, 4), (2, 2, 3)],
        "a budget of 3 tokens, 6 seats: the budget limits the batch to 3 decodes, later requests wait in the queue; "
        "one-token prompts",
    ),
    "no_admission_after_preemption": (
        8,
        1,
        7,
        4,
        [(2, 1, 2), (2, 6, 2)],
        "8 one-token blocks for 11 tokens: the newest request is preempted, and the blocks it frees would fit it "
        "again at once; a step that preempted admits nobody, so it waits a step",
    ),
    "exact_fit_blocks": (
        6,
        2,
        6,
        4,
        [(0, 4, 5), (0, 2, 4), (1, 3, 3), (2, 1, 3)],
        "6 blocks of 2: steps where the free blocks are exactly the ones a request is missing",
    ),
}


def scenario_cases():
    for n, (name, (num_blocks, block_size, budget, seats, reqs, note)) in enumerate(SCENARIOS.items()):
        s = 62000 + n
        rng = np.random.default_rng(s)
        yield Case(
            name,
            (),
            {
                "num_blocks": num_blocks,
                "block_size": block_size,
                "max_num_batched_tokens": budget,
                "max_num_seqs": seats,
                "arrivals": np.array([a for a, _, _ in reqs], dtype=np.int64),
                "prompts": [rng.integers(0, 50, p).astype(np.int64) for _, p, _ in reqs],
                "max_new_tokens": np.array([m for _, _, m in reqs], dtype=np.int64),
            },
            seed=s,
            note=note,
        )


class Violation(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def _ceil(a, b):
    return -(-a // b)


def serve(impl, num_blocks, block_size, max_num_batched_tokens, max_num_seqs, arrivals, prompts, max_new_tokens):
    """Run the trace through impl.Scheduler -> {"tokens": [generated tokens per request], "violation", "kind"}."""
    from reference_impls.numpy.continuous_batching import embed, next_token

    R = len(prompts)
    arrivals, max_new_tokens = [int(a) for a in arrivals], [int(m) for m in max_new_tokens]  # Python ints: faster
    sched = impl.Scheduler(num_blocks, block_size, max_num_batched_tokens, max_num_seqs)
    kv = np.zeros((num_blocks, block_size), dtype=np.int64)  # one state per slot; freed blocks keep stale ones
    tokens = [[int(t) for t in p] for p in prompts]
    computed = [0] * R  # tokens of each request in its cache, as the runner wrote them
    state = ["pending"] * R
    admitted = [-1] * R  # admission counter: higher = newer
    n_admitted = 0
    log = []  # per step: ({request: (start, n)}, sorted preempted ids), to compare with the policy's schedule
    limit = 10 * (sum(len(p) for p in prompts) + sum(max_new_tokens)) + 50
    try:
        for step in range(limit):
            if all(s == "finished" for s in state):
                break
            for r in range(R):
                if state[r] == "pending" and arrivals[r] <= step:
                    sched.add_request(r, len(prompts[r]), max_new_tokens[r])
                    state[r] = "waiting"
            out = sched.schedule()
            try:
                batch, preempted = out
                batch = [(int(r), int(start), int(n)) for r, start, n in batch]
                preempted = [int(r) for r in preempted]
            except (TypeError, ValueError):
                raise Violation(
                    "api",
                    f"step {step}: schedule() returned {out!r:.80}, not (batch of (request_id, start, n), preempted ids)",
                ) from None
            log.append(({r: (start, n) for r, start, n in batch}, sorted(preempted)))
            for r in preempted:
                if not 0 <= r < R or state[r] != "running":
                    raise Violation("api", f"step {step}: preempted request {r}, which is not running")
                state[r], computed[r] = "waiting", 0
            for p in preempted:
                newer = [r for r in range(R) if state[r] == "running" and admitted[r] > admitted[p]]
                if newer:
                    raise Violation(
                        "victim",
                        f"step {step}: request {p} was preempted while request {newer[0]}, admitted after it, keeps "
                        "running",
                    )
            _check_batch(step, batch, state, computed, tokens, arrivals, max_num_batched_tokens, max_num_seqs)
            idle = not batch and not preempted and "running" not in state
            if idle and "waiting" in state:  # every block free, the whole budget unused, and still nobody runs
                waiting = [r for r in range(R) if state[r] == "waiting"]
                raise Violation(
                    "starved",
                    f"step {step}: nothing was scheduled although requests {waiting} wait and none runs (every "
                    f"block is free, the budget of {max_num_batched_tokens} tokens unused)",
                )
            for r, _, _ in batch:
                if state[r] == "waiting":
                    state[r], admitted[r] = "running", n_admitted
                    n_admitted += 1
            after = {r: start + n for r, start, n in batch}
            _check_blocks(step, sched, state, {r: after.get(r, computed[r]) for r in range(R)}, block_size, num_blocks)
            sampled = {}
            for r, start, n in batch:  # the model runner: write the states, read them back through the table
                table = [int(b) for b in sched.block_tables[r]]
                pos = np.arange(start, start + n)
                blocks = np.array(table, dtype=np.int64)[pos // block_size]
                kv[blocks, pos % block_size] = embed(tokens[r][start : start + n], pos)
                computed[r] = start + n
                if computed[r] == len(tokens[r]):
                    everything = np.arange(computed[r])
                    sampled[r] = next_token(
                        kv[np.array(table, dtype=np.int64)[everything // block_size], everything % block_size]
                    )
            for r, token in sampled.items():
                tokens[r].append(token)
                if len(tokens[r]) - len(prompts[r]) == max_new_tokens[r]:
                    state[r] = "finished"
            sched.update(dict(sampled))
            _check_blocks(step, sched, state, computed, block_size, num_blocks, after_update=True)
        else:
            stuck = [r for r in range(R) if state[r] != "finished"]
            raise Violation(
                "starved",
                f"after {limit} steps, requests {stuck} have not finished (states {[state[r] for r in stuck]})",
            )
    except Violation as v:
        return {"tokens": _generated(tokens, prompts), "violation": str(v), "kind": v.kind, "schedule": log}
    return {"tokens": _generated(tokens, prompts), "violation": "", "kind": "", "schedule": log}


def _generated(tokens, prompts):
    return [np.array(t[len(p) :], dtype=np.int64) for t, p in zip(tokens, prompts, strict=True)]


def _check_batch(step, batch, state, computed, tokens, arrivals, budget, seats):
    ids = [r for r, _, _ in batch]
    if len(set(ids)) != len(ids):
        raise Violation("api", f"step {step}: a request appears twice in the batch {batch}")
    total = sum(n for _, _, n in batch)
    if total > budget:
        raise Violation(
            "budget",
            f"step {step}: {total} tokens scheduled ({', '.join(f'request {r}: {n}' for r, _, n in batch)}), over the "
            f"budget of {budget} tokens per step",
        )
    running = sum(s == "running" for s in state) + sum(state[r] == "waiting" for r in ids if 0 <= r < len(state))
    if running > seats:
        raise Violation("seats", f"step {step}: {running} requests hold a place, over max_num_seqs = {seats}")
    for r, start, n in batch:
        if not 0 <= r < len(state) or state[r] not in ("waiting", "running"):
            raise Violation("api", f"step {step}: request {r} is scheduled but is not waiting or running")
        if n < 1:
            raise Violation("api", f"step {step}: request {r} is scheduled for {n} tokens")
        if start != computed[r]:
            raise Violation(
                "chunk",
                f"step {step}: request {r} is scheduled for tokens {start}..{start + n - 1}, but its cache holds tokens "
                f"0..{computed[r] - 1}: the next tokens to compute start at {computed[r]}",
            )
        if start + n > len(tokens[r]):
            raise Violation(
                "chunk",
                f"step {step}: request {r} is scheduled for tokens {start}..{start + n - 1}, but it has only "
                f"{len(tokens[r])} tokens so far",
            )
        if state[r] == "waiting":
            earlier = [
                w
                for w in range(len(state))
                if state[w] == "waiting" and w not in ids and (arrivals[w], w) < (arrivals[r], r)
            ]
            if earlier:
                raise Violation(
                    "fcfs",
                    f"step {step}: request {r} was admitted while request {earlier[0]}, which arrived before it, waits",
                )


def _check_blocks(step, sched, state, tokens_in_cache, block_size, num_blocks, after_update=False):
    when = f"step {step}" + (", after update()" if after_update else "")
    tables = {int(r): [int(b) for b in t] for r, t in sched.block_tables.items()}
    owner = {}
    for r, table in tables.items():
        if table and (not 0 <= r < len(state) or state[r] != "running"):  # an empty table holds nothing
            what = "finished" if 0 <= r < len(state) and state[r] == "finished" else "not running"
            raise Violation("leak", f"{when}: request {r} is {what} but still has a block table ({len(table)} blocks)")
        for b in table:
            if not 0 <= b < num_blocks:
                raise Violation("api", f"{when}: request {r} holds block {b}, not in 0..{num_blocks - 1}")
            if b in owner:
                raise Violation(
                    "shared", f"{when}: block {b} is held by requests {owner[b]} and {r} (or twice by one of them)"
                )
            owner[b] = r
    for r, s in enumerate(state):
        if s == "running":
            need = _ceil(tokens_in_cache[r], block_size)
            have = len(tables.get(r, []))
            if have != need:
                raise Violation(
                    "blocks",
                    f"{when}: request {r} has {tokens_in_cache[r]} tokens in its cache and holds {have} blocks of "
                    f"{block_size}, not ceil({tokens_in_cache[r]} / {block_size}) = {need}",
                )
    free = int(sched.num_free_blocks())
    if len(owner) + free != num_blocks:
        kind = "leak" if len(owner) + free < num_blocks else "double_free"
        raise Violation(
            kind,
            f"{when}: {len(owner)} blocks held by running requests + {free} free = {len(owner) + free}, not the "
            f"{num_blocks} blocks of the cache",
        )


def expected_tokens(num_blocks, block_size, max_num_batched_tokens, max_num_seqs, arrivals, prompts, max_new_tokens):
    """Each request decoded alone: what any correct schedule must produce; and the policy's schedule, step by step
    (the reference scheduler through the same runner: the task states the policy, so the schedule is determined)."""
    from reference_impls.numpy import continuous_batching as policy
    from reference_impls.numpy.continuous_batching import decode_alone

    tokens = [np.array(decode_alone(p, int(m)), dtype=np.int64) for p, m in zip(prompts, max_new_tokens, strict=True)]
    trace = (num_blocks, block_size, max_num_batched_tokens, max_num_seqs, arrivals, prompts, max_new_tokens)
    return {"tokens": tokens, "violation": "", "kind": "", "schedule": serve(policy, *trace)["schedule"]}


def compare_run(expected, actual, case):
    if not isinstance(actual, dict):
        return f"expected the run's record, got {type(actual).__name__}"
    if actual["violation"]:
        return actual["violation"]
    wrong = _token_difference(expected, actual)
    if wrong:
        return wrong
    difference = policy_difference(expected, actual, case)
    return difference[1] if difference else None


def _token_difference(expected, actual):
    for r, (want, got) in enumerate(zip(expected["tokens"], actual["tokens"], strict=True)):
        if len(got) != len(want) or not np.array_equal(got, want):
            first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
            return (
                f"request {r} generated {got.tolist()}, but decoding it alone gives {want.tolist()} (first difference "
                f"at output token {first})"
            )
    return None


def _show(batch):
    return "{" + ", ".join(f"{r}: tokens {start}..{start + n - 1}" for r, (start, n) in batch.items()) + "}"


def policy_difference(expected, actual, case):
    """(kind, message) at the first step where the learner's schedule is not the policy's, else None."""
    budget = case.kwargs["max_num_batched_tokens"]
    for step, ((batch, preempted), (want, want_preempted)) in enumerate(
        zip(actual["schedule"], expected["schedule"], strict=False)
    ):
        if (batch, preempted) == (want, want_preempted):
            continue
        both = f"(your batch {_show(batch)}; the policy's {_show(want)}; a budget of {budget} tokens)"
        if preempted != want_preempted:
            return "preempt", (
                f"step {step}: your scheduler preempted {preempted or 'nobody'}, the policy preempts "
                f"{want_preempted or 'nobody'} {both}"
            )
        skipped = [r for r in want if r not in batch]
        if skipped:
            r = skipped[0]
            start, n = want[r]
            return "skipped", (
                f"step {step}: request {r} is not scheduled, but the policy gives it tokens {start}..{start + n - 1} "
                f"{both}"
            )
        extra = [r for r in batch if r not in want]
        if extra:
            return (
                "extra",
                f"step {step}: request {extra[0]} is scheduled, but the policy leaves it out this step {both}",
            )
        r = next(r for r in want if batch[r] != want[r])
        return "size", (
            f"step {step}: request {r} gets {batch[r][1]} tokens, the policy gives it {want[r][1]} = min(its tokens "
            f"not in the cache, the budget left) {both}"
        )
    return None  # equal steps so far: the same state, so the runs end together


def _kind(*kinds):
    return lambda case, actual, expected: isinstance(actual, dict) and actual.get("kind") in kinds


def _finished_with_table(case, actual, expected) -> bool:
    """A request the runner saw reach max_new_tokens still holds a block table after update()."""
    return _kind("leak")(case, actual, expected) and "is finished but still has a block table" in str(
        actual.get("violation", "")
    )


def _policy(*kinds):
    def when(case, actual, expected):
        if not isinstance(actual, dict) or actual.get("violation") or _wrong_tokens(case, actual, expected):
            return False
        difference = policy_difference(expected, actual, case)
        return difference is not None and difference[0] in kinds

    return when


def _wrong_tokens(case, actual, expected):
    return isinstance(actual, dict) and not actual.get("violation") and _token_difference(expected, actual) is not None


EXERCISE = Exercise.of(
    info("continuous_batching"),
    preamble=PREAMBLE,
    task="""Continuous batching (Orca, vLLM): the batch is re-decided at every forward pass, so a finished request
leaves at once and a waiting one joins. Write the scheduler; the check is the model runner, and each
step it calls add_request for the requests arriving, then schedule(), runs the batch, then update().

Scheduler(num_blocks, block_size, max_num_batched_tokens, max_num_seqs):
  - a paged KV cache of num_blocks blocks of block_size tokens: a FIFO free list (collections.deque of
    0 .. num_blocks - 1); block_tables: dict request_id -> list of block ids, for every request that holds
    blocks (and only those); num_free_blocks() -> int.
  - add_request(request_id, num_prompt_tokens, max_new_tokens): it joins the waiting queue (FCFS).
  - schedule() -> (batch, preempted): batch is a list of (request_id, start, n): compute tokens
    start .. start + n - 1 of the request (start = the tokens already in its cache); preempted lists the
    ids preempted in this step. Before returning, every scheduled request must hold exactly
    ceil((start + n) / block_size) blocks.
  - update(sampled): sampled = {request_id: token} for each request whose cache now holds every token it
    has (its prompt is done, or it decoded); count the token; after max_new_tokens tokens the request is
    finished: its blocks go back on the free list and its table is dropped, at once.

The policy (vLLM v1's):
  1. Token budget: at most max_num_batched_tokens tokens per STEP over all requests; at most
     max_num_seqs requests admitted at once. A request gets n = min(tokens not yet in its cache, budget
     left): a prompt longer than that is prefilled in chunks (chunked prefill); a decode is n = 1.
  2. Running requests first, oldest admitted first. When the free list lacks the blocks one needs,
     preempt the NEWEST running request (free its blocks, reset its computed tokens to 0, put it back at
     the FRONT of the waiting queue), again until the blocks suffice; if the newest is the request
     itself, preempt it and stop scheduling running requests this step. On readmission it recomputes
     its prompt AND the tokens it generated (preemption by recompute).
  3. Then, only if nothing was preempted this step, admit waiting requests in FCFS order while the
     budget, max_num_seqs and the free blocks allow; stop at the first that does not fit (no
     overtaking, so no request starves).

The check runs request traces through your scheduler with a toy model whose tokens depend on every
cached state, read through your block tables, and requires the tokens of each request to equal
decoding it alone. After every step it checks: no block leaked or held twice, the budget and
max_num_seqs kept, chunks continuing where the cache ends, FCFS admission, preemption of the newest,
and that every request finishes; and the schedule must be the policy's: at each step the same requests,
the same chunks and the same preemptions as the policy above gives (the order within the batch and
within preempted is free).""",
    entry_points=(
        EntryPoint(
            "Scheduler",
            "(self, num_blocks, block_size, max_num_batched_tokens, max_num_seqs)",
            "A free list of blocks, block_tables, a waiting queue and a running list.",
            kind="class",
            methods=(
                EntryPoint("num_free_blocks", "(self)", "How many blocks are on the free list."),
                EntryPoint(
                    "add_request",
                    "(self, request_id, num_prompt_tokens, max_new_tokens)",
                    "Queue a new request (FCFS).",
                ),
                EntryPoint(
                    "schedule",
                    "(self)",
                    "One step: -> (batch [(request_id, start, n), ...], preempted [request_id, ...]).",
                ),
                EntryPoint(
                    "update",
                    "(self, sampled)",
                    "sampled {request_id: token}: count the tokens; finish and free the requests that are done.",
                ),
            ),
        ),
    ),
    checks=(
        Check(
            "serve",
            "Scheduler",
            scenario_cases,
            call=serve,
            expected=expected_tokens,
            compare=compare_run,
            description="8 traces: requests joining and leaving, chunked prefill (budget 8), preemption (10 blocks; 6 of 2; "
            "block size 1), max_num_seqs 2, a lone request, a budget of 3 decodes: tokens equal decoding "
            "alone; invariants after every step; the policy's schedule",
        ),
    ),
    probes=(
        Probe(
            "blocks leak: when a request finishes (or is preempted), put every block of its table back on the free "
            "list and drop its table",
            when=_kind("leak"),
        ),
        Probe(
            "a request is done after exactly max_new_tokens sampled tokens: finish it in that update() (num_output "
            "== max_new_tokens; a test with > runs one token too long), free its blocks and drop its table "
            "(del block_tables[request_id])",
            when=_finished_with_table,
        ),
        Probe(
            "at most max_num_seqs requests run at once: admit a waiting request only while len(running) < "
            "max_num_seqs (preempted ones give their place back)",
            when=_kind("seats"),
        ),
        Probe(
            "a block is handed out twice: take blocks from the free list only (popleft), and return a request's "
            "blocks exactly once",
            when=_kind("shared", "double_free"),
        ),
        Probe(
            "the token budget is per STEP: the tokens of all scheduled requests together, decodes and prefill "
            "chunks, stay within max_num_batched_tokens; give each request min(its tokens not in the cache, the "
            "budget LEFT)",
            when=_kind("budget"),
        ),
        Probe(
            "a chunk must continue where the request's cache ends: schedule tokens num_computed .. num_computed + "
            "n - 1, then advance num_computed by n (a preempted request restarts at 0)",
            when=_kind("chunk"),
        ),
        Probe(
            "preempt the NEWEST running request (the end of the running list), one at a time until the blocks "
            "suffice: the oldest keep their progress, so none starves",
            when=_kind("victim"),
        ),
        Probe(
            "admission is FCFS: admit the head of the waiting queue or nobody (preempted requests go back to the "
            "FRONT); a later request never overtakes an earlier one",
            when=_kind("fcfs"),
        ),
        Probe(
            "take blocks only as the tokens need them: after a step a request holds ceil(tokens in its cache / "
            "block_size) blocks, a new one exactly when its last block is full",
            when=_kind("blocks"),
        ),
        Probe(
            "requests never finish: split prompts longer than the budget into chunks, preempt when blocks run "
            "out, and readmit preempted requests",
            when=_kind("starved"),
        ),
        Probe(
            "preempt only when the free list holds FEWER blocks than the request is missing (ceil((computed + n) / "
            "block_size) minus the blocks it holds): exactly enough is enough, and a decode whose last block has "
            "room needs none",
            when=_policy("preempt"),
        ),
        Probe(
            "use the whole budget each step: every running request, oldest first, gets n = min(its tokens not in "
            "the cache, the budget LEFT) while any is left (a decode needs 1); then admit the head of the queue "
            "while the budget, max_num_seqs and the free blocks allow (exactly enough blocks is enough)",
            when=_policy("skipped", "size"),
        ),
        Probe(
            "schedule nothing the policy leaves out: a request that preempts itself ends the step's running pass, "
            "and a step that preempted admits nobody",
            when=_policy("extra"),
        ),
        Probe(
            "the tokens differ from decoding alone although every invariant held: a request readmitted after "
            "preemption must recompute its prompt AND the tokens it generated (num_prompt_tokens + outputs)",
            when=_wrong_tokens,
        ),
    ),
    # Not declared, though equivalent: the admission loop's `n = min(req.num_tokens, budget)` (a waiting
    # request has nothing cached, so num_computed_tokens is 0); its line is the running loop's too, whose
    # mutant the checks kill, and a declaration cannot tell two equal lines of one function apart.
    equivalent_mutants=tuple(
        Equivalent(
            "Scheduler.schedule",
            "while i < len(self.running) and budget > 0",
            edit,
            "the running pass never starts a request with the budget spent: admission stops at budget 0 and each "
            "request admitted takes at least 1 token, so at most max_num_batched_tokens requests run, each needing "
            "at least 1; a running request with a prefill chunk left after a step ended its step's budget, and no "
            "request was admitted after it (random traces of tests/reference agree)",
        )
        for edit in ("budget >= 0", "budget > (-1)")
    ),
)
