"""`learn bench`: time the reference Triton kernels against PyTorch on this GPU, as a table and plots;
`learn bench --mine`: check the learner's own kernels, then time them beside the references."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.cli.output import JsonOpt, Output, fail, handles_errors

if TYPE_CHECKING:
    from kernels.benchmarks import Benchmark, Result

NO_CUDA = "timings need a CUDA device (none found); `learn verify module-1.5` checks the kernels' correctness on CPU"
PLOT_HEIGHT = 16
PLOT_MAX_WIDTH = 100


def register(app: typer.Typer) -> None:
    app.command("bench")(bench)


@handles_errors
def bench(
    kernels: Annotated[
        list[str] | None,
        typer.Argument(
            help="Kernels to time (default: all): vector_add, int8_add, softmax, layer_norm, rms_norm, matmul, "
            "matmul_naive, w8a16_matmul, w4a16_matmul, paged_attention, flash_attention.",
            metavar="KERNEL",
            show_default=False,
        ),
    ] = None,
    sizes: Annotated[
        str | None,
        typer.Option(
            "--sizes",
            help="Comma-separated sizes instead of each kernel's sweep: 4096,65536 or 2^12,2^20. "
            "A size is what the kernel counts: elements, row length, n of n^3, tokens, sequence length.",
        ),
    ] = None,
    mine: Annotated[
        bool,
        typer.Option(
            "--mine",
            help="Your kernels (the workspace files of the kernel exercises): checked as `learn verify` checks "
            "them, then timed beside the reference kernel and PyTorch. KERNEL names exercises (triton_softmax, "
            "or softmax).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Time the reference Triton kernels and their PyTorch equivalents on this GPU.

    Each point is the median of triton.testing.do_bench (warm-up, L2 cleared before every run),
    reported as GB/s (memory-bound kernels) or TFLOP/s (matmul, attention), as a speedup over
    PyTorch, and as a fraction of this device's roofline, measured in the same run by a
    device-to-device copy and a large fp16 torch.matmul. Rows at a target's sizes say whether
    it is met (the targets: kernels/BENCHMARKS.md). Then a plot of throughput against size per kernel.

    \b
    Examples:
      learn bench                              every kernel, its default sweep
      learn bench vector_add --sizes 2^20,2^24
      learn bench matmul flash_attention --json > results.json
      learn bench --mine                       your kernels: checked, then timed
      learn bench --mine softmax --json

    Exit 0: measured (targets missed included); 1: a point could not run (out of memory, a
    kernel error; the others are still measured), or with --mine one of your kernels failed a
    check; 2: bad usage, or no CUDA device (with --mine, after checking your kernels' correctness).
    """
    if mine:
        if sizes:
            raise fail("--sizes sweeps the reference kernels; --mine times yours at their exercise's size")
        bench_mine(kernels, as_json)
        return
    from kernels import benchmarks, harness

    plan = [(b, parse_sizes(sizes) if sizes else b.sizes) for b in select(kernels)]
    try:
        harness.require_cuda()
    except harness.CudaUnavailable:
        raise fail(NO_CUDA) from None

    out = Output(as_json)
    info = harness.device_info()
    if out.json_mode:
        roofline = harness.measure_roofline()
        results = benchmarks.run(plan, roofline, measure_point=benchmarks.measure)
    else:
        roofline, results = _measure_with_progress(out.console, plan)
    data = benchmarks.report(info, roofline, results, plan)
    data["command"] = command_line(kernels, sizes)
    out.emit(data, lambda console: print_results(console, data, plan, results))
    if any(r.error for r in results):
        raise typer.Exit(1)


def bench_mine(names: list[str] | None, as_json: bool) -> None:
    """Check the learner's kernel files (as `learn verify` does, storing the attempts), then print their
    timings in `learn bench`'s table; without CUDA, the checks' results and why nothing was timed."""
    from app.cli.verify_cmds import _in_background, _print_failure, _Progress  # verify's own, as it shows them
    from app.study.store import open_store
    from app.study.verify import verify, warm_up
    from app.verify import bench_mine as mine

    exercises = mine.started(mine.select(names))
    warm_up()
    store = _in_background(open_store)
    out = Output(as_json)
    if out.json_mode:
        run = verify(exercises, store, skip_missing=True)
    else:
        with _Progress(out.console) as progress:
            run = verify(exercises, store, skip_missing=True, on_event=progress.on_event, on_done=progress.on_done)
    data = mine.report(run.reports)
    out.emit(data, lambda console: print_mine(console, data, run.reports, _print_failure))
    code = mine.exit_code(run.reports)
    if code:
        raise typer.Exit(code)


