"""Shared by the Triton kernel exercises: NumPy cases in, tensors on the kernels' device, NumPy out.

Not an exercise module (leading underscore); numpy only at top level, torch and triton inside the
functions, which run in the child after app/verify/sandbox/triton_mode.py has chosen where kernels run.

`kernel_call(entry)` is a check's `call`: it puts the case's arrays on the device (CUDA when the
child runs compiled kernels, else the CPU tensors that Triton's interpreter reads, sharing the
arrays' memory), calls the entry point, and returns its output as NumPy. On CUDA the inputs are
copied back into the arrays after the call, so an input the kernel overwrote still shows as
"modified in place". For a launcher (`launches=True`) it also watches the launches: the learner's
launcher must launch a @triton.jit kernel defined in the learner's own file; one that computes
with torch ops, or calls the kernels in kernels/, fails with `NoKernelLaunched`.
"""

from __future__ import annotations

import contextlib
import os
import types
import warnings

import numpy as np

from reference_impls.exercises._torch import case  # noqa: F401 - a Case of keyword arguments (named in reports)

PREAMBLE = "import torch\nimport triton\nimport triton.language as tl\n"

NO_LAUNCH = "launched no @triton.jit kernel of your file"
NOT_LAUNCHED_HINT = (
    "write the kernel and launch it from the launcher: kernel[grid](...); the launcher "
    "itself only allocates the output and computes the grid (torch ops alone do not count)"
)


class NoKernelLaunched(RuntimeError):
    """A launcher returned without launching a Triton kernel of the learner's file."""


def device() -> str:
    """'cuda' when kernels run compiled, else 'cpu' (Triton's interpreter)."""
    import torch

    if os.environ.get("TRITON_INTERPRET", "0") not in ("", "0") or not torch.cuda.is_available():
        return "cpu"
    return "cuda"


def to_device(value, dev: str):
    """ndarrays (also inside tuples and lists) as tensors on `dev`; on the CPU they share the memory."""
    import torch

    if isinstance(value, np.ndarray):
        tensor = torch.from_numpy(value)
        if dev == "cpu":
            return tensor
        if tensor.is_contiguous() or tensor.numel() == 0:
            return tensor.to(dev)
        # A view (transposed, sliced): copy the memory it spans, then take the same view of the copy, so that
        # a kernel sees the same strides on CUDA as in the interpreter (.to() would make x[:, :n] contiguous).
        span = 1 + sum((size - 1) * stride for size, stride in zip(tensor.shape, tensor.stride(), strict=True))
        memory = torch.as_strided(tensor, (span,), (1,)).to(dev)
        return memory.as_strided(tuple(tensor.shape), tuple(tensor.stride()))
    if isinstance(value, tuple | list):
        return type(value)(to_device(v, dev) for v in value)
    return value


def from_device(value, dev: str):
    """Tensors (also inside tuples and lists) as NumPy copies; a tensor off the inputs' device fails."""
    import torch

    if isinstance(value, torch.Tensor):
        if value.device.type != dev:
            raise ValueError(
                f"returned a tensor on {value.device}; the inputs are on {dev}: allocate the output "
                "on the inputs' device (torch.empty_like(x), or device=x.device)"
            )
        return value.detach().cpu().numpy().copy()
    if isinstance(value, tuple | list):
        return type(value)(from_device(v, dev) for v in value)
    return value


def _copy_back(arrays, tensors) -> None:
    """CUDA inputs back into their arrays, so that an overwritten input shows as modified in place."""
    import torch

    for array, tensor in zip(arrays, tensors, strict=True):
        if isinstance(array, np.ndarray) and isinstance(tensor, torch.Tensor) and tensor.device.type != "cpu":
            array[...] = tensor.cpu().numpy()


@contextlib.contextmanager
def watched_launches():
    """Yield a list that fills with the Python function of every Triton kernel launched meanwhile."""
    from triton.runtime.interpreter import InterpretedFunction
    from triton.runtime.jit import JITFunction

    launched: list = []
    patched = []
    for cls in (JITFunction, InterpretedFunction):  # autotuners and heuristics end in one of these
        real = cls.run

        def run(self, *args, _real=real, **kwargs):
            launched.append(self.fn)
            return _real(self, *args, **kwargs)

        cls.run = run
        patched.append((cls, real))
    try:
        yield launched
    finally:
        for cls, real in patched:
            cls.run = real


