"""Wrong: PolynomialLR without min(epoch, total_iters): past total_iters the base goes negative."""

from reference_impls.numpy.lr_schedules import (  # noqa: F401
    cosine_warm_restarts_lr,
    step_decay_lr,
    warmup_cosine_lr,
)

EXPECTED_HINT = "stays at 0 after total_iters"


def polynomial_decay_lr(epoch, base_lr, total_iters=5, power=1.0):
    return base_lr * (1 - epoch / total_iters) ** power  # the mistake: min(epoch, total_iters)
