"""Wrong: returns the k largest in the heap's pop order, smallest first."""

import heapq

import torch

EXPECTED_HINT = "smallest first"


def topk_heap(x, k):
    heap = []
    for i, v in enumerate(x.tolist()):
        if len(heap) < k:
            heapq.heappush(heap, (v, -i))
        elif (v, -i) > heap[0]:
            heapq.heapreplace(heap, (v, -i))
    order = [heapq.heappop(heap) for _ in range(len(heap))]  # ascending
    idx = torch.tensor([-j for _, j in order], dtype=torch.int64)
    return x[idx], idx


def knn(points, query, k):
    d2 = ((points - query) ** 2).sum(-1)
    order = sorted(range(len(d2)), key=lambda i: (d2[i].item(), i))[:k]
    idx = torch.tensor(order, dtype=torch.int64)
    return d2[idx], idx
