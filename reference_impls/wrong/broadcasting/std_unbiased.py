"""Wrong: standardize_columns divides by torch.std's default, the unbiased (N - 1) estimate."""

import torch

EXPECTED_HINT = "torch.std is unbiased by default"


def broadcast_shape(shape_a, shape_b):
    try:
        return tuple(torch.broadcast_shapes(tuple(shape_a), tuple(shape_b)))
    except RuntimeError:
        return None


def row_normalize(x):
    return x / x.sum(dim=1, keepdim=True)


def standardize_columns(x):
    return (x - x.mean(dim=0)) / x.std(dim=0)


def pairwise_sq_distances(a, b):
    return ((a[:, None] - b[None]) ** 2).sum(-1)


def batched_dot(a, b):
    return (a * b).sum(-1)


def outer(a, b):
    return a[:, None] * b[None, :]
