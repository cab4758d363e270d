"""The contract with other libraries' private internals: every private name the sandbox relies on.

`problems()` lists, in words, each internal that the installed version no longer has (or has
changed): tests/test_verify_sandbox_internals.py fails with those words, so an upgrade of Python,
torch or Triton that breaks the sandbox is a known step ("torch 2.14 changed ... that learn patches;
see app/verify/sandbox/eager_dynamo.py"), not a mystery in a learner's run. pyproject.toml bounds
torch and triton to the versions tested here (TESTED in __init__.py).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable

SEE = "app/verify/sandbox/"


def _changed(library: str, version: str, internal: str, module: str) -> str:
    return (
        f"{library} {version} changed {internal} that learn patches; see {SEE}{module} "
        f"(and bump the bound in pyproject.toml once it is adapted)"
    )


def _parameters(function: Callable) -> list[str]:
    return list(inspect.signature(function).parameters)


def multiprocessing_problems() -> list[str]:
    """forkserver.py: our own ForkServer per preload set, and a Popen that skips the parent's __main__."""
    from multiprocessing import context, forkserver, popen_forkserver, spawn

    version = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    found = []

    def need(ok: bool, internal: str) -> None:
        if not ok:
            found.append(
                _changed(
                    version.split()[0], version.split()[1], f"multiprocessing internal {internal}", "forkserver.py"
                )
            )

    need(isinstance(getattr(forkserver, "_forkserver", None), forkserver.ForkServer), "forkserver._forkserver")
    for name in ("connect_to_new_process", "ensure_running", "set_forkserver_preload"):
        need(callable(getattr(forkserver.ForkServer, name, None)), f"ForkServer.{name}")
    need(
        "_forkserver_pid" in vars(forkserver.ForkServer()),
        "ForkServer._forkserver_pid (the server killed at exit)",
    )
    need(
        getattr(popen_forkserver, "forkserver", None) is forkserver,
        "popen_forkserver.forkserver (the module global we swap)",
    )
    launch = getattr(popen_forkserver.Popen, "_launch", None)
    source = inspect.getsource(launch) if launch else ""
    need(
        "forkserver.connect_to_new_process" in source,
        "popen_forkserver.Popen._launch calling forkserver.connect_to_new_process",
    )
    need(
        "get_preparation_data" in source and callable(getattr(spawn, "get_preparation_data", None)),
        "spawn.get_preparation_data, called by Popen._launch",
    )
    need(
        isinstance(getattr(context.ForkServerProcess, "_Popen", None), staticmethod | Callable),
        "ForkServerProcess._Popen",
    )
    return found


def dynamo_problems() -> list[str]:
    """eager_dynamo.py: what torch.optim and torch.distributed ask of torch._dynamo in eager mode."""
    import torch
    import torch.distributed.distributed_c10d as c10d
    import torch.optim.optimizer as optimizer

    version = torch.__version__.split("+")[0]
    found = []

    def need(ok: bool, internal: str) -> None:
        if not ok:
            found.append(_changed("torch", version, f"torch._dynamo internal {internal}", "eager_dynamo.py"))

    optimizer_source = inspect.getsource(optimizer)
    need("torch._dynamo.graph_break()" in optimizer_source, "torch.optim calling torch._dynamo.graph_break()")
    disable_source = inspect.getsource(torch._disable_dynamo)
    need(
        "torch._dynamo.disable(fn, recursive" in disable_source,
        "torch._disable_dynamo calling torch._dynamo.disable(fn, recursive, ...)",
    )
    c10d_source = inspect.getsource(c10d)
    need(
        '"torch._dynamo" in sys.modules' in c10d_source and "trace_rules.clear_lru_cache()" in c10d_source,
        "torch.distributed clearing torch._dynamo.trace_rules only once torch._dynamo is imported",
    )
    # Everything else (torch.compile, torch._dynamo.config) goes to the real module, so only these count.
    return found


def dynamo_real_problems() -> list[str]:
    """The real torch._dynamo (imported: ~1.5 s) still has what the stand-in defers to."""
    import torch
    import torch._dynamo

    version = torch.__version__.split("+")[0]
    found = []
    if _parameters(torch._dynamo.disable)[:2] != ["fn", "recursive"]:
        found.append(_changed("torch", version, "torch._dynamo.disable(fn, recursive)", "eager_dynamo.py"))
    if not callable(getattr(torch._dynamo, "graph_break", None)):
        found.append(_changed("torch", version, "torch._dynamo.graph_break", "eager_dynamo.py"))
    if not callable(getattr(torch._dynamo.trace_rules, "clear_lru_cache", None)):
        found.append(_changed("torch", version, "torch._dynamo.trace_rules.clear_lru_cache", "eager_dynamo.py"))
    return found


# The interpreter methods triton_mode.py wraps, with the parameters it passes on.
TRITON_METHODS = {
    ("GridExecutor", "_init_args_hst"): ["self", "args_dev", "kwargs"],
    ("InterpreterBuilder", "create_masked_load"): ["self", "ptrs", "mask", "other", "cache_policy", "is_volatile"],
    ("InterpreterBuilder", "create_masked_store"): ["self", "ptrs", "value", "mask", "cache_policy"],
    ("InterpreterBuilder", "create_atomic_rmw"): ["self", "rmwOp", "ptr", "val", "mask", "sem", "scope"],
    ("InterpreterBuilder", "create_atomic_cas"): ["self", "ptr", "cmp", "val", "sem", "scope"],
}


def triton_problems() -> list[str]:
    """triton_mode.py: the interpreter's launch and memory-access methods, wrapped with a bounds check."""
    import triton
    from triton.runtime import interpreter

    found = []

    def need(ok: bool, internal: str) -> None:
        if not ok:
            found.append(_changed("triton", triton.__version__, f"interpreter internal {internal}", "triton_mode.py"))

    for (owner, name), parameters in TRITON_METHODS.items():
        method = getattr(getattr(interpreter, owner, None), name, None)
        need(method is not None and _parameters(method) == parameters, f"{owner}.{name}({', '.join(parameters[1:])})")
    need(callable(getattr(interpreter, "_get_np_dtype", None)), "_get_np_dtype")
    need(hasattr(interpreter, "interpreter_builder"), "interpreter_builder (its grid_idx names the program)")
    return found


def problems(torch: bool = True, triton: bool = True) -> list[str]:
    found = multiprocessing_problems()
    if torch:
        found += dynamo_problems()
    if triton:
        found += triton_problems()
    return found
