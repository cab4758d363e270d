"""Wrong: broadcast_shape takes the max of each aligned pair and never reports incompatible shapes."""

import torch

EXPECTED_HINT = "incompatible shapes must give None"


def broadcast_shape(shape_a, shape_b):
    a, b = list(shape_a), list(shape_b)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    return tuple(max(x, y) if min(x, y) != 0 else 0 for x, y in zip(a, b))


def row_normalize(x):
    return x / x.sum(1, keepdim=True)


def standardize_columns(x):
    return (x - x.mean(0)) / x.std(0, unbiased=False)


def pairwise_sq_distances(a, b):
    return (a.unsqueeze(1) - b.unsqueeze(0)).pow(2).sum(-1)


def batched_dot(a, b):
    return torch.einsum("bd,bd->b", a, b)


def outer(a, b):
    return a.unsqueeze(1) * b.unsqueeze(0)
