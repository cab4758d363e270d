"""Kernel tests run compiled on a GPU, or in Triton's interpreter on CPU where there is none.

@triton.jit reads TRITON_INTERPRET when it decorates a kernel, that is when a kernel module is
imported, so it is set here, at conftest import, before any test module imports `kernels.*`. In the
interpreter every load and store is also checked against the tensors of its launch (the bounds check
of `learn verify`, app/verify/sandbox/triton_mode.py): an unmasked access fails its test instead of reading
garbage or corrupting the heap.
"""

from __future__ import annotations

import os

import torch

if not torch.cuda.is_available():
    os.environ["TRITON_INTERPRET"] = "1"

    from app.verify.sandbox.triton_mode import install_bounds_check

    install_bounds_check()
