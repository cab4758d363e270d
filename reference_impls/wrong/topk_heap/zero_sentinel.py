"""Wrong: seeds the heap with k zeros, so values below 0 never get in (and index -1 fills the gaps)."""

import heapq

import torch

from reference_impls.torch.topk_heap import knn  # noqa: F401 - as in the reference

EXPECTED_HINT = "the heap started from a 0"


def _best(keys, k):
    heap = [(0.0, 1)] * k  # sentinels: (value 0, index -1)
    for i, key in enumerate(keys):
        if (key, -i) > heap[0]:
            heapq.heapreplace(heap, (key, -i))
    return [-j for _, j in sorted(heap, reverse=True)]


def topk_heap(x, k):
    idx = torch.tensor(_best(x.tolist(), min(k, len(x))), dtype=torch.int64)
    return x[idx], idx
