"""The statistics of tanh's inputs (the pre-activations) in place of its outputs."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from reference_impls.torch.char_wavenet import BatchNorm1d, FlattenConsecutive, WaveNet, init_weight_, train_wavenet

__all__ = ["BatchNorm1d", "FlattenConsecutive", "WaveNet", "activation_stats", "init_weight_", "train_wavenet"]

EXPECTED_HINT = "inputs of tanh"


def activation_stats(model, X, Y):
    seen = []
    tanhs = [m for m in model.modules() if isinstance(m, nn.Tanh)]
    hooks = [m.register_forward_hook(lambda m, inputs, out: seen.append(inputs[0])) for m in tanhs]  # the mistake
    model.train()
    logits = model(X)
    for h in hooks:
        h.remove()
    for t in seen:
        t.retain_grad()
    F.cross_entropy(logits, Y).backward()
    with torch.no_grad():
        return {
            "mean": torch.stack([t.mean() for t in seen]),
            "std": torch.stack([t.std() for t in seen]),
            "saturated": torch.stack([(t.abs() > 0.97).float().mean() for t in seen]),
            "grad_std": torch.stack([t.grad.std() for t in seen]),
        }
