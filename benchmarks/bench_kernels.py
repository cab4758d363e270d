"""Kernel benchmarks on a CUDA GPU, as the markdown table kernels/BENCHMARKS.md holds.

    python benchmarks/bench_kernels.py                     # every kernel: runs `learn bench --json`
    python benchmarks/bench_kernels.py matmul --sizes 4096
    python benchmarks/bench_kernels.py --from results.json # format a saved `learn bench --json`

The raw JSON of a fresh run is written beside the table (--save, default bench-results.json) so the
figures can be checked later. Without a CUDA device `learn bench` exits 2 and so does this script.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
    return f"{text}{unit}"


def _check(row: dict[str, Any]) -> str:
    if row["error"]:
        return f"failed: {row['error']}"
    marks = []
    for c in row["targets"]:
        value = math.floor(c["value"] * 100) / 100  # rounded down: a shown 0.90 is never 0.899
        shown = f"{value:.2f}x" if c["kind"] == "torch" else f"{value:.2f}"
        marks.append(f"{'met' if c['met'] else 'MISSED'}: {shown} ({c['target']})")
    return "; ".join(marks)


def markdown(data: dict[str, Any]) -> str:
    """The run as markdown: where and how it ran, the measured roofline, one row per point."""
    v = data["versions"]
    roof = data["roofline"]
    lines = [
        f"Device: {data['device']}; torch {v['torch']}, triton {v['triton']}, CUDA {v['cuda']}, Python {v['python']}.",
        f"Command: `{data['command']}`.",
        (
            f"Roofline measured in the same run: device-to-device copy {roof['bandwidth_gbps']:,.0f} GB/s, "
            f"{roof['tflops_dtype']} torch.matmul {roof['tflops']:,.0f} TFLOP/s."
        ),
        "",
        "| kernel | size | ms | throughput | torch ms | speedup | of roofline | target |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in data["rows"]:
        if r["error"]:
            lines.append(f"| {r['kernel']} | {r['shape']} | — | — | — | — | — | {_check(r)} |")
            continue
        lines.append(
            f"| {r['kernel']} | {r['shape']} | {r['ms']:.4g} | {_num(r['throughput'])} {r['metric']} | {r['torch_ms']:.4g} "
            f"| {math.floor(r['speedup'] * 100) / 100:.2f}x | {math.floor(r['roofline_fraction'] * 100)}% | {_check(r)} |"
        )
    t = data["targets"]
    lines += ["", f"Targets: {t['met']} met, {t['missed']} missed."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kernels", nargs="*", help="kernels to time (default: all)")
    parser.add_argument("--sizes", help="comma-separated sizes, as `learn bench --sizes`")
    parser.add_argument("--from", dest="source", type=Path, help="format this saved `learn bench --json` output")
    parser.add_argument("--save", type=Path, default=Path("bench-results.json"), help="where a fresh run's JSON goes")
    args = parser.parse_args(argv)
    if args.source:
        data = json.loads(args.source.read_text())
    else:
        cmd = [sys.executable, "-m", "app.cli.main", "bench", *args.kernels, "--json"]
        if args.sizes:
            cmd += ["--sizes", args.sizes]
        proc = subprocess.run(
            cmd, cwd=REPO, stdout=subprocess.PIPE, text=True, check=False
        )  # stderr (errors) passes through
        if not proc.stdout.strip():
            return proc.returncode or 1
        args.save.write_text(proc.stdout)
        data = json.loads(proc.stdout)
    print(markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
