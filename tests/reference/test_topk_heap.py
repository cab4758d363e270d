"""topk_heap.py against torch.topk on distinct values, and a sorted() oracle with ties."""

import pytest
import torch

from reference_impls.torch.topk_heap import knn, topk_heap


@pytest.mark.parametrize("n, k", [(1, 1), (10, 3), (100, 10), (100, 100), (37, 1), (5, 0)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_matches_torch_topk(n, k, dtype):
    x = torch.randn(n, generator=torch.Generator().manual_seed(n + k), dtype=dtype)
    values, indices = topk_heap(x, k)
    want = torch.topk(x, k)
    assert torch.equal(values, want.values) and torch.equal(indices, want.indices) and values.dtype == dtype


def test_ties_go_to_the_lower_index_and_k_past_n():
    x = torch.tensor([3.0, 1.0, 3.0, 2.0, 3.0, 1.0])
    want = sorted(range(6), key=lambda i: (-x[i].item(), i))
    for k in range(8):
        values, indices = topk_heap(x, k)
        assert indices.tolist() == want[:k] and values.tolist() == [x[i].item() for i in want[:k]]


@pytest.mark.parametrize("k", [1, 3, 8])
def test_knn_matches_topk_of_negated_distances(k):
    g = torch.Generator().manual_seed(k)
    points, query = (
        torch.randn(40, 3, generator=g, dtype=torch.float64),
        torch.randn(3, generator=g, dtype=torch.float64),
    )
    d2, indices = knn(points, query, k)
    want = torch.topk(-((points - query) ** 2).sum(-1), k)
    assert torch.equal(indices, want.indices)
    torch.testing.assert_close(d2, -want.values)
    torch.testing.assert_close(d2, torch.cdist(points[indices], query[None])[:, 0] ** 2)


def test_knn_hand_worked():
    points = torch.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 0.0], [0.0, -1.0]])
    d2, indices = knn(points, torch.tensor([0.0, 0.0]), 3)
    assert indices.tolist() == [0, 2, 3] and d2.tolist() == [0.0, 1.0, 1.0]  # a tie: index 2 before 3
