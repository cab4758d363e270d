"""Only the fresh cases of `grid`: for exercises whose named cases are built by hand, not by grid()."""

import itertools

from reference_impls.exercise import grid


def fresh(shapes, dtypes=("float32", "float64"), seed=0, n=1, draw_shape=None):
    """(rng, shape, dtype, FreshSeed) for n cases per dtype drawn afresh from the run's seed (grid(..., fresh=n))."""
    shapes, dtypes = [tuple(s) for s in shapes], list(dtypes)
    return itertools.islice(grid(shapes, dtypes, seed, fresh=n, draw_shape=draw_shape), len(shapes) * len(dtypes), None)
