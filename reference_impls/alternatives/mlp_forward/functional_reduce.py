"""Correct, functional: the layers folded with functools.reduce, ReLU as x * (x > 0) on every layer but the
last; the parameter count from consecutive pairs of sizes."""

from functools import reduce
from itertools import pairwise


def mlp_forward(x, weights, biases):
    layers = list(zip(weights, biases))
    hidden = reduce(lambda h, wb: (lambda a: a * (a > 0))(h @ wb[0] + wb[1]), layers[:-1], x)
    w_out, b_out = layers[-1]
    return hidden @ w_out + b_out


def count_parameters(sizes):
    return sum(d_in * d_out + d_out for d_in, d_out in pairwise(sizes))
