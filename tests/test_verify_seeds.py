"""Fresh cases: drawn anew on every run from the run's seed, named in the report when one fails, replayed by --seed."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.verify import registry
from app.verify.runner import Job, run_job
from app.verify.seeds import ENV
from reference_impls.exercise import FreshSeed, grid, set_run_seed


def _draws(run: int) -> list:
    set_run_seed(run)
    try:
        return [
            (shape, dtype, seed, rng.standard_normal(shape).sum())
            for rng, shape, dtype, seed in grid([(4, 7), (1, 5)], fresh=3)
        ]
    finally:
        set_run_seed(0)


def test_fresh_cases_vary_with_the_run_seed_and_replay_exactly():
    first, again, other = _draws(48213), _draws(48213), _draws(7)
    assert len(first) == len(other) == 4 + 6  # the named grid, then 3 fresh per dtype: the count never varies
    assert first == again
    assert first[:4] == other[:4]  # the named cases stay as they are
    assert [d[:3] for d in first[4:]] != [d[:3] for d in other[4:]]
    fresh = [seed for _, _, seed, _ in first[4:]]
    assert all(isinstance(s, FreshSeed) and s.run == 48213 for s in fresh)
    assert not any(isinstance(seed, FreshSeed) for _, _, seed, _ in first[:4])


def test_a_failing_fresh_case_names_the_seed_that_replays_it(monkeypatch):
    monkeypatch.setenv(ENV, "48213")
    exercise = next(e for e in registry.exercises() if e.id == "activations")
    wrong = registry.REFERENCE_ROOT / "wrong" / "activations" / "gelu_tanh_always.py"
    report = run_job(Job(exercise, str(wrong), "wrong"))
    fresh = [c for c in report.failures if c.fresh]
    assert fresh and all("drawn afresh from run seed 48213" in c.detail for c in fresh)
    assert report.seed == 48213 and report.to_json()["seed"] == 48213
    assert report.replay == "seed 48213: re-run with `learn verify activations --seed 48213`"
    again = run_job(Job(exercise, str(wrong), "wrong"))
    assert [(c.label, c.detail, c.message) for c in again.failures] == [
        (c.label, c.detail, c.message) for c in report.failures
    ]


def test_a_run_with_only_named_cases_failing_offers_no_replay(monkeypatch):
    monkeypatch.setenv(ENV, "5")
    exercise = next(e for e in registry.exercises() if e.id == "activations")
    wrong = registry.REFERENCE_ROOT / "wrong" / "activations" / "sigmoid_overflow.py"
    report = run_job(Job(exercise, str(wrong), "wrong"))
    assert report.failures and not any(c.fresh for c in report.failures)
    assert report.replay is None


def test_verify_seed_option_reaches_the_fresh_cases(cli):
    result = cli("verify", "--reference", "activations", "--seed", "314", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    exercise = data["exercises"][0]
    assert exercise["seed"] == 314
    assert any("drawn afresh from run seed 314" in c["detail"] and c["fresh"] for c in exercise["checks"])


def test_the_seed_is_new_on_every_run_without_one(monkeypatch):
    from app.verify.seeds import run_seed

    monkeypatch.delenv(ENV, raising=False)
    assert len({run_seed() for _ in range(20)}) > 1
    monkeypatch.setenv(ENV, "12")
    assert run_seed() == 12
    assert np.random.default_rng(FreshSeed(5, 12)).integers(100) == np.random.default_rng(5).integers(100)


FRESH_SAMPLE = ["softmax", "layer_norm", "moe", "paged_kv_cache", "lr_schedules", "pca", "pooling", "sampling"]


@pytest.mark.parametrize("exercise_id", FRESH_SAMPLE)
def test_two_run_seeds_draw_different_fresh_cases_and_the_reference_passes_both(exercise_id, monkeypatch):
    exercise = next(e for e in registry.exercises() if e.id == exercise_id)
    drawn = {}
    for seed in (11, 12):
        monkeypatch.setenv(ENV, str(seed))
        report = run_job(Job(exercise, f"module:{exercise.reference}", "reference"))
        assert report.passed, f"{exercise_id} seed {seed}: {[(c.label, c.message) for c in report.failures][:3]}"
        fresh = [c for c in report.checks if c.fresh]
        assert fresh, f"{exercise_id}: no fresh cases"
        assert all(f"drawn afresh from run seed {seed}" in c.detail for c in fresh)
        drawn[seed] = [(c.label, json.dumps(c.inputs, sort_keys=True, default=str)) for c in fresh]
    assert len(drawn[11]) == len(drawn[12])  # the same checks draw the same number of cases
    assert drawn[11] != drawn[12], f"{exercise_id}: run seeds 11 and 12 drew the same fresh inputs"
