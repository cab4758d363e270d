"""Learner code that is wrong on purpose, against the real softmax exercise through the runner's public
API: reported, contained, never a pass, never harmful to the app.

tests/test_verify_sandbox.py already holds: an infinite loop (timeout naming the case), memory bombs
("killed: memory limit 256 MiB exceeded"), megabytes of prints (truncated, the rest counted),
os._exit(7), sys.exit(3), sys.exit at import, SIGSEGV, recursion, in-place mutation of an input, a
missing function or return. Here: the cases those leave open.
"""

from __future__ import annotations

import os
import textwrap
import time
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from app.verify import registry
from app.verify.runner import Job, run_jobs
from tests.reliability.harness import CORRECT_SOFTMAX

CORRECT = CORRECT_SOFTMAX.replace("def softmax(", "def _softmax(", 1)  # the files below wrap it as softmax


def _file(body: str) -> str:
    return "import numpy as np\n" + CORRECT + textwrap.dedent(body)


FILES = {
    # -- escaping the time limit through children -------------------------------------------------
    "grandchild_then_loop": _file("""
        import subprocess, sys
        from pathlib import Path
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        Path(__file__).with_suffix(".pids").write_text(str(sleeper.pid))

        def softmax(x, axis=-1):
            while True:
                pass
        """),
    "pool_then_loop": _file("""
        import multiprocessing, os
        from pathlib import Path

        def _nap(_):
            import time
            time.sleep(120)

        pool = multiprocessing.get_context("fork").Pool(2)
        pool.map_async(_nap, range(2))
        Path(__file__).with_suffix(".pids").write_text(" ".join(str(p.pid) for p in pool._pool))

        def softmax(x, axis=-1):
            while True:
                pass
        """),
    "grandchild_left_behind": _file("""
        import subprocess, sys
        from pathlib import Path
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        Path(__file__).with_suffix(".pids").write_text(str(sleeper.pid))

        def softmax(x, axis=-1):
            return _softmax(x, axis)
        """),
    # -- leaving early, or closing our channels ---------------------------------------------------
    "sys_exit_0": _file("""
        import sys

        def softmax(x, axis=-1):
            sys.exit(0)
        """),
    "os_exit_0": _file("""
        import os

        def softmax(x, axis=-1):
            os._exit(0)
        """),
    "exit_0_after_printing_a_pass": _file("""
        import sys

        def softmax(x, axis=-1):
            print('{"event": "done"}')
            print("all checks passed")
            sys.exit(0)
        """),
    "closes_stdout": _file("""
        import os, sys

        def softmax(x, axis=-1):
            sys.stdout.close()
            os.close(1)
            os.close(2)
            return np.zeros_like(x)
        """),
    "closes_every_descriptor": _file("""
        import os

        def softmax(x, axis=-1):
            os.closerange(0, 4096)
            return _softmax(x, axis)
        """),
    "raises_base_exception": _file("""
        class Stop(BaseException):
            pass

        def softmax(x, axis=-1):
            raise Stop("not an Exception")
        """),
    "raises_keyboard_interrupt": _file("""
        def softmax(x, axis=-1):
            raise KeyboardInterrupt
        """),
    "raises_generator_exit": _file("""
        def softmax(x, axis=-1):
            raise GeneratorExit
        """),
    "sigterm_self": _file("""
        import os, signal

        def softmax(x, axis=-1):
            os.kill(os.getpid(), signal.SIGTERM)
        """),
    # -- fooling the checker ----------------------------------------------------------------------
    "all_zeros": _file("""
        def softmax(x, axis=-1):
            return np.zeros_like(x)
        """),
    "returns_its_input": _file("""
        def softmax(x, axis=-1):
            return x
        """),
    "uniform_after_zeroing_the_input": _file("""
        def softmax(x, axis=-1):
            x[...] = 0  # a reference run after this, on the same array, would agree: uniform
            return _softmax(x, axis)
        """),
    "corrupts_earlier_inputs_later": _file("""
        seen = []

        def softmax(x, axis=-1):
            for old in seen:
                old[...] = 0  # reaching back into the inputs of earlier calls
            seen.append(x)
            return _softmax(x, axis)
        """),
    "caches_the_first_answer": _file("""
        first = []

        def softmax(x, axis=-1):
            if not first:
                first.append(_softmax(x, axis))
            return first[0]
        """),
    "wrong_dtype": _file("""
        def softmax(x, axis=-1):
            return _softmax(x.astype(np.float64), axis).astype(np.float64)
        """),
    "half_precision": _file("""
        def softmax(x, axis=-1):
            return _softmax(x, axis).astype(np.float16)
        """),
    "returns_a_list": _file("""
        def softmax(x, axis=-1):
            return _softmax(x, axis).tolist()
        """),
    "nan_everywhere": _file("""
        def softmax(x, axis=-1):
            return np.full_like(x, np.nan)
        """),
    "correct": _file("""
        def softmax(x, axis=-1):
            return _softmax(x, axis)
        """),
}

TIME_LIMIT_S = 3.0


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    return _run_all(tmp_path_factory.mktemp("learner"))


@cache
def _run_all(folder: Path) -> dict:
    softmax = registry.find("softmax")[0]
    jobs = []
    for name, source in FILES.items():
        path = folder / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        jobs.append(Job(softmax, str(path)))
    started = time.monotonic()
    reports = run_jobs(jobs, time_limit_s=TIME_LIMIT_S, memory_limit_mb=512)
    assert time.monotonic() - started < 60
    return {name: (report, folder / f"{name}.py") for name, report in zip(FILES, reports, strict=True)}


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _forward_passed(report) -> int:
    """Checks of softmax passed (the files' softmax_backward is right, so those pass)."""
    return sum(c.passed for c in report.checks if c.check == "forward")


