"""Exercise: profile a slow decode loop with torch.profiler, read its hot ops, and fix it (speed-up measured).

The learner's file starts with the given model and loop (copied from the reference, between its
markers). The checks build the model themselves (the reference's TinyLM, the same code), so the
learner fixes the loop, not the model. The speed-up is measured in the child against the given
slow_generate, interleaved and repeated, as a ratio: the fix removes O(n^2) work, so a correct
solution is several times faster and an unfixed one about 1x, far from the threshold either way.
"""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._torch import MODEL_TOL, case

PREAMBLE = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"

_SOURCE = Path(__file__).resolve().parents[1] / "torch" / "decode_profiling.py"


def _given_code():
    """The reference's model and slow loop: what the stub gives the learner to profile."""
    text = _SOURCE.read_text(encoding="utf-8")
    start = text.index("class Block(nn.Module):")
    end = text.index("# -- the fix, and the profile's reading")
    return (
        "# -- given: the model and the loop to profile (do not change them) --\n\n\n" + text[start:end].rstrip() + "\n"
    )


SPEEDUP_REQUIRED = 2.5  # the fix is ~5-8x at this size (on a busy 2-core machine too); the unfixed loop ~1x
REPEATS = 3
SPEED_SHAPE = dict(prompt_len=256, n_new=16, model_seed=3)  # a long context: the recomputed prefix dominates


def _model_and_prompt(prompt_len, seed):
    import torch

    from reference_impls.torch.decode_profiling import TinyLM

    model = TinyLM(seed=seed).eval()
    prompt = torch.randint(0, model.head.out_features, (prompt_len,), generator=torch.Generator().manual_seed(seed))
    return model, prompt


def _single_thread(fn):
    """Run fn with one intra-op thread: timings on a shared machine vary less, and the ratio is what counts."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn()
    finally:
        torch.set_num_threads(threads)


# -- outputs unchanged --------------------------------------------------------------------------------


def output_cases():
    notes = {
        "one_token_prompt": "a prompt of 1 token",
        "one_new_token": "n_new 1: the prefill's last logits only",
        "long": "30 tokens after 8: the cache grows past the prompt",
    }
    for n, (name, p, k) in enumerate(
        [("random", 12, 10), ("one_token_prompt", 1, 8), ("one_new_token", 40, 1), ("long", 8, 30)]
    ):
        yield case(name, 63000 + n, note=notes.get(name, ""), prompt_len=p, n_new=k, model_seed=63000 + n)


def output_call(impl, prompt_len, n_new, model_seed):
    model, prompt = _model_and_prompt(prompt_len, model_seed)
    import torch

    tokens, logits = _single_thread(lambda: impl.fast_generate(model, prompt.clone(), n_new))
    return {"tokens": torch.as_tensor(tokens).detach().numpy(), "logits": torch.as_tensor(logits).detach().numpy()}


def output_expected(prompt_len, n_new, model_seed):
    """What the given slow loop produces: the fix must not change it."""
    from reference_impls.torch.decode_profiling import slow_generate

    model, prompt = _model_and_prompt(prompt_len, model_seed)
    tokens, logits = _single_thread(lambda: slow_generate(model, prompt, n_new))
    return {"tokens": tokens.numpy(), "logits": logits.numpy()}


# -- the speed-up -------------------------------------------------------------------------------------


def speed_cases():
    yield case(
        "prompt_256_new_16",
        SPEED_SHAPE["model_seed"],
        note=f"slow_generate vs yours, interleaved, median of {REPEATS} each; at least {SPEEDUP_REQUIRED}x required",
        **SPEED_SHAPE,
    )


def speed_call(impl, prompt_len, n_new, model_seed):
    import statistics
    import time

    from reference_impls.torch.decode_profiling import slow_generate

    model, prompt = _model_and_prompt(prompt_len, model_seed)

    def timed(fn):
        t0 = time.perf_counter()
        out = fn(model, prompt.clone(), n_new)
        return time.perf_counter() - t0, out

    def measure():
        slow, fast = [], []
        for _ in range(REPEATS):  # interleaved: a burst of load on the machine hits both
            t, reference = timed(slow_generate)
            slow.append(t)
            t, yours = timed(impl.fast_generate)
            fast.append(t)
        return statistics.median(slow), statistics.median(fast), reference, yours

    slow, fast, (ref_tokens, _), (tokens, _) = _single_thread(measure)
    return {
        "speedup": slow / fast,
        "slow_s": slow,
        "yours_s": fast,
        "same_tokens": bool(np.array_equal(np.asarray(tokens), ref_tokens.numpy())),
    }


def speed_compare(expected, actual, case):
    if not actual["same_tokens"]:
        return "in the timed run your tokens differ from slow_generate's: the fix must not change the output"
    if actual["speedup"] < SPEEDUP_REQUIRED:
        return (
            f"speed-up {actual['speedup']:.2f}x (slow_generate {actual['slow_s'] * 1e3:.0f} ms, yours "
            f"{actual['yours_s'] * 1e3:.0f} ms, median of {REPEATS}), below the {SPEEDUP_REQUIRED}x required"
        )
    return None


# -- the profile's hot ops ----------------------------------------------------------------------------


def hot_ops_cases():
    for k, note in [(5, ""), (1, "k 1: the hottest op"), (10_000, "k larger than the number of ops: all")]:
        yield case(f"k_{k}", 63100, note=note, k=k, prompt_len=24, n_new=3, model_seed=63100)


_PROFILES = {}  # (prompt_len, n_new, model_seed) -> (profile, its averages as rows): one profile for all k


def _profile(prompt_len, n_new, model_seed):
    """Profile the slow loop once: the profile, the reference's ranking of every op, the ranking by inclusive time."""
    import torch

    from reference_impls.torch.decode_profiling import hot_ops, slow_generate

    key = (prompt_len, n_new, model_seed)
    if key not in _PROFILES:
        model, prompt = _model_and_prompt(prompt_len, model_seed)
        with _quiet_stderr(), torch.autograd.profiler.profile() as prof:  # torch.profiler's engine, a faster start
            slow_generate(model, prompt, n_new)
        events = [
            (e.key, float(e.self_cpu_time_total), int(e.count), float(e.cpu_time_total)) for e in prof.key_averages()
        ]
        by_total = [row[:3] for row in sorted(events, key=lambda row: (-row[3], row[0]))]
        _PROFILES[key] = prof, hot_ops(prof, 10**9), by_total
    return _PROFILES[key]


