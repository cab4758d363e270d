"""torch._dynamo, deferred: what torch.optim asks of it in eager mode, without importing it.

torch.optim calls `torch._dynamo.graph_break()` around every `step()`, and `torch._disable_dynamo`
wraps `zero_grad`, `add_param_group`, `state_dict`, ... in `torch._dynamo.disable(fn)` on their first
call. Outside torch.compile both are no-ops around `fn`, but the first one imports torch._dynamo
(sympy, triton, FSDP: ~1.5 s of CPU, as much as torch itself), which made that import most of
`learn verify` for a training exercise. `install()` puts a stand-in in its place that answers those
two calls eagerly, and `trace_rules.clear_lru_cache()` of torch.distributed.init_process_group (its
caches are empty while dynamo is not loaded); anything else (torch.compile, torch._dynamo.config, an import of a submodule)
loads the real module first, and from then on `disable()` defers to the real one, so compiled code
behaves as with the real module from the start.

Only `learn verify`'s children install it (the torch fork server and a spawned child); the app's
own process never does.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types

NAME = "torch._dynamo"


def _real() -> types.ModuleType:
    """The real torch._dynamo: imported in place of the stand-in on first need."""
    current = sys.modules.get(NAME)
    if current is not None and not isinstance(current, _StandIn):
        return current
    import torch

    sys.modules.pop(NAME, None)
    if isinstance(torch.__dict__.get("_dynamo"), _StandIn):
        del torch._dynamo
    return importlib.import_module(NAME)  # sets torch._dynamo to the real module as well


class _StandIn(types.ModuleType):
    def graph_break(self, msg: str = "") -> None:
        """Eagerly a no-op (the real one is too, outside a compiled frame)."""
        if _loaded():
            _real().graph_break(msg)

    def disable(self, fn=None, recursive: bool = True, **kwargs):
        """fn itself while nothing compiles; the real disable(fn) once torch._dynamo is loaded."""
        if fn is None:
            return lambda f: self.disable(f, recursive, **kwargs)
        real_disabled = []

        def call(*args, **kw):
            if not _loaded():
                return fn(*args, **kw)
            if not real_disabled:
                real_disabled.append(_real().disable(fn, recursive, **kwargs))
            return real_disabled[0](*args, **kw)

        call.__wrapped__ = fn
        return call

    def __getattr__(self, name: str):
        if name == "trace_rules" and not _loaded():
            return _TraceRules()
        return getattr(_real(), name)  # __path__ too: an import of a submodule loads the real package


class _TraceRules:
    def clear_lru_cache(self) -> None:
        """Nothing is cached before dynamo is loaded."""
        if _loaded():
            _real().trace_rules.clear_lru_cache()

    def __getattr__(self, name: str):
        return getattr(_real().trace_rules, name)


def _loaded() -> bool:
    return not isinstance(sys.modules.get(NAME), _StandIn)


class _AlreadyImported(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`import torch._dynamo.x` that loaded the real package through the stand-in's __path__: the real
    package's __init__ imported torch._dynamo.x already; hand that module back instead of a second copy."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith(NAME + ".") and fullname in sys.modules:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return sys.modules[spec.name]

    def exec_module(self, module) -> None:
        pass


def install() -> None:
    """Put the stand-in in place, unless torch._dynamo is imported already (then nothing to save)."""
    import torch

    if NAME in sys.modules:
        return
    stand_in = _StandIn(NAME, __doc__)
    sys.modules[NAME] = stand_in
    torch._dynamo = stand_in
    sys.meta_path.insert(0, _AlreadyImported())
