"""Exercise: MSE, MAE and Huber losses and their gradients."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe, grid
from reference_impls.exercises._cases import LOOSE, randn

SHAPES = [(1,), (9,), (4, 3), (2, 3, 5)]


def _cases(with_delta=False):
    def cases():
        for rng, shape, dtype, s in grid(SHAPES, seed=5000, fresh=1):
            yield Case("random", (randn(rng, shape, dtype, 2.0), randn(rng, shape, dtype, 2.0)), seed=s)
        rng = np.random.default_rng(5100)
        p, y = randn(rng, (6, 4), "float64"), randn(rng, (6, 4), "float64")
        p[0, :2] += 40.0
        yield Case(
            "outliers", (p, y), seed=5100, note="two residuals of ~40: MSE is dominated by them, MAE and Huber are not"
        )
        if with_delta:
            for delta in (0.5, 3.0):
                yield Case(
                    f"delta_{delta}", (p, y), {"delta": delta}, seed=5100, note=f"delta={delta}: use the argument"
                )
        exact = np.array([1.0, 2.0, 3.0, 4.0], "float32")
        yield Case(
            "some_exact",
            (exact, np.array([1.0, 0.0, 3.0, 7.0], "float32")),
            note="residuals exactly 0: the MAE subgradient there is 0 (np.sign)",
        )

    return cases


def _mae_grad_no_n(pred, target):
    return np.sign(pred - target)


EXERCISE = Exercise.of(
    info("regression_losses"),
    task="""Three regression losses, each the MEAN over every element (as PyTorch's default), and their
gradients with respect to the prediction (same shape and dtype as pred). d = pred - target:

    mse   = mean(d^2)                                  grad = 2 d / n
    mae   = mean(|d|)                                  grad = sign(d) / n   (0 where d == 0)
    huber = mean(0.5 d^2 if |d| <= delta               grad = d / n inside, delta sign(d) / n outside
                 else delta (|d| - 0.5 delta))

n is the number of elements. Which of the three lets one outlier dominate the gradient?""",
    entry_points=(
        EntryPoint("mse_loss", "(pred, target)", "mean((pred - target)^2), a scalar."),
        EntryPoint("mse_loss_grad", "(pred, target)", "d mse / d pred, pred's shape and dtype."),
        EntryPoint("mae_loss", "(pred, target)", "mean(|pred - target|), a scalar."),
        EntryPoint("mae_loss_grad", "(pred, target)", "d mae / d pred: sign(d) / n, 0 where d == 0."),
        EntryPoint("huber_loss", "(pred, target, delta=1.0)", "The Huber loss (torch.nn.HuberLoss), a scalar."),
        EntryPoint(
            "huber_loss_grad",
            "(pred, target, delta=1.0)",
            "d huber / d pred: the residual clipped to [-delta, delta], over n.",
        ),
    ),
    checks=(
        Check("mse", "mse_loss", _cases(), tolerance=LOOSE, description="float32/64, 4 shapes, outliers, exact zeros"),
        Check("mse_grad", "mse_loss_grad", _cases(), tolerance=LOOSE, description="the same cases"),
        Check("mae", "mae_loss", _cases(), tolerance=LOOSE, description="the same cases"),
        Check("mae_grad", "mae_loss_grad", _cases(), tolerance=LOOSE, description="the same cases"),
        Check("huber", "huber_loss", _cases(True), tolerance=LOOSE, description="the same cases, delta 0.5 / 1 / 3"),
        Check(
            "huber_grad",
            "huber_loss_grad",
            _cases(True),
            tolerance=LOOSE,
            description="the same cases, delta 0.5 / 1 / 3",
        ),
    ),
    probes=(
        Probe(
            "the gradient of a mean divides by the number of elements n (pred.size), not by nothing or the batch only",
            impl="wrong/regression_losses/grad_not_divided.py",
        ),
        Probe(
            "d/dp of (p - y)^2 is 2 (p - y): the factor 2 is missing",
            impl={"mse_loss_grad": lambda p, y: (p - y) / p.size},
        ),
        Probe(
            "Huber outside |d| <= delta is delta * (|d| - 0.5 * delta), linear with slope delta: "
            "check the constant that makes the two pieces meet",
            impl={
                "huber_loss": lambda p, y, delta=1.0: np.mean(
                    np.where(np.abs(p - y) <= delta, 0.5 * (p - y) ** 2, delta * np.abs(p - y))
                )
            },
        ),
        Probe(
            "SmoothL1Loss's formula is not the Huber loss: Huber = delta * SmoothL1(beta=delta), so inside "
            "|d| <= delta it is 0.5 d^2 (not / delta) and outside delta (|d| - 0.5 delta); the gradient is d clipped "
            "to [-delta, delta]",
            impl="wrong/regression_losses/smooth_l1_as_huber.py",
            checks=("huber", "huber_grad"),
        ),
        Probe(
            "delta ignored: use the argument, not 1.0",
            impl={
                "huber_loss": lambda p, y, delta=1.0: _ref("huber_loss")(p, y, 1.0),
                "huber_loss_grad": lambda p, y, delta=1.0: _ref("huber_loss_grad")(p, y, 1.0),
            },
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "huber_loss", "d = pred - target", "d = target - pred", "Huber's loss uses only |d| and d * d: even in d"
        ),
        Equivalent(
            "huber_loss",
            "np.where(a <= delta,",
            "a < delta",
            "at |d| = delta both pieces give 0.5 * delta^2: the loss is continuous there",
        ),
    ),
)


def _ref(name):
    from reference_impls.numpy import regression_losses

    return getattr(regression_losses, name)
