"""Where a Triton exercise's kernels run in the child: compiled on CUDA, or Triton's interpreter on CPU.

`choose()` runs in the child before the reference's or the learner's kernel module is imported:
`@triton.jit` decides at decoration time between a compiled JITFunction and an InterpretedFunction
(it reads TRITON_INTERPRET then), so the choice must be in os.environ first. Without a CUDA device
(or with TRITON_INTERPRET=1 already set) it is the interpreter, and the bounds check below is
installed.

The interpreter runs each program as NumPy on raw pointers and checks no bounds: an unmasked load
past the end of a tensor reads whatever lies there, an unmasked store corrupts the heap and aborts
the process ("free(): invalid size") far from the mistake. `install_bounds_check()` makes every
load, store and atomic of an interpreted kernel check its active lanes against the memory of the
tensors passed to that launch, and raise `OutOfBounds` naming the kernel, the program and the
element, before anything is touched. (On a GPU the same mistake usually goes unnoticed: the
caching allocator rounds blocks up, so a few elements past the end are still mapped.)
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

INTERPRETER = "interpreter"
CUDA = "cuda"
OUT_OF_BOUNDS = "out of bounds"  # in every OutOfBounds message (probes match on it)


class OutOfBounds(IndexError):
    """An interpreted kernel touched memory outside every tensor passed to its launch."""


def choose() -> str:
    """'cuda' when torch sees a CUDA device and TRITON_INTERPRET is not set, else 'interpreter'
    (TRITON_INTERPRET=1 set now, the bounds check installed). Call before any kernel module is imported."""
    import torch

    if os.environ.get("TRITON_INTERPRET", "0") not in ("", "0") or not torch.cuda.is_available():
        os.environ["TRITON_INTERPRET"] = "1"
        install_bounds_check()
        return INTERPRETER
    return CUDA


def interpreter_only() -> bool:
    """True where no GPU can be seen, decided without importing torch or touching CUDA (which must not
    be initialised before a fork): TRITON_INTERPRET set, or no NVIDIA or AMD device node. False means
    "maybe a GPU": `choose()` in the child decides."""
    if os.environ.get("TRITON_INTERPRET", "0") not in ("", "0"):
        return True
    dev = Path("/dev")
    return not (any(dev.glob("nvidia[0-9]*")) or (dev / "kfd").exists())


_launch: dict = {"kernel": "", "ranges": []}  # the launch being interpreted: its tensors' [start, end) bytes
_installed = False


def install_bounds_check() -> None:
    """Patch the interpreter (idempotent): record each launch's tensor memory, check every access."""
    global _installed
    if _installed:
        return
    import numpy as np
    from triton.runtime import interpreter

    grid_executor, builder = interpreter.GridExecutor, interpreter.InterpreterBuilder
    real_init_args, real_load, real_store = (
        grid_executor._init_args_hst,
        builder.create_masked_load,
        builder.create_masked_store,
    )
    real_rmw, real_cas = builder.create_atomic_rmw, builder.create_atomic_cas

    @functools.wraps(real_init_args)  # its signature stays the real one (internals.py checks it)
    def init_args(self, args_dev, kwargs):
        args_hst, kwargs_hst = real_init_args(self, args_dev, kwargs)
        ranges = []

        def walk(arg):
            if isinstance(arg, tuple | list):
                for item in arg:
                    walk(item)
            elif hasattr(arg, "untyped_storage"):
                storage = arg.untyped_storage()
                ranges.append((storage.data_ptr(), storage.data_ptr() + storage.nbytes(), arg.element_size()))
            elif hasattr(arg, "base") and hasattr(arg.base, "untyped_storage"):  # a TensorDescriptor
                walk(arg.base)

        walk(list(args_hst) + list(kwargs_hst.values()))
        _launch["kernel"] = getattr(self.fn, "__name__", "kernel")
        _launch["ranges"] = ranges
        return args_hst, kwargs_hst

    def check(what, ptrs, mask, itemsize):
        addresses = np.asarray(ptrs.data).astype(np.uint64, copy=False)
        active = (
            np.ones(addresses.shape, bool)
            if mask is None
            else np.broadcast_to(np.asarray(mask.data, bool), addresses.shape)
        )
        wanted = addresses[active]
        if wanted.size == 0:
            return
        # One access reads one tensor: the one holding its lowest address (lanes that run on into a
        # neighbouring tensor's memory are out of bounds too, though that memory is mapped).
        lowest = int(wanted.min())
        home = next(((s, e, size) for s, e, size in _launch["ranges"] if s <= lowest < e), None)
        outside = wanted if home is None else wanted[wanted + itemsize > home[1]]
        if outside.size:
            raise OutOfBounds(_message(what, outside, int(wanted.size), home))

    def itemsize_of(ptrs):
        return np.dtype(interpreter._get_np_dtype(ptrs.get_element_ty())).itemsize

    @functools.wraps(real_load)  # its signature stays the real one (internals.py checks it)
    def load(self, ptrs, mask, other, cache_policy, is_volatile):
        check("load", ptrs, mask, itemsize_of(ptrs))
        return real_load(self, ptrs, mask, other, cache_policy, is_volatile)

    @functools.wraps(real_store)  # its signature stays the real one (internals.py checks it)
    def store(self, ptrs, value, mask, cache_policy):
        check("store", ptrs, mask, itemsize_of(ptrs))
        return real_store(self, ptrs, value, mask, cache_policy)

    @functools.wraps(real_rmw)  # its signature stays the real one (internals.py checks it)
    def atomic_rmw(self, rmw_op, ptr, val, mask, sem, scope):
        check("atomic", ptr, mask, itemsize_of(ptr))
        return real_rmw(self, rmw_op, ptr, val, mask, sem, scope)

    @functools.wraps(real_cas)  # its signature stays the real one (internals.py checks it)
    def atomic_cas(self, ptr, cmp, val, sem, scope):
        check("atomic", ptr, None, itemsize_of(ptr))
        return real_cas(self, ptr, cmp, val, sem, scope)

    grid_executor._init_args_hst = init_args
    builder.create_masked_load, builder.create_masked_store = load, store
    builder.create_atomic_rmw, builder.create_atomic_cas = atomic_rmw, atomic_cas
    _installed = True


def _message(what: str, outside, active: int, home: tuple[int, int, int] | None) -> str:
    """'out of bounds load in `add_kernel`, program 3: 927 of its 1024 active lanes ...: element 1000 of a 1000-element tensor'."""
    from triton.runtime.interpreter import interpreter_builder

    if home is None:
        where = "outside every tensor passed to the kernel (a negative or far-off offset?)"
    else:
        start, end, size = home
        where = f"past the end of a {(end - start) // size}-element tensor, the first at element {(int(outside.min()) - start) // size}"
    grid_idx = tuple(getattr(interpreter_builder, "grid_idx", None) or ())
    program = f"program {grid_idx[0]}" if grid_idx[1:] in ((0, 0), ()) and grid_idx else f"program {grid_idx}"
    return (
        f"{OUT_OF_BOUNDS} {what} in `{_launch['kernel']}`, {program}: {len(outside)} of its {active} active lanes "
        f"fall {where}; mask the lanes past the end (mask = offsets < n) in tl.load / tl.store"
    )
