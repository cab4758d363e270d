"""The child process that runs a learner's code against a check: `python -m app.drill.code_worker`.

It imports torch once (seconds), says {"ready": true}, then answers one JSON request per line
({"check", "function", "code", "time_limit_s"}) with one JSON result ({"passed", "reason", "output",
"seconds"}). On Linux each request runs in a fork of this process: the learner's code can neither
slow the next request (torch stays imported) nor break it (monkeypatching torch, say), and an endless
loop is killed at the time limit while this worker lives on. Elsewhere the request runs here, and
the parent (app/drill/code_runner.py) kills and replaces the worker when it runs over.

The protocol goes to a duplicate of the original stdout; fd 1 and 2 point at stderr/a pipe, so the
learner's print()s never mix with it.
"""

from __future__ import annotations

import json
import math
import os
import select
import signal
import sys
import time
import traceback
from typing import Any

from app.drill.code_checks import CHECKS, CodeCheck

FILENAME = "<your code>"
MAX_OUTPUT = 4000  # characters of the learner's printed output kept


class CheckFailed(Exception):
    """A one-line reason why the learner's answer does not pass."""


def _your_line(exc: BaseException, code: str) -> str:
    """' (line 3 of your code: `x = y`)' for the deepest frame in the learner's code, else ''."""
    if isinstance(exc, SyntaxError) and exc.filename == FILENAME and exc.lineno:
        return f" (line {exc.lineno} of your code)"
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == FILENAME]
    if not lines or lines[-1] is None:
        return ""
    source = code.splitlines()[lines[-1] - 1].strip() if lines[-1] <= len(code.splitlines()) else ""
    return f" (line {lines[-1]} of your code: `{source}`)" if source else f" (line {lines[-1]} of your code)"


def _exception_reason(exc: BaseException, code: str) -> str:
    message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    first = message.strip().splitlines()[0] if message.strip() else ""
    return f"{type(exc).__name__}: {first}{_your_line(exc, code)}" if first else f"{type(exc).__name__}{_your_line(exc, code)}"


def _shape(value: Any) -> str:
    return str(tuple(value.shape))


def _as_tensor(torch, value: Any, where: str):
    import numpy as np

    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(value)
    raise CheckFailed(f"expected a tensor, got {type(value).__name__}{where}")


def _compare(torch, check: CodeCheck, got: Any, want: Any, where: str) -> None:
    """Raise CheckFailed with a one-line reason unless `got` matches `want`."""
    if check.kind == "int":
        if isinstance(got, torch.Tensor) and got.numel() == 1 and not got.is_floating_point():
            got = got.item()
        if isinstance(got, float) and got.is_integer():
            got = int(got)
        if not isinstance(got, int) or isinstance(got, bool):
            raise CheckFailed(f"expected an int, got {type(got).__name__} {got!r:.40}{where}")
        if got != want:
            raise CheckFailed(f"expected {want:,}, got {got:,}{where}")
        return
    if check.kind == "indices":
        if isinstance(got, torch.Tensor):
            got = got.tolist()
        if not isinstance(got, (list, tuple)) or not all(isinstance(i, int) for i in got):
            raise CheckFailed(f"expected a list or 1-D tensor of indices, got {type(got).__name__}{where}")
        if list(got) != want:
            raise CheckFailed(f"expected indices {want}, got {list(got)}{where}")
        return
    got = _as_tensor(torch, got, where)
    if tuple(got.shape) != tuple(want.shape):
        raise CheckFailed(f"shape mismatch: expected {_shape(want)}, got {_shape(got)}{where}")
    if check.kind == "exact":
        if got.dtype != want.dtype:
            raise CheckFailed(f"dtype mismatch: expected {want.dtype}, got {got.dtype}{where}")
        wrong = (got != want).nonzero()
        if len(wrong):
            first = tuple(wrong[0].tolist())
            raise CheckFailed(f"{len(wrong)} of {want.numel()} values differ, first at {first}{where}")
        return
    if got.dtype == torch.bool or not (got.is_floating_point() or got.is_complex()):
        got = got.to(want.dtype)
    got = got.to(torch.float64)
    want = want.to(torch.float64)
    bad = ~torch.isfinite(got) & torch.isfinite(want)
    if bad.any():
        first = tuple(bad.nonzero()[0].tolist())
        at = f" at {first}" if first else ""
        raise CheckFailed(f"{'NaN' if got[first].isnan() else 'inf'} in the output{at}{where}")
    error = (got - want).abs()
    if want.numel() and bool((error > check.atol + check.rtol * want.abs()).any()):
        raise CheckFailed(f"max abs error {float(error.max()):.3g}{where}")


