"""`learn verify` benchmarks, against the targets of the verify issues:

- a NumPy-only module (0.1, 0.2, 0.3, 0.4, 0.6) <= 1.5 s wall, with no torch import;
- a PyTorch module (0.5, 0.7, 0.8, 1.1, 1.2, 1.3, 1.4, 2.2 and the other plans' modules) <= 4 s wall.

Each run is a whole `learn verify` process (a new interpreter, its own fork servers), timed from
spawn to exit: the learner's stubs (`learn start` first: every check fails fast, as on day one) and
the references (`--reference`: every check runs to the end, the slow case). Median of N runs.

    python benchmarks/bench_verify.py                 # every module with exercises, 3 runs each
    python benchmarks/bench_verify.py 0.2 0.8 -n 5    # some modules

Uses a temporary LEARN_HOME and LEARN_WORKSPACE. Load from other processes inflates the figures:
run it on a quiet machine (the script prints the load average before and after).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

NUMPY_TARGET_S, TORCH_TARGET_S = 1.5, 4.0


def _modules() -> dict[str, bool]:
    """module id -> whether any of its exercises needs torch (their home modules and linked ones)."""
    from app.verify import registry

    found: dict[str, bool] = {}
    for exercise in registry.exercises():
        for module in registry.modules_of(exercise):
            found[module] = found.get(module, False) or "torch" in exercise.needs
    return found


def _wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app.cli.main", *args], cwd=REPO, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: a check failed (the stubs): expected
        raise RuntimeError(f"learn {' '.join(args)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def _start_every_stub(module: str, env: dict[str, str], workspace: Path) -> None:
    """Each exercise of the module started in its home folder (`learn start MODULE` writes only the
    module's own), and its stub touched: an untouched stub is "not started" and runs nothing, while
    the figure wanted is a learner's first try, where every check runs and fails."""
    from app.verify import registry

    for exercise in registry.for_module(module):
        subprocess.run(
            [sys.executable, "-m", "app.cli.main", "start", exercise.id],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
        )
        with (workspace / exercise.file).open("a", encoding="utf-8") as stub:
            stub.write("# started\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module ids (default: every module with exercises)")
    parser.add_argument("-n", "--runs", type=int, default=3)
    options = parser.parse_args()
    from app.module_ids import module_label

    modules = _modules()
    wanted = options.modules or sorted(modules, key=lambda m: (not m[:1].isdigit(), m))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LEARN_HOME": f"{tmp}/home", "LEARN_WORKSPACE": f"{tmp}/workspace"}
        subprocess.run(
            [sys.executable, "-m", "app.cli.main", "sync"], cwd=REPO, env=env, check=True, capture_output=True
        )
        load_before = os.getloadavg()[0]
        print("| module | needs torch | stubs (median) | references (median) | target |")
        print("|---|---|---|---|---|")
        for module in wanted:
            label = module_label(module)
            _start_every_stub(module, env, Path(tmp) / "workspace")
            stubs = statistics.median(_wall(["verify", label], env) for _ in range(options.runs))
            refs = statistics.median(_wall(["verify", "--reference", label], env) for _ in range(options.runs))
            target = TORCH_TARGET_S if modules.get(module) else NUMPY_TARGET_S
            verdict = "met" if max(stubs, refs) <= target else "**missed**"
            print(
                f"| {label} | {'yes' if modules.get(module) else 'no'} | {stubs:.2f} s | {refs:.2f} s | "
                f"<= {target:g} s: {verdict} |",
                flush=True,
            )
        print(f"\nload average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
