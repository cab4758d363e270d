"""Typed results (app/verify/results.py): the child's JSON lines become CaseResult / Timing inside the
app and are written back with exactly the keys, order and values they came with, so `learn verify
--json` and the stored attempts keep their shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.verify import registry
from app.verify.attempts import PASSED_CASE_FIELDS, _details
from app.verify.report import ExerciseReport
from app.verify.results import CaseResult, CaseStatus, Status, Timing
from app.verify.runner import Job, run_job

REPO = Path(__file__).resolve().parents[1]
CASE_KEYS = [
    "index",
    "check",
    "case",
    "entry",
    "label",
    "detail",
    "seed",
    "note",
    "inputs",
    "passed",
    "status",
    "message",
    "mismatch",
    "error",
    "hints",
    "mutated",
    "duration_ms",
    "fresh",
]  # as the child sends them


@pytest.fixture(scope="module")
def wrong_axis() -> tuple[ExerciseReport, list[dict]]:
    """A real run of a wrong softmax, with every case result the child sent."""
    softmax = next(e for e in registry.exercises() if e.id == "softmax")
    sent: list[dict] = []

    def on_event(_report, event: dict) -> None:
        if event.get("event") == "case":
            sent.append(json.loads(json.dumps(event["result"])))  # as it was, before anything reads it
        elif event.get("event") == "diagnosis":  # the child's view across cases, sent after the last one
            for index, hints in event.get("hints", {}).items():
                next(raw for raw in sent if raw["index"] == int(index))["hints"] = list(hints)

    report = run_job(
        Job(softmax, str(REPO / "reference_impls" / "wrong" / "softmax" / "wrong_axis.py"), "wrong"), on_event=on_event
    )
    return report, sent


def test_each_case_is_typed_and_written_back_exactly_as_the_child_sent_it(wrong_axis):
    report, sent = wrong_axis
    assert report.status is Status.FAILED  # the runner's "failed", typed
    assert sent and len(report.checks) == len(sent)
    for case, raw in zip(report.checks, sent, strict=True):
        assert isinstance(case, CaseResult) and isinstance(case.status, CaseStatus)
        assert list(raw) == CASE_KEYS
        assert list(case.to_json().items()) == list(raw.items())  # keys, order and values
    failed = report.failures[0]
    assert failed.status == "failed" and failed.mismatch and failed.hints and failed.label.startswith(failed.check)
    assert report.to_json()["checks"] == sent


def test_cases_that_never_reported_keep_the_placeholder_shape():
    planned = {"index": 3, "check": "forward", "case": "big", "label": "forward/big", "detail": "(4, 10) float32"}
    case = CaseResult.not_run(planned)
    assert case.to_json() == {
        **planned,
        "entry": "",
        "seed": None,
        "note": "",
        "inputs": [],
        "passed": False,
        "status": "not_run",
        "message": "not run",
        "mismatch": None,
        "error": None,
        "hints": [],
        "mutated": [],
        "duration_ms": 0,
        "fresh": False,
    }
    case.stop(CaseStatus.TIMEOUT, "timed out after 10 s")
    assert case.to_json()["status"] == "timeout" and case.to_json()["message"] == "timed out after 10 s"
    assert json.dumps(case.to_json())  # the enum is written as its string


def test_keys_a_newer_child_sends_are_kept():
    raw = {
        "index": 0,
        "check": "c",
        "case": "x",
        "label": "c/x",
        "passed": True,
        "status": "passed",
        "tolerance": [1e-5, 1e-6],
    }
    assert CaseResult.from_json(raw).to_json() == raw


@pytest.mark.parametrize(
    "raw",
    [
        {"status": "no_cuda", "message": "no CUDA device: kernels checked in the interpreter, not timed"},
        {
            "status": "measured",
            "device": "NVIDIA H100",
            "size": "2^24 float32",
            "entry": "add",
            "ms": {"yours": 0.004, "reference": 0.06, "torch": 0.059},
            "speedup_vs_reference": 15.0,
            "speedup_vs_torch": "inf",
            "gbps": 3300.0,
            "tflops": None,
            "roofline": {"bandwidth_gbps": 3350.0, "tflops": None, "tflops_dtype": None},
            "roofline_fraction": 0.91,
            "suspect": True,
            "recheck": {"passed": False, "seed": 7, "message": "4097 of 4097 elements differ"},
            "message": "0.004 ms, ...",
        },
    ],
)
def test_a_timing_reads_and_writes_both_of_its_shapes(raw):
    timing = Timing.from_json(raw)
    assert list(timing.to_json().items()) == list(raw.items())
    assert timing.measured == (raw["status"] == "measured")
    made = Timing(**{k: v for k, v in raw.items()})  # made in the app: the same keys, in the same order
    assert list(made.to_json()) == list(raw)


def test_the_stored_details_keep_their_shape(wrong_axis):
    report, sent = wrong_axis
    report.impl = "learner"
    stored = json.loads(_details(report))
    assert list(stored) == list(report.to_json())
    for case, raw in zip(stored["checks"], sent, strict=True):
        if raw["passed"]:
            assert list(case) == list(PASSED_CASE_FIELDS)
        elif "same_as" not in case:
            assert case == raw
    assert list(stored["output"]) == ["stdout", "stderr", "stdout_bytes", "stderr_bytes", "truncated"]
    assert list(stored["limits"]) == ["time_s", "memory_mb", "memory_enforced"]