def _source(fn) -> str:
    code = getattr(fn, "__code__", None)
    return os.path.realpath(code.co_filename) if code is not None else ""


def _must_launch(impl) -> bool:
    """The learner's file and the wrong solutions (loaded as modules of their own); not the references,
    the oracles (reference_impls.*) or a probe given as plain functions."""
    return isinstance(impl, types.ModuleType) and not impl.__name__.startswith("reference_impls.")


def _unwrapped(exc: BaseException) -> BaseException:
    """The interpreter wraps what a kernel raised in InterpreterError(repr(e)): the original reads better."""
    from triton.runtime.errors import InterpreterError

    if isinstance(exc, InterpreterError) and exc.__cause__ is not None:
        return exc.__cause__
    return exc


@contextlib.contextmanager
def uninitialized_as_nan():
    """torch.empty filled with NaN (integers: their maximum) meanwhile, so that output elements a kernel never
    stores show as wrong instead of holding the freed, identical result of the previous run."""
    import torch

    was, warn_only = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    _set_deterministic(True, warn_only=True)  # warn_only: no op refuses to run (cuBLAS, scatter)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*determinis", category=UserWarning)
            yield
    finally:
        _set_deterministic(was, warn_only=warn_only)


def _set_deterministic(mode: bool, warn_only: bool) -> None:
    """torch.use_deterministic_algorithms without its first line, which imports torch._inductor (and with
    it torch._dynamo: 1.3 s, most of a kernel exercise's run on CPU) to set inductor's own flag; nothing
    here runs through inductor. The public call where the private one is gone."""
    import torch

    setter = getattr(torch._C, "_set_deterministic_algorithms", None)
    if setter is None:
        torch.use_deterministic_algorithms(mode, warn_only=warn_only)
    else:
        setter(mode, warn_only=warn_only)


def kernel_call(entry: str, launches: bool = True):
    """A check's call: impl.<entry>(*args, **kwargs) on the kernels' device, the output as NumPy."""

    def call(impl, *args, **kwargs):
        import torch

        dev = device()
        names = list(kwargs)
        arrays = [*args, *(kwargs[n] for n in names)]
        tensors = [to_device(a, dev) for a in arrays]
        fn = getattr(impl, entry)
        with watched_launches() as launched, uninitialized_as_nan():
            try:
                out = fn(*tensors[: len(args)], **dict(zip(names, tensors[len(args) :], strict=True)))
                if dev == "cuda":
                    torch.cuda.synchronize()  # a kernel's fault surfaces here, in this case
            except Exception as exc:  # noqa: BLE001 - re-raised, unwrapped
                raise _unwrapped(exc) from None
        _copy_back(arrays, tensors)
        if launches and _must_launch(impl):
            mine = _source(fn)
            if not any(_source(kernel) == mine for kernel in launched):
                others = sorted({os.path.basename(_source(k)) or "?" for k in launched})
                elsewhere = f" (only kernels of {', '.join(others)})" if others else ""
                raise NoKernelLaunched(f"`{entry}` {NO_LAUNCH}{elsewhere}: the launcher must launch your kernel")
        return from_device(out, dev)

    return call


def not_launched(_case, actual, expected) -> bool:
    """A probe's `when`: the launcher computed without a kernel of its own."""
    return getattr(actual, "type", None) == "NoKernelLaunched"


def out_of_bounds(_case, actual, expected) -> bool:
    """A probe's `when`: the interpreter's bounds check stopped a load or store past a tensor's end."""
    return getattr(actual, "type", None) == "OutOfBounds"


def one_past_end(_case, actual, expected) -> bool:
    """A probe's `when`: a single lane fell past the end, the element right after it (a mask `offsets <= n`)."""
    import re

    if not out_of_bounds(_case, actual, expected):
        return False
    message = str(getattr(actual, "message", ""))
    return bool(re.search(r"\b1 of its \d+ active lanes", message)) and "past the end" in message


def seeded(seed: int):
    return np.random.default_rng(seed)
