"""What every launcher in `kernels/` checks before it launches, and how it picks a config.

Under Triton's interpreter (`TRITON_INTERPRET=1`, CPU tensors) a kernel runs as numpy, one program
after another: autotuning there would time every config for nothing, so launchers take a fixed,
small config (`use_autotune` is False) and keep the grid short. On CUDA they autotune or use a
config chosen for an H100.
"""

from __future__ import annotations

import torch
import triton

FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32)


def is_interpreting() -> bool:
    """True when Triton's interpreter runs the kernels (TRITON_INTERPRET, read as triton reads it)."""
    return bool(triton.knobs.runtime.interpret)


def use_autotune(device: torch.device) -> bool:
    """Autotune only on a real GPU: in the interpreter every config would be run and timed."""
    return device.type == "cuda" and not is_interpreting()


def check_device(*tensors: torch.Tensor, names: tuple[str, ...]) -> None:
    """All tensors on one device, and one the kernels can run on (CUDA, or CPU under the interpreter)."""
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        listed = ", ".join(f"{n} on {t.device}" for n, t in zip(names, tensors))
        raise ValueError(f"tensors must be on one device: {listed}")
    device = tensors[0].device
    if device.type != "cuda" and not is_interpreting():
        raise ValueError(
            f"{names[0]} is on {device}: Triton kernels need a CUDA tensor, "
            "or TRITON_INTERPRET=1 set before `kernels` is imported to run on CPU"
        )


def check_dtype(t: torch.Tensor, name: str, allowed: tuple[torch.dtype, ...]) -> None:
    if t.dtype not in allowed:
        wanted = ", ".join(str(d).removeprefix("torch.") for d in allowed)
        raise ValueError(f"{name} has dtype {str(t.dtype).removeprefix('torch.')}; expected one of: {wanted}")


def check_contiguous(t: torch.Tensor, name: str) -> None:
    if not t.is_contiguous():
        raise ValueError(
            f"{name} must be contiguous (strides {tuple(t.stride())} for shape {tuple(t.shape)}); "
            "call .contiguous() first"
        )


def check_ndim(t: torch.Tensor, name: str, ndim: int, layout: str) -> None:
    if t.dim() != ndim:
        raise ValueError(f"{name} must be {ndim}-D {layout}, got shape {tuple(t.shape)}")
