"""Shared by the PyTorch exercises: NumPy in the cases, torch for the learner's code, NumPy back out.

Cases hold NumPy arrays, so the engine copies them, describes them and notices a learner who modifies
them (torch.from_numpy shares the copy's memory, so an in-place op on the tensor shows). to_numpy
turns what the learner returns back into NumPy for the comparison (bfloat16, which NumPy lacks,
as float32: a check that cares about the dtype returns str(tensor.dtype) beside the values).

Not an exercise module (leading underscore); torch is imported inside the functions only.
"""

import itertools

import numpy as np


def to_torch(value):
    """ndarrays (also inside tuples, lists, dicts) as tensors sharing their memory."""
    import torch

    if isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    if isinstance(value, tuple | list):
        return type(value)(to_torch(v) for v in value)
    if isinstance(value, dict):
        return {k: to_torch(v) for k, v in value.items()}
    return value


def to_numpy(value):
    """Tensors (also inside tuples, lists, dicts) as ndarray copies; everything else as it is."""
    import torch

    if isinstance(value, torch.Tensor):
        if value.device.type != "cpu":  # the inputs are CPU tensors: another device is a bug, not a pass
            raise ValueError(f"returned a tensor on {value.device}; keep outputs on the inputs' device (cpu)")
        t = value.detach()
        return (t.float() if t.dtype == torch.bfloat16 else t).numpy().copy()
    if isinstance(value, tuple | list):
        return type(value)(to_numpy(v) for v in value)
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    return value


def call_torch(entry):
    """call(impl, *args, **kwargs): impl.<entry> on the arguments as tensors, the output as NumPy."""

    def call(impl, *args, **kwargs):
        return to_numpy(getattr(impl, entry)(*to_torch(args), **to_torch(kwargs)))

    return call


def params(model):
    """A model's parameters as a list of ndarray copies, in registration order."""
    return [p.detach().numpy().copy() for p in model.parameters()]


def mlp(seed, dtype="float32", sizes=(5, 8, 3)):
    """A small Linear-Tanh-Linear with weights from torch.manual_seed(seed), in float32 or float64."""
    import torch

    torch.manual_seed(seed)
    layers = []
    for n, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers += [torch.nn.Linear(a, b)] + ([torch.nn.Tanh()] if n < len(sizes) - 2 else [])
    return torch.nn.Sequential(*layers).to(getattr(torch, dtype))


def classification_data(seed, n, d=5, classes=3, dtype="float32"):
    """(x (n, d) dtype, y (n,) int64): seeded NumPy inputs for a case."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)).astype(dtype), rng.integers(0, classes, n).astype(np.int64)