def hot_ops_call(impl, k, prompt_len, n_new, model_seed):
    """Your hot_ops and the reference's reading of the SAME profile of the slow loop."""
    prof, every, by_total = _profile(prompt_len, n_new, model_seed)
    yours = impl.hot_ops(prof, k)
    return {
        "yours": [tuple(row) for row in yours] if isinstance(yours, list | tuple) else yours,
        "reference": every[:k],
        "every_op": every,
        "by_total": by_total[:k],
    }


@contextmanager
def _quiet_stderr():
    """The profiler's C++ side logs its start and stop on fd 2: keep them out of the learner's captured stderr
    (into a pipe, read by nobody: no file is opened, and the few lines fit its buffer)."""
    sys.stderr.flush()
    saved = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        for fd in (saved, read_end, write_end):
            os.close(fd)


def _rows_equal(a, b):
    return len(a) == len(b) and all(
        x[0] == y[0] and x[2] == y[2] and abs(x[1] - y[1]) <= 1e-6 * max(1.0, abs(y[1]))
        for x, y in zip(a, b, strict=True)
    )


def hot_ops_compare(expected, actual, case):
    yours, want, every = actual["yours"], actual["reference"], actual["every_op"]
    if not isinstance(yours, list) or not all(isinstance(r, tuple) and len(r) == 3 for r in yours):
        return f"hot_ops must return a list of (name, self CPU time in us, calls) tuples, got {str(yours)[:120]}"
    try:
        rows = [(str(n), float(t), int(c)) for n, t, c in yours]
    except (TypeError, ValueError):
        return f"each row must be (name: str, self CPU us: float, calls: int), got {yours[:2]}"
    if len(rows) != len(want):
        return f"{len(rows)} rows, expected {len(want)} (k = {case.kwargs['k']}, {len(every)} ops in the profile)"
    known = {(n, c): t for n, t, c in every}
    for i, ((name, t, calls), (_, t_want, _)) in enumerate(zip(rows, want, strict=True)):
        if (name, calls) not in known or abs(known[(name, calls)] - t) > 1e-6 * max(1.0, t):
            return f"row {i} {(name, t, calls)} is not an op of the profile with that self CPU time and call count"
        if abs(t - t_want) > 1e-6 * max(1.0, t_want):  # ties may come in any order; the times may not
            return f"row {i} has self CPU time {t:.3f} us, but the row {i} of the ranking has {t_want:.3f} us: {want[: i + 1]}"
    return None


# -- known mistakes -----------------------------------------------------------------------------------


def _too_slow(case, actual, expected):
    return isinstance(actual, dict) and actual.get("same_tokens") and actual.get("speedup", 99) < SPEEDUP_REQUIRED


