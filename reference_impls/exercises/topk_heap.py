"""Exercise: top-k with a heap (vs torch.topk) and k-nearest neighbours, ties to the lower index."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch import case, fn_call, randn, scoped, seeded

PREAMBLE = "import heapq\n\nimport torch\n"


def topk_cases():
    import numpy as np

    for n, (size, k, dtype) in enumerate(
        [(20, 5, "float32"), (100, 10, "float64"), (7, 1, "float32"), (6, 6, "float64")]
    ):
        s = 56000 + n
        yield case(
            f"n{size}_k{k}",
            s,
            x=randn(seeded(s), (size,), dtype),
            k=k,
            note={1: "k = 1: the maximum", 6: "k = n: everything, sorted"}.get(k, ""),
        )
    yield case(
        "ties",
        x=np.array([3.0, 1.0, 3.0, 2.0, 3.0, 1.0]),
        k=4,
        note="three 3.0s and two 1.0s: among equal values the LOWER index comes first (and wins the last place)",
    )
    yield case("k_past_n", 56010, x=randn(seeded(56010), (4,), "float32"), k=9, note="k > n: all n, sorted")
    yield case(
        "k_zero",
        56012,
        x=randn(seeded(56012), (5,), "float32"),
        k=0,
        note="k = 0: nothing; empty values and empty int64 indices (torch.tensor([]) alone is float32)",
    )
    yield case(
        "negative",
        56011,
        x=randn(seeded(56011), (12,), "float64") - 10,
        k=3,
        note="all negative: do not start the heap from 0",
    )
    for rng, (size,), dtype, s in fresh([(20,), (1,), (7,)], seed=56050, n=1):  # drawn afresh: no ties
        x = ((rng.permutation(size) + rng.uniform(-0.3, 0.3, size)) * rng.uniform(0.1, 10)).astype(dtype)
        yield case("fresh", s, x=x, k=int(rng.integers(1, size + 2)))  # k = 0: the named case


def knn_cases():
    import numpy as np

    for n, (size, D, k) in enumerate([(40, 3, 5), (15, 2, 1), (8, 4, 8)]):
        s = 56100 + n
        rng = seeded(s)
        yield case(
            f"n{size}_D{D}_k{k}", s, points=randn(rng, (size, D), "float64"), query=randn(rng, (D,), "float64"), k=k
        )
    yield case(
        "tie",
        points=np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 0.0], [0.0, -1.0]]),
        query=np.array([0.0, 0.0]),
        k=3,
        note="points 2 and 3 are both at squared distance 1: the lower index first",
    )
    for rng, (size, D), _, s in fresh([(40, 3), (1, 2), (8, 5)], ("float64",), seed=56150, n=2):  # drawn afresh
        yield case(
            "fresh",
            s,
            points=randn(rng, (size, D), "float64"),
            query=randn(rng, (D,), "float64"),
            k=int(rng.integers(0, size + 1)),
        )
    rng = seeded(56110)
    yield case(
        "k_zero",
        56110,
        points=randn(rng, (5, 2), "float64"),
        query=randn(rng, (2,), "float64"),
        k=0,
        note="k = 0: nothing",
    )


def _ascending(x, k):
    from reference_impls.torch.topk_heap import topk_heap

    values, indices = topk_heap(x, k)
    return values.flip(0), indices.flip(0)


def _ties_high_index(x, k):
    import torch

    order = sorted(range(len(x)), key=lambda i: (-x[i].item(), -i))[:k]
    idx = torch.tensor(order, dtype=torch.int64)
    return x[idx], idx


def _k_smallest(x, k):
    import torch

    order = sorted(range(len(x)), key=lambda i: (x[i].item(), i))[:k]
    idx = torch.tensor(order, dtype=torch.int64)
    return x[idx], idx


def _knn_farthest(points, query, k):

    from reference_impls.torch.topk_heap import topk_heap

    d2 = ((points - query) ** 2).sum(-1)
    _, idx = topk_heap(d2, k)
    return d2[idx], idx


def _knn_distance_not_squared(points, query, k):
    from reference_impls.torch.topk_heap import knn

    d2, idx = knn(points, query, k)
    return d2.sqrt(), idx


EXERCISE = scoped(
    Exercise.of(
        info("topk_heap"),
        preamble=PREAMBLE,
        task=""""Pick the k best" in O(n log k) with a heap of size k (Python's heapq is a MIN-heap: its root is the
worst of the k kept, the one a better newcomer replaces with heapreplace). Not torch.topk / sort of
everything: those are the oracle and the O(n log n) baseline.

1. topk_heap(x (n,), k) -> (values (min(k, n),) x's dtype, indices int64): the k largest, largest
   first. Ties: among equal values the LOWER index ranks higher (rank by (value, -index)).
2. knn(points (n, D), query (D,), k) -> (squared distances, indices int64): the k nearest points,
   nearest first, ties to the lower index. Nearest = largest -distance: reuse the same heap.
Why is a heap of size k better than sorting for a stream of a million scores and k = 10?""",
        entry_points=(
            EntryPoint(
                "topk_heap", "(x, k)", "x (n,) -> (values, indices int64), largest first, ties to the lower index."
            ),
            EntryPoint(
                "knn",
                "(points, query, k)",
                "(squared distances, indices int64), nearest first, ties to the lower index.",
            ),
        ),
        checks=(
            Check(
                "topk",
                "topk_heap",
                topk_cases,
                call=fn_call("topk_heap"),
                description="n 20 / 100 / 7 / 6, k 1 to n, float32/64; ties; k > n; all negative",
            ),
            Check("knn", "knn", knn_cases, call=fn_call("knn"), description="D 2-4, k 1 / 5 / n; a tie"),
        ),
        probes=(
            Probe(
                "smallest first: return the k largest in DESCENDING order (sort what the heap holds, reverse=True)",
                impl={"topk_heap": _ascending},
            ),
            Probe(
                "ties go to the HIGHER index: rank by (value, -index) so that the lower index wins among equal values",
                impl={"topk_heap": _ties_high_index},
            ),
            Probe(
                "the k SMALLEST: a min-heap of size k keeps the k largest when each newcomer replaces the root only if it "
                "is larger",
                impl={"topk_heap": _k_smallest},
            ),
            Probe(
                "the k FARTHEST points: nearest means the smallest distance (the largest -distance)",
                impl={"knn": _knn_farthest},
            ),
            Probe(
                "distances returned as Euclidean: return SQUARED distances (no sqrt)",
                impl={"knn": _knn_distance_not_squared},
            ),
            Probe(
                "the heap started from a 0 (or another sentinel) instead of the first k items: all-negative inputs lose",
                impl="wrong/topk_heap/zero_sentinel.py",
                checks=("topk",),
            ),
        ),
        equivalent_mutants=(
            Equivalent(
                "_best_k",
                "elif item > heap[0]:",
                "item >= heap[0]",
                "items are (value, -index) with distinct indices: an item never equals the root",
            ),
        ),
    )
)
