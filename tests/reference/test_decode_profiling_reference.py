"""decode_profiling.py: the cached loop gives the slow loop's tokens and the full forward's logits (teacher
forcing); hot_ops reads a profile as torch's own printed table does; the fix removes most of the FLOPs
(counted by torch, not timed); the stub's given code is the reference's model."""

import re

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from app.verify import scaffold
from reference_impls.exercises import decode_profiling as ex
from reference_impls.torch.decode_profiling import TinyLM, fast_generate, hot_ops, slow_generate


def _prompt(n, seed):
    return torch.randint(0, 64, (n,), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(("prompt_len", "n_new", "seed"), [(12, 10, 0), (1, 8, 1), (40, 1, 2), (8, 30, 3)])
def test_fast_generate_equals_the_slow_loop_and_the_full_forward(prompt_len, n_new, seed):
    model, prompt = TinyLM(seed=seed).eval(), _prompt(prompt_len, seed)
    tokens, logits = fast_generate(model, prompt, n_new)
    slow_tokens, slow_logits = slow_generate(model, prompt, n_new)
    assert torch.equal(tokens, slow_tokens)
    torch.testing.assert_close(logits, slow_logits, rtol=1e-4, atol=1e-5)
    with torch.no_grad():  # teacher forcing: one pass over the whole sequence, no cache
        full, _ = model(torch.cat([prompt, tokens]))
    torch.testing.assert_close(logits, full[prompt_len - 1 : prompt_len - 1 + n_new], rtol=1e-4, atol=1e-5)
    assert torch.equal(tokens, logits.argmax(-1))


def test_hot_ops_reads_the_profile_as_torch_prints_it():
    model, prompt = TinyLM(seed=0).eval(), _prompt(24, 0)
    with torch.autograd.profiler.profile() as prof:
        slow_generate(model, prompt, 4)
    averages = prof.key_averages()
    table = averages.table(sort_by="self_cpu_time_total", row_limit=-1)
    printed = [line.split()[0] for line in table.splitlines() if re.match(r"^\s*aten::", line)]
    rows = hot_ops(prof, 10**9)
    assert [name for name, _, _ in rows] == printed[: len(rows)] or _ties_only(rows, printed)
    assert len(rows) == len(averages) and hot_ops(prof, 3) == rows[:3]
    total = float(re.search(r"Self CPU time total: ([\d.]+)(ms|us|s)", table).group(1))
    unit = {"us": 1, "ms": 1e3, "s": 1e6}[re.search(r"Self CPU time total: [\d.]+(ms|us|s)", table).group(1)]
    assert sum(t for _, t, _ in rows) == pytest.approx(total * unit, rel=1e-2)
    assert {(n, c) for n, _, c in rows} == {(e.key, e.count) for e in averages}
    assert all(a[1] >= b[1] for a, b in zip(rows, rows[1:]))


def _ties_only(rows, printed):
    """The printed order may differ from ours only among ops of equal self time."""
    names = [n for n, _, _ in rows if n.startswith("aten::")]
    times = {n: t for n, t, _ in rows}
    return sorted(names) == sorted(printed) and all(
        times[a] == times[b] for a, b in zip(names, printed, strict=True) if a != b
    )


def test_the_fix_removes_most_of_the_flops_at_the_timed_size():
    """The speed-up the check requires is far below the work removed at its size (counted, not timed)."""
    shape = ex.SPEED_SHAPE
    model, prompt = TinyLM(seed=shape["model_seed"]).eval(), _prompt(shape["prompt_len"], 0)
    counts = []
    for generate in (slow_generate, fast_generate):
        with FlopCounterMode(display=False) as counter:
            generate(model, prompt, shape["n_new"])
        counts.append(counter.get_total_flops())
    assert counts[0] / counts[1] > 5 * ex.SPEEDUP_REQUIRED


def test_the_stubs_given_code_is_the_reference_model():
    namespace = {}
    exec(compile(scaffold.stub(ex.EXERCISE), "stub.py", "exec"), namespace)
    given, ref = namespace["TinyLM"](seed=5).eval(), TinyLM(seed=5).eval()
    prompt = _prompt(9, 5)
    assert torch.equal(namespace["slow_generate"](given, prompt, 6)[0], slow_generate(ref, prompt, 6)[0])