def _inclusive_time(case, actual, expected):
    return (
        isinstance(actual, dict)
        and isinstance(actual.get("yours"), list)
        and not _rows_equal(actual["yours"], actual["reference"])
        and _rows_equal(actual["yours"], actual["by_total"])
    )


def _ascending(case, actual, expected):
    if not isinstance(actual, dict) or not isinstance(actual.get("yours"), list) or len(actual["yours"]) < 2:
        return False
    k = len(actual["reference"])
    lowest = sorted(actual["every_op"], key=lambda r: (r[1], r[0]))[:k]
    return _rows_equal(actual["yours"], lowest)


EXERCISE = Exercise.of(
    info("decode_profiling"),
    preamble=PREAMBLE,
    scaffold=_given_code(),
    task=f"""Profile a slow greedy decode loop on CPU, find what it wastes, and fix it.

Given below: TinyLM (a small GPT whose forward(idx, past=None) returns the logits of the new tokens and
`present`, the per-layer K/V cache to pass as `past` next time) and slow_generate(model, prompt, n_new),
which returns (tokens (n_new,) int64, logits (n_new, vocab) float32). Do not change them: the check
builds TinyLM from this code and passes it to your functions.

1. Profile it, e.g. with model = TinyLM().eval() and prompt = torch.randint(0, 64, (256,)):
       with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
           slow_generate(model, prompt, 32)
       print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))
   (torch.autograd.profiler.profile() records the same events and starts faster.) Look at which ops
   dominate SELF CPU time, how many calls they make, and how that grows with n_new.
2. hot_ops(prof, k=5): from prof.key_averages(), the k ops with the most self CPU time, as a list of
   (name, self CPU time in us, calls) = (e.key, e.self_cpu_time_total, e.count), largest first (ties by
   name). The check profiles slow_generate and compares yours with the reference's reading of the
   same profile.
3. fast_generate(model, prompt, n_new): the same outputs as slow_generate (the same tokens; logits
   within float rounding), without the wasted work. The check times both in one process, interleaved,
   median of {REPEATS} runs (a prompt of 256 tokens, 16 new) and needs a speed-up of at least
   {SPEEDUP_REQUIRED}x; the fix the profile points to gives several times that.""",
    entry_points=(
        EntryPoint(
            "fast_generate",
            "(model, prompt, n_new)",
            "prompt (T,) int64 -> (tokens (n_new,) int64, logits (n_new, vocab)): slow_generate's outputs, fast.",
        ),
        EntryPoint(
            "hot_ops",
            "(prof, k=5)",
            "prof: a finished profile -> [(name, self CPU us, calls), ...]: the k ops with the most self CPU time.",
        ),
    ),
    checks=(
        Check(
            "outputs",
            "fast_generate",
            output_cases,
            call=output_call,
            expected=output_expected,
            tolerance=MODEL_TOL,
            description="prompts of 12 / 1 / 40 / 8 tokens, 10 / 8 / 1 / 30 new: the tokens and logits of slow_generate",
        ),
        Check(
            "speedup",
            "fast_generate",
            speed_cases,
            call=speed_call,
            compare=speed_compare,
            reference_output=False,
            description=f"timed against slow_generate in the same process: at least {SPEEDUP_REQUIRED}x, same tokens",
        ),
        Check(
            "hot_ops",
            "hot_ops",
            hot_ops_cases,
            call=hot_ops_call,
            compare=hot_ops_compare,
            reference_output=False,
            description="k 5 / 1 / all on a profile of slow_generate: the reference's reading of the same profile",
        ),
    ),
    probes=(
        Probe(
            "the speed-up was too small: the loop still does the work the profile shows growing with the sequence. "
            "Every step runs the model over the WHOLE prefix; run the prompt once, then feed only the new token "
            "with past=present (the KV cache), so each step costs one token's matmuls",
            when=_too_slow,
        ),
        Probe(
            "the cache is not carried: pass the `present` the model returns as the next step's `past` (a stale past "
            "makes every step attend to the prompt only, at the wrong position)",
            impl="wrong/decode_profiling/stale_past.py",
            checks=("outputs",),
        ),
        Probe(
            "rank by SELF CPU time (e.self_cpu_time_total): inclusive CPU time (cpu_time_total) counts the ops each "
            "op calls, so wrappers like aten::linear rank above the aten::addmm doing the work",
            when=_inclusive_time,
        ),
        Probe("largest first: sort by self CPU time in decreasing order", when=_ascending),
    ),
)
