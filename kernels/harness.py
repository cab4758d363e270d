"""Timing kernels on a GPU: medians from `triton.testing.do_bench`, throughput units, the measured roofline.

The throughput formulas are the Triton tutorials':

    GB/s    = bytes_moved * 1e-9 / (ms * 1e-3)
    TFLOP/s = flops * 1e-12 / (ms * 1e-3)

The roofline is measured on the device in the same run, not read from a datasheet: the peak bandwidth
is a device-to-device copy (read + write bytes counted), the peak compute a large fp16 `torch.matmul`.
A kernel's fraction of the roofline is the time the roofline says it needs at best,
max(bytes / bandwidth, flops / peak), over the time it took: for a memory-bound kernel that is its
GB/s over the copy's GB/s, for a compute-bound one its TFLOP/s over the matmul's.

torch and triton are imported inside the functions, so that the metric math (and `learn bench`'s
argument checking) costs no import of either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

CUDA_REQUIRED = "timings need a CUDA device; correctness runs on CPU with TRITON_INTERPRET=1"

COPY_BYTES = 1 << 30  # 1 GiB each way: 20x an H100's 50 MB L2, still small beside any training GPU's memory
MATMUL_N = 8192  # 2 * 8192^3 = 1.1 PFLOP a call: long enough to hide launch overhead, large enough for peak tiles

Timer = Callable[[Callable[[], object]], float]


class CudaUnavailable(RuntimeError):
    """No CUDA device: timings are impossible here (the CLI maps this to exit 2)."""

    def __init__(self, message: str = CUDA_REQUIRED) -> None:
        super().__init__(message)


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def require_cuda() -> None:
    """Raise `CudaUnavailable` unless torch sees a CUDA device."""
    if not cuda_available():
        raise CudaUnavailable()


def time_ms(fn: Callable[[], object], *, warmup: int = 25, rep: int = 100) -> float:
    """Median milliseconds of `fn()` on the GPU.

    `warmup` and `rep` are do_bench's budgets in milliseconds of running time (not call counts): it
    estimates one call's time from 5 calls, then runs warmup/estimate calls untimed and rep/estimate
    calls each timed with CUDA events, clearing the L2 cache (by writing a 256 MB buffer) before each,
    so every timed call reads its inputs from HBM as a real workload would.
    """
    import triton.testing

    return float(triton.testing.do_bench(fn, warmup=warmup, rep=rep, return_mode="median"))


def gbps(nbytes: float, ms: float) -> float:
    """Bytes moved in `ms` milliseconds as GB/s (10^9 bytes per second)."""
    return nbytes * 1e-9 / (ms * 1e-3)


def tflops(flops: float, ms: float) -> float:
    """Floating-point operations in `ms` milliseconds as TFLOP/s (10^12 per second)."""
    return flops * 1e-12 / (ms * 1e-3)


def copy_bandwidth_gbps(device: str = "cuda", nbytes: int = COPY_BYTES, *, timer: Timer = time_ms) -> float:
    """GB/s of a device-to-device copy of `nbytes`: 2 * nbytes moved (each byte read once, written once)."""
    import torch

    src = torch.empty(nbytes, dtype=torch.uint8, device=device)
    dst = torch.empty_like(src)
    ms = timer(lambda: dst.copy_(src))
    return gbps(2 * nbytes, ms)


def matmul_tflops(
    dtype: torch.dtype | None = None, n: int = MATMUL_N, *, device: str = "cuda", timer: Timer = time_ms
) -> float:
    """TFLOP/s of torch.matmul on two n x n matrices (2 * n^3 flops); dtype None means torch.float16."""
    import torch

    dtype = torch.float16 if dtype is None else dtype
    a = torch.randn(n, n, dtype=dtype, device=device)
    b = torch.randn(n, n, dtype=dtype, device=device)
    ms = timer(lambda: torch.matmul(a, b))
    return tflops(2 * n**3, ms)


@dataclass(frozen=True)
class Roofline:
    """The device's measured ceilings: copy bandwidth in GB/s and matmul throughput in TFLOP/s."""

    bandwidth_gbps: float
    tflops: float
    tflops_dtype: str = "float16"

    def best_ms(self, nbytes: float, flops: float) -> float:
        """The least time the roofline allows for moving `nbytes` and computing `flops`, in ms."""
        return max(nbytes * 1e-9 / self.bandwidth_gbps, flops * 1e-12 / self.tflops) * 1e3

    def fraction(self, nbytes: float, flops: float, ms: float) -> float:
        """How close a run of `ms` comes to the roofline: best_ms / ms (1.0 = at the ceiling)."""
        return self.best_ms(nbytes, flops) / ms

    def bandwidth_fraction(self, nbytes: float, ms: float) -> float:
        """Achieved GB/s over the copy's GB/s."""
        return gbps(nbytes, ms) / self.bandwidth_gbps

    def compute_fraction(self, flops: float, ms: float) -> float:
        """Achieved TFLOP/s over the matmul's TFLOP/s."""
        return tflops(flops, ms) / self.tflops

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def measure_roofline(
    device: str = "cuda", *, timer: Timer = time_ms, copy_bytes: int = COPY_BYTES, matmul_n: int = MATMUL_N
) -> Roofline:
    """Measure the roofline now (about a second on an H100): once per benchmark run, beside the kernels."""
    return Roofline(
        bandwidth_gbps=copy_bandwidth_gbps(device, copy_bytes, timer=timer),
        tflops=matmul_tflops(None, matmul_n, device=device, timer=timer),
    )


def device_info() -> dict[str, Any]:
    """The device and the versions a result depends on, for the record beside every figure."""
    import platform

    import torch
    import triton

    return {
        "device": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "versions": {
            "torch": torch.__version__,
            "triton": triton.__version__,
            "cuda": torch.version.cuda,
            "python": platform.python_version(),
        },
    }
