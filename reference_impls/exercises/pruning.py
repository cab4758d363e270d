"""Exercise: magnitude pruning, unstructured, structured (L1 norm of slices) and global."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch_io import call_torch, to_numpy, to_torch


def unstructured_cases():
    rng = np.random.default_rng(2600)
    for name, shape, amount, note in [
        ("half", (6, 10), 0.5, ""),
        ("rounding_0.35_of_10", (10,), 0.35, "0.35 * 10 = 3.5000000000000004 rounds to 4 (round, not int)"),
        ("count_7", (4, 5), 7, "an int amount is a count of weights"),
        ("count_1", (3, 4), 1, "exactly one weight: the smallest |w|"),
        ("nothing", (3, 3), 0.0, "amount 0: the mask is all ones"),
        ("everything", (2, 3), 1.0, "amount 1: all zeros"),
        ("90_percent_conv", (4, 3, 3, 3), 0.9, ""),
    ]:
        dtype = "float64" if len(shape) == 1 else "float32"
        yield Case(
            name, (rng.standard_normal(shape).astype(dtype), amount), seed=2600, note=note, zero_ok=amount == 1.0
        )
    for rng, shape, dtype, s in fresh([(6, 10), (10,), (4, 3, 3, 3)], seed=2650, n=1):  # drawn afresh
        yield Case("fresh", (rng.standard_normal(shape).astype(dtype), _amount(rng, int(np.prod(shape)))), seed=s)


def _amount(rng, n):
    """A count (an int) or a fraction whose amount * n lies 0.2 or more from a rounding boundary (x.5)."""
    k = int(rng.integers(0, n + 1))
    return k if rng.integers(2) else min(max((k + float(rng.uniform(-0.3, 0.3))) / n, 0.0), 1.0)


def structured_cases():
    rng = np.random.default_rng(2700)
    w = rng.standard_normal((6, 4, 3, 3)).astype("float32")
    yield Case("filters_half", (w, 0.5), {"dim": 0}, seed=2700, note="conv filters (dim 0) with the smallest L1 norms")
    yield Case("input_channels_2", (w, 2), {"dim": 1}, seed=2700, note="an int amount: 2 input channels")
    yield Case(
        "linear_rows_0.34",
        (rng.standard_normal((6, 8)).astype("float64"), 0.34),
        {"dim": 0},
        seed=2700,
        note="0.34 * 6 = 2.04 rounds to 2",
    )
    v = rng.standard_normal((5, 4)).astype("float32") * 4  # large rows, then two small ones:
    v[1] = [3.0, 0.1, 0.1, 0.1]  # L1 3.3, L2 ~3.0
    v[3] = [1.2, 1.2, 1.2, 1.2]  # L1 4.8, L2 2.4
    yield Case(
        "l1_not_l2",
        (v, 0.2),
        {"dim": 0},
        seed=2700,
        note="row 3 has the larger L1 norm, row 1 the larger L2 norm: rank by L1 (sum of |w|)",
    )
    for rng, shape, dtype, s in fresh([(6, 4, 3, 3), (6, 8)], seed=2750, n=1):  # drawn afresh
        dim = int(rng.integers(len(shape)))
        w = rng.standard_normal(shape).astype(dtype)
        yield Case("fresh", (w, _amount(rng, shape[dim])), {"dim": dim}, seed=s, note=f"dim={dim}")


def global_cases():
    rng = np.random.default_rng(2800)
    yield Case(
        "two_layers_0.6",
        ([rng.standard_normal((4, 8)).astype("float32") * 0.5, rng.standard_normal((3, 4)).astype("float32") * 2], 0.6),
        seed=2800,
        note="the small-weight layer loses more: one ranking across all tensors",
    )
    yield Case(
        "three_layers_count_10",
        ([rng.standard_normal(s).astype("float32") for s in [(5,), (2, 3), (4, 2)]], 10),
        seed=2800,
    )
    for rng, _, _, s in fresh([()], ("float32",), seed=2850, n=2):  # 1 to 4 tensors of drawn shapes
        shapes = [
            tuple(int(d) for d in rng.integers(1, 7, size=int(rng.integers(1, 4)))) for _ in range(rng.integers(1, 5))
        ]
        weights = [(rng.standard_normal(shape) * rng.uniform(0.3, 3)).astype("float32") for shape in shapes]
        yield Case("fresh", (weights, _amount(rng, sum(w.size for w in weights))), seed=s)


def _global(impl, weights, amount):
    return to_numpy(list(impl.global_magnitude_masks(to_torch(weights), amount)))


# -- known mistakes ---------------------------------------------------------------------------------


def _largest(w, amount):
    import torch

    k = amount if isinstance(amount, int) else round(amount * w.numel())
    mask = torch.ones_like(w)
    if k:
        mask.view(-1)[torch.topk(w.abs().reshape(-1), k).indices] = 0
    return mask


def _truncated(w, amount):
    from reference_impls.torch.pruning import magnitude_mask

    return magnitude_mask(w, amount if isinstance(amount, int) else int(amount * w.numel()))


def _l2(w, amount, dim=0):
    import torch

    k = amount if isinstance(amount, int) else round(amount * w.shape[dim])
    other = [d for d in range(w.dim()) if d != dim]
    norms = w.pow(2).sum(dim=other).sqrt()
    keep = torch.ones(w.shape[dim], dtype=w.dtype)
    if k:
        keep[torch.topk(norms, k, largest=False).indices] = 0
    shape = [1] * w.dim()
    shape[dim] = -1
    return keep.view(shape).expand_as(w).clone()


def _per_tensor(weights, amount):
    from reference_impls.torch.pruning import magnitude_mask

    return [magnitude_mask(w, amount) for w in weights]


def _kth_survives(case, actual, expected) -> bool:
    """One weight too few pruned, and the survivor is the largest |w| the reference prunes: the k-th smallest."""
    w = np.abs(np.asarray(case.args[0], dtype=np.float64))
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != w.shape or expected.shape != w.shape:
        return False
    extra = (actual != 0) & (expected == 0)
    if extra.sum() != 1 or np.any((actual == 0) & (expected != 0)):
        return False
    return bool(w[extra][0] == w[expected == 0].max())


def _signed_global(weights, amount):
    """The global ranking by the signed weights, not their magnitudes."""
    import torch

    flat = torch.cat([w.flatten() for w in weights])
    k = amount if isinstance(amount, int) else round(amount * flat.numel())
    keep = torch.ones_like(flat)
    if k:
        keep[torch.topk(flat, k, largest=False).indices] = 0
    return [part.reshape(w.shape) for part, w in zip(keep.split([w.numel() for w in weights]), weights, strict=True)]


EXERCISE = Exercise.of(
    info("pruning"),
    preamble="import torch\n",
    task="""Pruning masks as torch.nn.utils.prune makes them: float 0/1 tensors of the weight's shape.
