"""Shared by the PyTorch exercises: cases hold NumPy arrays, the learner's code gets and returns tensors.

Not an exercise module (the leading underscore keeps the registry from importing it as one). Only
numpy at top level: torch is imported inside the functions, which run in the child process.

Inputs stay NumPy arrays in the cases (so the engine can copy them, show their shapes and dtypes,
and notice an in-place change); `call` turns them into tensors with torch.from_numpy, which shares
the memory, so `x.add_(1)` on an input still shows up as "modified its input". Outputs go back to
NumPy (tensors anywhere in a tuple / list / dict) for the leaf-by-leaf comparison.

Modules (nn.Module classes) are built by the learner's constructor, then given the case's weights by
parameter NAME (`load_params`): the names are part of each task, as in a checkpoint.
"""

import numpy as np

from reference_impls.exercise import Case
from reference_impls.exercises._torch_io import call_torch, to_numpy, to_torch  # noqa: F401 - used by exercises

# float32 through a few layers (matmuls, LayerNorm, softmax): summation order moves the last digits.
MODEL_TOL = {"float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9)}


# One conversion for both halves of the torch exercises (_torch_io is the training/compression side).
fn_call = call_torch  # call(impl, **kwargs): impl.<entry>(**tensors) -> NumPy


def build(impl, cls_name, init_kwargs, params, dtype):
    """impl.<cls_name>(**init_kwargs) as an nn.Module of `dtype` holding `params` (name -> array)."""
    import torch

    cls = getattr(impl, cls_name, None)
    if cls is None:
        raise AttributeError(f"your file defines no `{cls_name}`")
    module = cls(**init_kwargs)
    if not isinstance(module, torch.nn.Module):
        raise TypeError(
            f"`{cls_name}` must subclass torch.nn.Module: write `class {cls_name}(nn.Module):` and call "
            "super().__init__() first in __init__"
        )
    load_params(module, params, getattr(torch, dtype))
    return module


def load_params(module, params, dtype):
    """Copy `params` into the module's parameters by name; a missing, extra or misshapen one raises."""
    import torch

    module.to(dtype)
    own = {_mha_name(name): p for name, p in module.named_parameters()}
    params = {_mha_name(name): value for name, value in params.items()}
    missing, unexpected = sorted(set(params) - set(own)), sorted(set(own) - set(params))
    if missing or unexpected:
        raise ValueError(
            f"the parameter names differ from the task's: missing {missing}, unexpected {unexpected} "
            f"(your module has {sorted(own)})"
        )
    with torch.no_grad():
        for name, p in own.items():
            value = torch.from_numpy(params[name].copy())
            if tuple(p.shape) != tuple(value.shape):
                raise ValueError(f"parameter `{name}` has shape {tuple(p.shape)}, expected {tuple(value.shape)}")
            p.copy_(value.to(dtype))
    module.eval()


def _mha_name(name):
    """nn.MultiheadAttention's own names (in_proj_weight, in_proj_bias) as the layout's in_proj.weight / .bias:
    a task that says "nn.MultiheadAttention's layout (in_proj, out_proj)" accepts the module itself."""
    return name.replace("in_proj_weight", "in_proj.weight").replace("in_proj_bias", "in_proj.bias")


def random_params(module, seed, scale=0.3, dtype="float32"):
    """name -> array for every parameter of `module` (the reference's): N(0, scale^2), norm gains near 1."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, p in module.named_parameters():
        gain = 1.0 if p.dim() == 1 and any(s in name for s in ("ln", "norm")) and name.endswith("weight") else 0.0
        out[name] = (rng.standard_normal(tuple(p.shape)) * scale + gain).astype(dtype)
    return out


def not_a_module(case, actual, expected):
    """The learner's class is not an nn.Module (a probe's `when`)."""
    return getattr(actual, "type", None) == "TypeError" and "must subclass torch.nn.Module" in getattr(
        actual, "message", ""
    )


def names_differ(case, actual, expected):
    return getattr(actual, "type", None) == "ValueError" and "parameter names differ" in getattr(actual, "message", "")


def seeded(seed):
    return np.random.default_rng(seed)


def randn(rng, shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def case(name, seed=None, note="", zero_ok=False, **kwargs):
    """A Case of keyword arguments only."""
    return Case(name, (), kwargs, seed=seed, note=note, zero_ok=zero_ok)


def scoped(exercise):
    """Each probe given as a mapping of entry points runs only on the checks that call one of them.

    With a custom `call`, the engine runs every probe on every check; a probe that lacks the check's
    entry point then raises an AttributeError, which would match a learner whose file lacks it too
    and add an unrelated hint.
    """
    from collections.abc import Mapping
    from dataclasses import replace

    probes = []
    for probe in exercise.probes:
        if isinstance(probe.impl, Mapping) and not probe.checks:
            probe = replace(probe, checks=tuple(c.name for c in exercise.checks if c.entry in probe.impl))
        probes.append(probe)
    return replace(exercise, probes=tuple(probes))


def chi_square_test(counts, probs, min_expected=5.0):
    """Pearson's goodness-of-fit test of `counts` against `probs` -> (statistic, p-value).

    Cells whose expected count is under `min_expected` are pooled into one (then into the smallest
    cell if still under it), the usual validity rule; the p-value is the chi-square survival function
    gammaincc(df / 2, statistic / 2) with df = cells - 1 (torch.special, no scipy in the child).
    """
    import torch

    counts = torch.as_tensor(counts, dtype=torch.float64).reshape(-1)
    expected = torch.as_tensor(probs, dtype=torch.float64).reshape(-1) * counts.sum()
    small = expected < min_expected
    obs, exp = counts[~small], expected[~small]
    if small.any():
        obs, exp = torch.cat([obs, counts[small].sum()[None]]), torch.cat([exp, expected[small].sum()[None]])
        if exp[-1] < min_expected and len(exp) > 1:
            j = int(exp[:-1].argmin())
            obs[j] += obs[-1]
            exp[j] += exp[-1]
            obs, exp = obs[:-1], exp[:-1]
    if len(exp) < 2:
        return 0.0, 1.0
    stat = ((obs - exp) ** 2 / exp).sum()
    p_value = torch.special.gammaincc(torch.tensor((len(exp) - 1) / 2.0, dtype=torch.float64), stat / 2).item()
    return stat.item(), p_value


def fill_by_shape(model, head_size):
    """Give every parameter of a transformer deterministic values that depend only on its shape (and the
    head size), so that the same architecture written in any of the usual styles computes the same
    function: fused or separate q/k/v, heads as one Linear or a ModuleList of per-head Linears, biases
    or none, tied or untied embedding and head, any parameter names.

    A matrix (r, c) gets W[i, j] = h(i mod p, j) for a fixed h of shape (p, c), where p = head_size when
    head_size divides r (q/k/v, a fused qkv, a per-head Linear, the MLP: every head and every q/k/v
    block holds the same rows, so how they are split or ordered does not matter), else p = r.
    Vectors and scalars: 0 (biases, LayerNorm shifts), or 1 for a gain (a name ending in weight, gamma,
    gain or scale), so a bias-free model and one with zeroed biases agree."""
    import math

    import torch

    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() <= 1:  # vectors, and a scalar such as a learned temperature
                leaf = name.rsplit(".", 1)[-1].lower()
                p.fill_(1.0 if leaf.endswith(("weight", "gamma", "gain", "scale")) else 0.0)
                continue
            rows, cols = p.shape[0], p[0].numel()
            period = head_size if rows % head_size == 0 else rows
            k = torch.arange(period * cols, dtype=torch.float64)
            h = torch.sin(0.37 * k + 0.11 * cols + 1.3 * period) * (1.7 / math.sqrt(cols))
            p.copy_(h.view(period, cols).repeat(rows // period, 1).view(p.shape).to(p.dtype))