def _pids(path: Path) -> list[int]:
    return [int(p) for p in path.with_suffix(".pids").read_text().split()]


# Right answers: a background child left behind is killed with the group, and corrupting the inputs of
# earlier calls reaches only the learner's own copies, checked when each call returned.
PASSING = ["grandchild_left_behind", "corrupts_earlier_inputs_later", "correct"]


def test_only_right_answers_pass(runs):
    assert [name for name, (report, _) in runs.items() if report.passed] == PASSING
    for name, (report, _) in runs.items():
        if name not in PASSING:
            assert report.status in ("failed", "error", "timeout", "crashed"), name
            assert report.checks_passed < report.checks_total, name


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("name", ["grandchild_then_loop", "pool_then_loop", "grandchild_left_behind"])
def test_the_whole_process_group_dies(runs, name):
    report, path = runs[name]
    if name != "grandchild_left_behind":
        assert report.status == "timeout"
        assert report.error == f"timed out after {TIME_LIMIT_S:g} s in forward/random"
    pids = _pids(path)
    assert pids
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids), f"{name}: a child outlived the run"


def test_leaving_early_is_a_failure_with_the_reason(runs):
    assert (
        runs["sys_exit_0"][0]
        .failures[0]
        .message.startswith("called sys.exit(0) (or exit/quit): the checks need your function to return")
    )
    assert (
        runs["os_exit_0"][0]
        .failures[0]
        .message.startswith("called os._exit(0): the checks need your function to return")
    )
    pretend, _ = runs["exit_0_after_printing_a_pass"]
    assert pretend.status == "failed" and _forward_passed(pretend) == 0
    assert '{"event": "done"}' in pretend.output.stdout  # printed text is the learner's output, not ours


def test_closing_our_channels_never_passes(runs):
    closed, _ = runs["closes_stdout"]
    assert closed.status in ("failed", "crashed") and _forward_passed(closed) == 0
    everything, _ = runs["closes_every_descriptor"]
    assert everything.status == "crashed" and _forward_passed(everything) == 0
    # It exits on its own, is killed once all its pipes are closed, or (on a loaded machine) runs out of
    # time first: a race; what matters is that it is reported as a crash at the first check.
    assert "in forward/random" in everything.error


def test_base_exceptions_are_failures(runs):
    stop = runs["raises_base_exception"][0].failures[0]
    assert stop.status == "error" and stop.message.startswith("Stop: not an Exception at raises_base_exception.py:")
    generator = runs["raises_generator_exit"][0].failures[0]
    assert generator.message.startswith("GeneratorExit at raises_generator_exit.py:")
    interrupt, _ = runs["raises_keyboard_interrupt"]
    assert interrupt.status == "crashed" and _forward_passed(interrupt) == 0
    assert runs["sigterm_self"][0].error == "crashed with SIGTERM in forward/random"


@pytest.mark.parametrize(
    "name, reason",
    [
        ("all_zeros", "elements differ"),
        ("returns_its_input", "elements differ"),
        ("uniform_after_zeroing_the_input", "elements differ"),
        ("caches_the_first_answer", "output: shape"),
        ("wrong_dtype", "output: dtype float64, expected float32"),
        ("half_precision", "output: dtype float16, expected float"),
        ("returns_a_list", "output: returned list, expected an ndarray of shape"),
        ("nan_everywhere", "nan/inf where the reference is finite"),
    ],
)
def test_the_checker_is_not_fooled(runs, name, reason):
    report, _ = runs[name]
    assert report.status == "failed"
    messages = [c.message for c in report.failures]
    assert any(reason in m for m in messages), messages[:3]


def test_references_are_computed_on_their_own_copies(runs):
    """Zeroing the input in place cannot drag the expected output along: it was computed first, on a
    copy; and the mutation itself is named."""
    zeroed, _ = runs["uniform_after_zeroing_the_input"]
    first = zeroed.failures[0]
    assert first.mutated == ["x"]
    assert first.mismatch["max_abs_error"] > 0.1
    # Reaching back into earlier calls' inputs changes nothing the checker still uses: those arrays
    # were the learner's own copies, checked when their call returned; the answers were right.
    later, _ = runs["corrupts_earlier_inputs_later"]
    assert later.passed and all(not c.mutated for c in later.checks)


def test_the_app_process_is_unharmed(runs, tmp_path):
    assert os.getpid() > 0  # still here: no signal, no closed descriptor reached the runner
    softmax = registry.find("softmax")[0]
    path = tmp_path / "ok.py"
    path.write_text(FILES["correct"], encoding="utf-8")
    [report] = run_jobs([Job(softmax, str(path))])
    assert report.passed


def test_a_tensor_on_another_device_is_a_failure_not_a_pass():
    """The torch exercises run on CPU tensors: an output on another device (cuda, meta) must not be
    quietly moved back and compared; it is the learner's bug, reported with the device."""
    import torch

    from reference_impls.exercises._torch_io import call_torch

    class Impl:
        @staticmethod
        def f(x):
            return x.to("meta")

    with pytest.raises(ValueError, match="returned a tensor on meta; keep outputs on the inputs' device"):
        call_torch("f")(Impl, np.ones(3, dtype=np.float32))
    assert torch.equal(
        torch.from_numpy(
            call_torch("f")(type("Ok", (), {"f": staticmethod(lambda x: x * 2)}), np.ones(3, dtype=np.float32))
        ),
        torch.full((3,), 2.0),
    )