`amount` is a fraction (prune round(amount * n) of n; Python's round) or an int (a count).

1. `magnitude_mask(w, amount)`: zero the entries of smallest |w| (unstructured: high sparsity, but
   the tensor keeps its shape, so it is faster only with sparse kernels).
2. `structured_mask(w, amount, dim=0)`: zero whole slices along `dim` (rows of a Linear, filters or
   input channels of a conv) with the smallest L1 norm, the sum of |w| over all the other dims
   (hardware-friendly: the slices can be removed for real).
3. `global_magnitude_masks(weights, amount)`: one ranking of |w| across a list of tensors, one mask
   per tensor, so layers end up with different sparsities.

Ties: pick the indices torch.topk(..., largest=False) picks. The reference equals
prune.l1_unstructured, prune.ln_structured(n=1) and prune.global_unstructured
(tests/reference/test_pruning.py).""",
    entry_points=(
        EntryPoint("magnitude_mask", "(w, amount)", "0/1 mask (w's shape and dtype) zeroing the smallest |w|."),
        EntryPoint(
            "structured_mask",
            "(w, amount, dim=0)",
            "0/1 mask zeroing the slices along `dim` with the smallest L1 norm.",
        ),
        EntryPoint(
            "global_magnitude_masks", "(weights, amount)", "A list of masks, one ranking of |w| over all the tensors."
        ),
    ),
    checks=(
        Check(
            "unstructured",
            "magnitude_mask",
            unstructured_cases,
            call=call_torch("magnitude_mask"),
            description="0.5, 0.35 of 10 (rounds to 4), a count of 7, 0, 1, 0.9 of a conv weight",
        ),
        Check(
            "structured",
            "structured_mask",
            structured_cases,
            call=call_torch("structured_mask"),
            description="conv filters (dim 0), input channels (dim 1, count), Linear rows (float64), L1 vs L2 ranking",
        ),
        Check(
            "global",
            "global_magnitude_masks",
            global_cases,
            call=_global,
            description="two and three tensors of different scales: 0.6, a count of 10",
        ),
    ),
    probes=(
        Probe(
            "one weight too few pruned, the k-th smallest |w| survived: keep |w| > threshold, not >= (with "
            "threshold = the k-th smallest |w|), or prune with torch.topk(|w|, k, largest=False)",
            when=_kth_survives,
            checks=("unstructured",),
        ),
        Probe(
            "the global ranking is by the signed weights: rank |w| (w.abs()); a large negative weight matters as much "
            "as a large positive one, yet was pruned first",
            impl={"global_magnitude_masks": _signed_global},
        ),
        Probe(
            "pruned the largest weights: magnitude pruning removes the SMALLEST |w|", impl={"magnitude_mask": _largest}
        ),
        Probe(
            "int(amount * n) truncates: torch.nn.utils.prune uses round(amount * n)",
            impl={"magnitude_mask": _truncated},
        ),
        Probe(
            "ranked the slices by their L2 norm: structured magnitude pruning here uses L1 (sum of |w|), as "
            "prune.ln_structured(n=1)",
            impl={"structured_mask": _l2},
        ),
        Probe(
            "pruned each tensor on its own: global pruning ranks all the weights together (one threshold)",
            impl={"global_magnitude_masks": _per_tensor},
        ),
        Probe(
            "the slices were taken along the wrong dim: for dim=1 each slice is w[:, j] (its norm sums over "
            "every other dim)",
            impl="wrong/pruning/wrong_dim.py",
            checks=("structured",),
        ),
    ),
)
