"""Exercise: gradient clipping by global norm and by value."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._cases import randn
from reference_impls.exercises._fresh import fresh


def _grads(seed, dtype, scale=1.0):
    rng = np.random.default_rng(seed)
    return [randn(rng, s, dtype, scale) for s in ((3, 4), (5,), (1,))]


def _fresh_grads(seed):
    """1 to 4 gradients of drawn shapes (sizes 1 and odd included), drawn afresh on each run."""
    for rng, _, dtype, s in fresh([()], seed=seed, n=1):
        shapes = [
            tuple(int(d) for d in rng.integers(1, 8, size=int(rng.integers(1, 4)))) for _ in range(rng.integers(1, 5))
        ]
        yield rng, [randn(rng, shape, dtype, float(rng.uniform(0.5, 3.0))) for shape in shapes], s


def norm_cases():
    for k, dtype in enumerate(("float32", "float64")):
        for max_norm in (0.1, 1.0, 100.0):
            yield Case(
                f"max_norm_{max_norm}",
                (_grads(11000 + k, dtype), max_norm),
                seed=11000 + k,
                note="total norm ~4: clipped for 0.1 and 1, untouched for 100",
            )
    yield Case(
        "exploding", (_grads(11010, "float32", 1e6), 5.0), seed=11010, note="gradients ~1e6, as in an exploding RNN"
    )
    for rng, grads, s in _fresh_grads(11020):
        total = float(np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads)))
        for name, factor in (("fresh_clipped", rng.uniform(0.1, 0.8)), ("fresh_untouched", rng.uniform(1.25, 3.0))):
            yield Case(name, (grads, total * factor), seed=s, note=f"max_norm = {factor:.2f} x the total norm")


def value_cases():
    for k, dtype in enumerate(("float32", "float64")):
        yield Case("clip_0.5", (_grads(11100 + k, dtype), 0.5), seed=11100 + k)
    for rng, grads, s in _fresh_grads(11120):
        yield Case("fresh", (grads, float(rng.uniform(0.2, 1.5))), seed=s)


def _per_tensor(grads, max_norm):
    out = [g * min(max_norm / (float(np.linalg.norm(g)) + 1e-6), 1.0) for g in grads]
    return [o.astype(g.dtype) for o, g in zip(out, grads)], float(
        np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads))
    )


def _total(grads):
    return float(np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads)))


def _no_clamp(grads, max_norm):
    total = _total(grads)
    return [g * g.dtype.type(max_norm / (total + 1e-6)) for g in grads], total


def _no_eps(grads, max_norm):
    total = _total(grads)
    return [g * g.dtype.type(max_norm / max(total, max_norm)) for g in grads], total


def _squared(grads, max_norm):
    total = _total(grads) ** 2
    return [g * g.dtype.type(min(max_norm / (total + 1e-6), 1.0)) for g in grads], total


EXERCISE = Exercise.of(
    info("grad_clip"),
    task="""As torch.nn.utils.clip_grad_norm_ / clip_grad_value_, but returning new arrays.

1. clip_grad_norm(grads, max_norm): total = the 2-norm of ALL gradients together,
   sqrt(sum over arrays of sum(g^2)); scale = min(max_norm / (total + 1e-6), 1); return
   ([g * scale for g in grads], total). Every array keeps its dtype; the direction is kept.
2. clip_grad_value(grads, clip_value): each entry clipped to [-clip_value, clip_value].""",
    entry_points=(
        EntryPoint("clip_grad_norm", "(grads, max_norm)", "(clipped list, total norm before clipping as a float)."),
        EntryPoint("clip_grad_value", "(grads, clip_value)", "A list of the clipped arrays."),
    ),
    checks=(
        Check("norm", "clip_grad_norm", norm_cases, description="float32/64; max_norm 0.1 / 1 / 100; gradients ~1e6"),
        Check("value", "clip_grad_value", value_cases, description="float32/64"),
    ),
    probes=(
        Probe(
            "only clip when the norm exceeds max_norm: scale = min(max_norm / (total + 1e-6), 1), or small gradients "
            "are scaled UP to max_norm",
            impl={"clip_grad_norm": _no_clamp},
        ),
        Probe(
            "scale = max_norm / (total + 1e-6), PyTorch's (the TASK's formula): without the 1e-6 (TensorFlow's "
            "max_norm / max(total, max_norm)) the clipped gradients differ by 1e-6 / total relative, which float64's "
            "tolerance tells apart",
            impl={"clip_grad_norm": _no_eps},
        ),
        Probe(
            "the 2-norm is the SQUARE ROOT of the sum of squares",
            impl={"clip_grad_norm": _squared},
        ),
        Probe(
            "one global norm over ALL the gradients, not a norm per array: clipping each array separately "
            "changes the update's direction",
            impl={"clip_grad_norm": _per_tensor},
        ),
    ),
)
