"""broadcasting.py against torch.broadcast_shapes, explicit loops and numpy."""

import itertools

import numpy as np
import pytest
import torch

from reference_impls.torch import broadcasting as bc

SHAPES = [(), (1,), (3,), (4,), (3, 1), (1, 4), (3, 4), (2, 1, 4), (2, 3, 1), (5, 3, 4), (0,), (1, 0)]


@pytest.mark.parametrize("a, b", list(itertools.product(SHAPES, SHAPES)))
def test_broadcast_shape_matches_torch(a, b):
    try:
        want = tuple(torch.broadcast_shapes(a, b))
    except RuntimeError:
        want = None
    assert bc.broadcast_shape(a, b) == want


def test_reductions_with_keepdim():
    g = torch.Generator().manual_seed(0)
    for n, c in [(4, 4), (3, 5)]:
        x = torch.rand(n, c, generator=g, dtype=torch.float64) + 0.1
        r = bc.row_normalize(x)
        torch.testing.assert_close(r.sum(1), torch.ones(n, dtype=torch.float64))
        torch.testing.assert_close(r, torch.stack([row / row.sum() for row in x]))
        s = bc.standardize_columns(x)
        np.testing.assert_allclose(s.numpy(), (x.numpy() - x.numpy().mean(0)) / x.numpy().std(0), rtol=1e-12)
    square = torch.tensor([[1.0, 3.0], [2.0, 6.0]])
    assert bc.row_normalize(square).tolist() == [[0.25, 0.75], [0.25, 0.75]]
    assert (square / square.sum(1)).tolist() == [
        [0.25, 0.375],
        [0.5, 0.75],
    ]  # the keepdim trap: sums line up with columns


def test_pairwise_distances_dot_and_outer():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(5, 3, generator=g, dtype=torch.float64), torch.randn(4, 3, generator=g, dtype=torch.float64)
    torch.testing.assert_close(bc.pairwise_sq_distances(a, b), torch.cdist(a, b) ** 2)
    c = torch.randn(5, 3, generator=g, dtype=torch.float64)
    torch.testing.assert_close(bc.batched_dot(a, c), torch.stack([torch.dot(x, y) for x, y in zip(a, c)]))
    torch.testing.assert_close(bc.batched_dot(a, c), torch.diagonal(a @ c.T))
    torch.testing.assert_close(bc.outer(a[:, 0], b[:, 1]), torch.outer(a[:, 0], b[:, 1]))
