"""Wrong: counts only the weights, not the biases."""

from reference_impls.numpy.mlp import mlp_forward  # noqa: F401 - right

EXPECTED_HINT = "biases not counted"


def count_parameters(sizes):
    return sum(i * o for i, o in zip(sizes, sizes[1:]))
