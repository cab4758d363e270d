"""An exception raised inside a function the check hands to the learner's code (ddpm's stand-in eps_model), because
the learner called it with arguments it cannot take, happened while their code ran: it is reported as their
error at their line, not as "your output is None" (the checker's post-processing of a returned value)."""

from __future__ import annotations

from app.verify import registry
from app.verify.runner import Job, run_jobs

LEARNER = """import torch

from reference_impls.torch.diffusion import alphas_cumprod, linear_betas, q_sample, sample  # noqa: F401


def p_sample(eps_model, x_t, t, betas, noise=None):
    eps = eps_model(x_t, "t")  # a string where the model wants a timestep
    return x_t - eps
"""


def test_an_error_inside_the_checks_callback_is_the_learners(tmp_path):
    learner = tmp_path / "ddpm.py"
    learner.write_text(LEARNER)
    exercise = next(e for e in registry.exercises() if e.id == "ddpm")
    report = run_jobs([Job(exercise, str(learner))])[0]
    failing = [c for c in report.checks if not c.passed and c.check == "p_sample"]
    assert failing
    for case in failing:
        assert "output is None" not in case.message
        assert "TypeError" in case.message and "ddpm.py" in case.message
