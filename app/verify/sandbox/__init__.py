"""The sandbox: how learner code is run, contained, and where `learn` reaches into other libraries'
private internals. Everything that depends on a private detail of multiprocessing, torch or Triton
is in this package, and tests/test_verify_sandbox_internals.py checks each one against the installed
versions (internals.py), so an upgrade that changes one fails there, by name, not in a learner's run.

    processes.py    a supervisor per run (child subreaper): every descendant dies with the run
    confine.py      the worker: no LEARN_* variables, no inherited descriptors, Landlock
    landlock.py     Landlock through ctypes syscalls (Linux >= 5.13)
    forkserver.py   children forked from preloaded servers (multiprocessing's forkserver internals)
    eager_dynamo.py a torch._dynamo stand-in for torch.optim in eager mode (torch internals)
    triton_mode.py  Triton's interpreter with a bounds check (triton.runtime.interpreter internals)
    triton_interpreter.py  preloaded by a fork server where only the interpreter can run
    internals.py    the contract: each private name used above, checked

What is contained, per platform, is `containment()` (shown by `learn verify --help`).
"""

from __future__ import annotations

from collections.abc import Collection

TESTED = {"torch": "2.13", "triton": "3.9"}  # the versions whose internals we patch (pyproject.toml bounds them)


def warm_up(torch: bool = False, needs: Collection[str] = ()) -> None:
    """Start the fork server(s) now, in the background (see forkserver.warm_up)."""
    from app.verify.sandbox.forkserver import warm_up as start

    start(torch=torch, needs=needs)


def containment() -> dict[str, bool]:
    """What this machine contains, for every run (verify and code cards alike)."""
    import sys

    from app.verify.sandbox import landlock, processes

    linux = sys.platform == "linux"
    return {
        "time_limit": True,
        "output_limit": True,
        "memory_limit": linux,  # RLIMIT_AS; macOS does not enforce it, nor does a kernel exercise on CUDA
        "descendants_killed": processes.available(),  # else only the process group is killed
        "writes_confined": landlock.abi() > 0,
        "environment_scrubbed": True,
        "descriptors_closed": True,
    }


def describe_containment() -> str:
    """One paragraph for help texts: what is and is not contained here."""
    found = containment()
    said = {
        "memory_limit": "a memory limit (address space)",
        "descendants_killed": "every process the code starts is killed when the run ends",
        "writes_confined": "writes only to its workspace folder and a temp folder (Landlock)",
    }
    missing = {
        "memory_limit": "no memory limit (the OS does not enforce RLIMIT_AS)",
        "descendants_killed": "only the process group is killed at the end (a process that calls setsid() survives)",
        "writes_confined": "writes are not confined (no Landlock): the code can write wherever you can",
    }
    held = [
        "a time limit",
        "output kept to 1 MiB a stream",
        "no LEARN_* variables (no database path)",
        "no inherited file descriptors",
    ] + [said[k] for k in said if found[k]]
    lacking = [missing[k] for k in missing if not found[k]]
    text = "Learner code runs in a child process with " + ", ".join(held) + "."
    if lacking:
        text += " Not contained on this machine: " + "; ".join(lacking) + "."
    return text + " The network is not restricted, and the code can read your files."