def evaluate(request: dict[str, Any]) -> dict[str, Any]:
    """Run the learner's code on every case of the check; pass or the first one-line reason."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn

    check = CHECKS[request["check"]]
    function = request.get("function") or check.function
    code = request["code"]
    namespace: dict[str, Any] = {"__name__": "__learner__", "torch": torch, "F": F, "nn": nn, "np": np, "math": math}
    try:
        exec(compile(code, FILENAME, "exec"), namespace)  # noqa: S102 - running the learner's own code is the point
    except Exception as exc:  # noqa: BLE001 - any error in their code is a reason, not a crash
        return {"passed": False, "reason": _exception_reason(exc, code)}
    fn = namespace.get(function)
    if not callable(fn):
        return {"passed": False, "reason": f"your code does not define {function}(...); expected {check.signature}"}
    generator = torch.Generator().manual_seed(check.seed)
    cases = check.cases(torch, generator)
    for n, (label, args) in enumerate(cases, 1):
        where = f" at input #{n} ({label})"
        want = check.reference(*_copies(torch, args))
        try:
            got = fn(*_copies(torch, args))  # copies: an in-place edit of the input cannot change the reference
        except Exception as exc:  # noqa: BLE001
            return {"passed": False, "reason": _exception_reason(exc, code) + where}
        try:
            _compare(torch, check, got, want, where)
        except CheckFailed as failed:
            return {"passed": False, "reason": str(failed)}
    return {"passed": True, "reason": f"all {len(cases)} inputs match the reference", "cases": len(cases)}


def _copies(torch, args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(a.clone() if isinstance(a, torch.Tensor) else list(a) if isinstance(a, list) else a for a in args)


def _collect(result_fd: int, output_fd: int, deadline: float) -> tuple[bytes, bytes, bool]:
    """Read the result and the printed output together until the result's EOF or the deadline
    (finished=False); output beyond a few KiB is read and dropped, so a chatty loop never blocks."""
    result, output = bytearray(), bytearray()
    open_fds = [result_fd, output_fd]
    while result_fd in open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            return bytes(result), bytes(output), False
        ready, _, _ = select.select(open_fds, [], [], left)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.remove(fd)
            elif fd == result_fd:
                result.extend(chunk)
            elif len(output) < 4 * MAX_OUTPUT:
                output.extend(chunk)
    return bytes(result), bytes(output), True


def _run_forked(request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run `evaluate` in a fork with the time limit; also return what it printed."""
    limit = float(request.get("time_limit_s") or 5.0)
    result_r, result_w = os.pipe()
    output_r, output_w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: the learner's code runs here
        os.close(result_r)
        os.close(output_r)
        os.setsid()  # its own process group, so anything it starts is killed with it
        os.dup2(output_w, 1)
        os.dup2(output_w, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # input() must not read the protocol
        try:
            result = evaluate(request)
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt from their code
            result = {"passed": False, "reason": _exception_reason(exc, request["code"])}
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001
            pass
        view = memoryview(json.dumps(result).encode())
        while view:
            view = view[os.write(result_w, view):]
        os._exit(0)
    os.close(result_w)
    os.close(output_w)
    raw, output, finished = _collect(result_r, output_r, started + limit)
    os.close(result_r)
    os.close(output_r)
    if not finished:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    if not finished:
        return {"passed": False, "reason": f"timed out after {limit:g} s"}, output
    try:
        return json.loads(raw), output
    except ValueError:
        code = os.waitstatus_to_exitcode(status)
        what = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return {"passed": False, "reason": f"your code crashed the checker ({what})"}, output


def _run_here(request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """No fork (Windows): run in this process; the parent enforces the limit by killing the worker."""
    import tempfile

    with tempfile.TemporaryFile() as sink:
        saved = os.dup(1)
        os.dup2(sink.fileno(), 1)
        try:
            result = evaluate(request)
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        sink.seek(0)
        return result, sink.read(4 * MAX_OUTPUT)


def run_request(request: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    result, output = _run_forked(request) if hasattr(os, "fork") else _run_here(request)
    result["seconds"] = round(time.monotonic() - started, 3)
    text = output.decode("utf-8", "replace")
    if len(text) > MAX_OUTPUT:
        text = text[:MAX_OUTPUT] + "\n... (output truncated)"
    result["output"] = text
    return result


def serve() -> None:
    import torch  # noqa: F401 - the slow import, once, before saying ready

    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # stray prints (ours or torch's) must not corrupt the protocol
    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if request["check"] not in CHECKS:
                result = {"passed": False, "reason": f"unknown check '{request['check']}'"}
            else:
                result = run_request(request)
        except Exception as exc:  # noqa: BLE001 - a bug here must not hang the parent
            result = {"passed": False, "reason": f"checker error: {type(exc).__name__}: {exc}"}
        protocol.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    serve()
