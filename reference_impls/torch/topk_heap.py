"""Top-k with a heap, and k-nearest neighbours: "pick the k best" in O(n log k) time and O(k) memory.

Keep a min-heap of the k best items seen so far; its root is the worst of them. Each new item
either loses to the root (skip) or replaces it (heapreplace, O(log k)). A stream of n items costs
O(n log k) and never holds more than k of them, unlike sorting everything (O(n log n), O(n)).
For the k SMALLEST (nearest neighbours), rank by the negated key: Python's heapq is a min-heap only.

Ties: items are ranked by (value, -index), so among equal values the lower index wins, both for
getting into the top k and for the order of the result. torch.topk does not document its tie order.

Source: the heapq documentation (heapreplace); as torch.topk(x, k, largest=True, sorted=True) for
distinct values. Limits: 1-D input, Python floats inside (a learning reference, not a fast kernel:
torch.topk is the tool on tensors); NaN is not handled.
"""

import heapq

import torch


def _best_k(keys, k):
    """Indices of the k largest (key, -index), best first."""
    heap = []  # min-heap of (key, -index): the root is the worst item kept
    if k <= 0:
        return []
    for i, key in enumerate(keys):
        item = (key, -i)
        if len(heap) < k:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    return [-neg_i for _, neg_i in sorted(heap, reverse=True)]


def topk_heap(x, k):
    """x (n,) -> (values (min(k, n),), indices (min(k, n),) int64): the k largest, largest first."""
    indices = torch.tensor(_best_k(x.tolist(), k), dtype=torch.int64)
    return x[indices], indices


def knn(points, query, k):
    """points (n, D), query (D,) -> (squared distances (min(k, n),), indices int64): nearest first."""
    d2 = ((points - query) ** 2).sum(dim=-1)  # (n,)
    indices = torch.tensor(_best_k((-d2).tolist(), k), dtype=torch.int64)  # the largest -d2 are the nearest
    return d2[indices], indices
