"""Helpers shared by the NumPy exercises: seeded inputs and looser float32 tolerances.

Not an exercise module (the leading underscore keeps the registry from importing it as one).
"""

import numpy as np

from reference_impls.exercise import Case, grid

# Equivalent formulas (fused vs two-pass means, different summation orders) differ by more than
# TOLERANCES' float32 rtol of 1e-5 once a few reductions are chained: backward passes, norms.
LOOSE = {"float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9)}


def randn(rng, shape, dtype, scale=1.0, shift=0.0):
    return (rng.standard_normal(shape) * scale + shift).astype(dtype)


def unary_cases(shapes, seed, scale=3.0, extra=(), fresh=1):
    """Random float32/64 inputs over `shapes` (and `fresh` more per dtype, drawn afresh each run), then the
    named edge cases in `extra`."""

    def cases():
        for rng, shape, dtype, s in grid(shapes, seed=seed, fresh=fresh):
            yield Case("random", (randn(rng, shape, dtype, scale),), seed=s)
        yield from extra

    return cases


def blobs(seed, n=60, k=3, d=2, spread=1.0, sep=4.0):
    """(X (n, d) float64, y (n,) int64): k Gaussian blobs, centers ~sep apart, classes 0..k-1."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((k, d)) * sep
    y = np.arange(n) % k
    return centers[y] + rng.standard_normal((n, d)) * spread, y


def correlated(seed, n=50, d=3):
    """(n, d) float64 with distinct, well-separated principal variances."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((d, d)) * np.linspace(3.0, 0.5, d)[:, None]
    return rng.standard_normal((n, d)) @ A + rng.standard_normal(d)