def mine_table(rows: list[dict[str, Any]]):
    """Your kernels, one row each: size | ms | GB/s or TFLOP/s | torch ms | speedup | vs ref | roofline (80 columns)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title="[bold]your kernels[/]  [dim]median ms; speedup = torch's time / yours, vs ref = the reference's[/]",
        title_justify="left",
        box=None,
        header_style="bold",
        pad_edge=False,
        collapse_padding=True,
    )
    for header in ("kernel", "size", "ms", "throughput", "torch ms", "speedup", "vs ref", "roofline"):
        table.add_column(header, justify="left" if header in ("kernel", "size") else "right", no_wrap=header != "size")
    for r in rows:
        kernel = escape(r["exercise"].removeprefix("triton_"))
        if r["timing"] != "measured":  # why not: under the table (print_mine)
            table.add_row(kernel, *(["—"] * 7))
            continue
        vs_reference = f"{_floor2(r['speedup_vs_reference'])}x" if r["speedup_vs_reference"] is not None else "—"
        if r["suspect"]:
            vs_reference = f"[red]{vs_reference} suspect[/]"
        table.add_row(
            kernel,
            escape(r["size"] or ""),
            _ms(r["ms"]),
            f"{_figure(r['throughput'])} {r['metric']}",
            _ms(r["torch_ms"]),
            f"{_floor2(r['speedup'])}x" if r["speedup"] is not None else "—",
            vs_reference,
            f"{math.floor(r['roofline_fraction'] * 100)}%" if r["roofline_fraction"] is not None else "—",
        )
    return table


def print_mine(console, data: dict[str, Any], reports, print_failure) -> None:
    from rich.markup import escape

    for report in reports:
        if not report.passed and str(report.status) != "missing":
            print_failure(console, report)
    if data["timed"]:
        console.print(f"[bold]{escape(str(data['device']))}[/]")
        console.print(mine_table(data["rows"]))
    for r in data["rows"]:
        if r["suspect"]:
            console.print(f"  [yellow]{escape(r['exercise'])}:[/] {escape(r['message'] or '')}")
        elif data["timed"] and r["timing"] != "measured":
            console.print(f"  [dim]{escape(r['exercise'])}: {escape(r['message'] or '')}[/]")
    if data["message"]:
        console.print(escape(data["message"]))


def select(names: list[str] | None) -> list[Benchmark]:
    """The benchmarks named (vector-add reads as vector_add), in the order given; all when none."""
    from app.errors import LearnError, did_you_mean
    from kernels.benchmarks import BENCHMARKS

    if not names:
        return list(BENCHMARKS.values())
    chosen = []
    for name in names:
        key = name.strip().lower().replace("-", "_")
        if key not in BENCHMARKS:
            hint = did_you_mean(key, BENCHMARKS) or f"; known: {', '.join(BENCHMARKS)}"
            raise LearnError(f"no kernel '{name}'{hint}")
        if BENCHMARKS[key] not in chosen:
            chosen.append(BENCHMARKS[key])
    return chosen


def parse_sizes(text: str) -> tuple[int, ...]:
    """'4096,65536' or '2^12,2^20' -> (4096, 65536) / (4096, 1048576); positive, in the order given."""
    from app.errors import LearnError

    sizes = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            value = 2 ** int(part[2:]) if part.startswith("2^") else int(part.replace("_", ""))
        except ValueError:
            raise LearnError(f"--sizes: '{part}' is not a size (write 4096 or 2^12)") from None
        if value <= 0:
            raise LearnError(f"--sizes: {part} is not positive")
        sizes.append(value)
    if not sizes:
        raise LearnError("--sizes: no size given (write 4096,65536 or 2^12,2^20)")
    return tuple(dict.fromkeys(sizes))


def command_line(kernels: list[str] | None, sizes: str | None) -> str:
    parts = ["learn bench", *(kernels or [])]
    if sizes:
        parts += ["--sizes", sizes]
    return " ".join(parts)


def _measure_with_progress(console, plan):
    """The roofline, then every point, under a transient progress bar (hidden when not a terminal)."""
    from rich.markup import escape

    from app.cli.output import progress_bars
    from kernels import benchmarks, harness

    progress = progress_bars(console)
    total = 1 + sum(len(sizes) for _, sizes in plan)
    with progress:
        task = progress.add_task("roofline: device copy and fp16 matmul", total=total)
        roofline = harness.measure_roofline()
        progress.advance(task)

        def on_start(bench, size) -> None:
            progress.update(task, description=escape(f"{bench.name} {bench.shape(size)}"))

        def on_done(result) -> None:
            progress.advance(task)
            if result.error:
                progress.console.print(
                    f"[red]✘[/] {escape(result.kernel)} {escape(result.shape)}: {escape(result.error)}"
                )

        results = benchmarks.run(plan, roofline, measure_point=benchmarks.measure, on_start=on_start, on_done=on_done)
    return roofline, results


# --- rendering: from results alone, so tests render injected figures ---


def _ms(value: float | None) -> str:
    """Three significant figures, never in exponent notation."""
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value >= 0.001 else f"{value:.5f}"


def _figure(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _floor2(value: float) -> str:
    """Two decimals rounded down: a shown 0.85 is never a measured 0.8499 that misses >= 0.85."""
    return f"{math.floor(value * 100) / 100:.2f}"


def _check_cell(result: Result) -> str:
    """'✔ 0.93 BW (>= 0.90)' or '✘ 0.87x (>= 0.9x)' per target at this size; a failed point's error."""
    from rich.markup import escape

    if result.error:
        return f"[red]✘ {escape(result.error)}[/]"
    lines = []
    for c in result.checks:
        mark = "[green]✔" if c.met else "[red]✘"
        if c.kind == "bandwidth":
            lines.append(f"{mark} {_floor2(c.value)} BW[/] [dim](>= {c.at_least:.2f})[/]")
        else:
            lines.append(f"{mark} {_floor2(c.value)}x[/] [dim](>= {c.at_least:.1f}x)[/]")
    return "\n".join(lines)


