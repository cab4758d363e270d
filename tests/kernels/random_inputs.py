"""Seeded inputs for the kernel tests, on the device the kernels run on (CUDA, else CPU)."""

from __future__ import annotations

import torch

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def randn(
    *shape: int, seed: int, dtype: torch.dtype = torch.float32, scale: float = 1.0, shift: float = 0.0
) -> torch.Tensor:
    """N(shift, scale^2) drawn in fp32 on CPU (the same numbers on every machine), then cast and moved."""
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=g) * scale + shift).to(device=DEVICE, dtype=dtype)


def randint8(*shape: int, seed: int, low: int = -128, high: int = 127) -> torch.Tensor:
    """Uniform int8 in [low, high] on DEVICE."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(low, high + 1, shape, generator=g, dtype=torch.int8).to(DEVICE)
