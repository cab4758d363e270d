"""Magnitude pruning against torch.nn.utils.prune: l1_unstructured, ln_structured (n=1) and global_unstructured."""

import pytest
import torch
from torch.nn.utils import prune

from reference_impls.torch.pruning import (
    global_magnitude_masks,
    magnitude_mask,
    sparsity,
    structured_mask,
)


def _w(shape, seed):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("amount", [0.0, 0.3, 0.35, 0.5, 0.9, 1.0, 7])
def test_unstructured_matches_l1_unstructured(amount):
    layer = torch.nn.Linear(10, 6)
    w = _w((6, 10), 0)
    with torch.no_grad():
        layer.weight.copy_(w)
    prune.l1_unstructured(layer, "weight", amount)
    assert torch.equal(magnitude_mask(w, amount), layer.weight_mask)


@pytest.mark.parametrize("amount, dim", [(0.5, 0), (0.34, 0), (2, 1), (0.75, 1)])
def test_structured_matches_ln_structured_l1(amount, dim):
    conv = torch.nn.Conv2d(4, 6, 3)
    w = _w((6, 4, 3, 3), 1)
    with torch.no_grad():
        conv.weight.copy_(w)
    prune.ln_structured(conv, "weight", amount, n=1, dim=dim)
    mask = structured_mask(w, amount, dim)
    assert torch.equal(mask, conv.weight_mask)
    other = [d for d in range(4) if d != dim]
    assert (mask.amin(dim=other) == mask.amax(dim=other)).all()  # whole slices


def test_global_matches_global_unstructured():
    layers = [torch.nn.Linear(8, 4), torch.nn.Linear(4, 3)]
    with torch.no_grad():
        layers[0].weight.copy_(_w((4, 8), 2) * 0.5), layers[1].weight.copy_(_w((3, 4), 3) * 2)
    weights = [lin.weight.detach().clone() for lin in layers]
    prune.global_unstructured([(lin, "weight") for lin in layers], pruning_method=prune.L1Unstructured, amount=0.6)
    masks = global_magnitude_masks(weights, 0.6)
    for m, lin in zip(masks, layers):
        assert torch.equal(m, lin.weight_mask)
    assert sparsity(masks[0]) > sparsity(masks[1])  # the small-weight layer is pruned harder


def test_hand_worked():
    w = torch.tensor([[0.1, -3.0, 0.5], [2.0, -0.2, 0.05]])
    assert magnitude_mask(w, 0.5).tolist() == [[0, 1, 1], [1, 0, 0]]
    assert structured_mask(w, 1, dim=1).tolist() == [[1, 1, 0], [1, 1, 0]]  # column L1 norms 2.1, 3.2, 0.55
    assert structured_mask(w, 0.5, dim=0).tolist() == [[1, 1, 1], [0, 0, 0]]  # row L1 norms 3.6, 2.25