def kernel_table(bench: Benchmark, results: list[Result]):
    """One kernel's rows: size | ms | GB/s or TFLOP/s | torch ms | speedup | of roofline | target (80 columns)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=f"[bold]{escape(bench.name)}[/]  [dim]{escape(bench.summary)}; vs {escape(bench.torch_label)}[/]",
        title_justify="left",
        box=None,
        header_style="bold",
        pad_edge=False,
        collapse_padding=True,
    )
    for header in ("size", "ms", bench.metric, "torch ms", "speedup", "roofline", "target"):
        table.add_column(
            header, justify="left" if header in ("size", "target") else "right", no_wrap=header != "target"
        )
    for r in results:
        if r.kernel != bench.name:
            continue
        if r.error:
            table.add_row(escape(r.shape), *(["—"] * 5), _check_cell(r))
            continue
        table.add_row(
            escape(r.shape),
            _ms(r.ms),
            _figure(r.throughput),
            _ms(r.torch_ms),
            f"{_floor2(r.speedup)}x",
            f"{math.floor(r.roofline_fraction * 100)}%",
            _check_cell(r),
        )
    return table


def throughput_plot(bench: Benchmark, results: list[Result], *, width: int = 80, colorless: bool = True) -> str | None:
    """Throughput against size (log2 x axis) for the kernel and torch; None with fewer than two points."""
    import plotext

    points = sorted((r for r in results if r.kernel == bench.name and not r.error), key=lambda r: r.size)
    if len(points) < 2:
        return None
    xs = [math.log2(r.size) for r in points]
    fig = plotext.figure
    fig.clear()
    fig.theme("simple")  # coloured lines on the terminal's own background (the default paints it white)
    fig.plot_size(width, PLOT_HEIGHT)
    # Distinct markers, keyed in the title: the lines stay apart without colour, and no legend box covers them.
    for marker, ys in (("hd", [r.throughput for r in points]), ("•", [r.torch_throughput for r in points])):
        signal = fig.signal(xs, ys, marker=marker)
        signal.lines()
        fig.draw(signal)
    lo, hi = math.floor(xs[0]), math.ceil(xs[-1])
    step = max(1, math.ceil((hi - lo) / 8))  # at most ~9 tick labels: they must not run into each other
    ticks = list(range(lo, hi + 1, step))
    fig.ruler("x").ticks(ticks, [f"2^{k}" for k in ticks])
    fig.title(f"{bench.name}, {bench.metric}:  ▚ triton   • {bench.torch_label}")
    fig.label(f"{bench.size_label} (log2)", axis="x")
    fig.label(bench.metric, axis="y")
    text = fig.build().string(colorless=colorless)
    fig.clear()
    return text


def print_results(console, data: dict[str, Any], plan, results: list[Result]) -> None:
    from rich.markup import escape
    from rich.text import Text

    roof = data["roofline"]
    versions = data["versions"]
    console.print(
        f"[bold]{escape(str(data['device']))}[/]  [dim]torch {escape(versions['torch'])}, "
        f"triton {escape(versions['triton'])}, CUDA {escape(str(versions['cuda']))}[/]"
    )
    console.print(
        f"Roofline, this run: device copy {roof['bandwidth_gbps']:,.0f} GB/s, "
        f"{roof['tflops_dtype']} torch.matmul {roof['tflops']:,.0f} TFLOP/s\n"
    )
    width = min(console.width, PLOT_MAX_WIDTH)
    colorless = console.color_system is None
    for bench, _ in plan:
        console.print(kernel_table(bench, results))
        plot = throughput_plot(bench, results, width=width, colorless=colorless)
        if plot:
            console.print()
            console.print(Text.from_ansi(plot) if not colorless else Text(plot))
        console.print()
    targets = data["targets"]
    if targets["met"] or targets["missed"]:
        console.print(
            f"Targets: {targets['met']} met, {targets['missed']} missed "
            "[dim](BW: GB/s over the copy's GB/s; x: speedup over torch)[/]"
        )
