"""Kernel tests run compiled on a GPU, or in Triton's interpreter on CPU where there is none.

@triton.jit reads TRITON_INTERPRET when it decorates a kernel, that is when a kernel module is
imported, so it is set here, at conftest import, before any test module imports `kernels.*`.
"""

from __future__ import annotations

import os

import torch

if not torch.cuda.is_available():
    os.environ["TRITON_INTERPRET"] = "1"
