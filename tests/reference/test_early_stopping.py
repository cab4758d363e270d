"""Early stopping: a hand-worked sequence, an independent slow implementation on random sequences,
and the restored weights being a copy of the best epoch's (not the live tensors)."""

import numpy as np
import pytest
import torch

from reference_impls.torch.early_stopping import EarlyStopping


def _slow(metrics, patience, min_delta, mode):
    """(stop epoch or None, best epoch), from the definition."""
    sign = 1 if mode == "min" else -1
    best, best_epoch = None, -1
    for epoch, m in enumerate(metrics):
        if best is None or sign * (best - m) > min_delta:
            best, best_epoch = m, epoch
        if epoch - best_epoch >= patience:
            return epoch, best_epoch
    return None, best_epoch


def _run(metrics, **kwargs):
    model = torch.nn.Linear(2, 1)
    es = EarlyStopping(**kwargs)
    stop = None
    for epoch, m in enumerate(metrics):
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(epoch)  # the optimizer's in-place updates, made visible
        if es.step(m, model):
            stop = epoch
            break
    es.restore(model)
    return stop, int(model.weight.flatten()[0].item())  # the weights restored are the best epoch's


def test_hand_worked():
    # best 0.8 at epoch 2; 0.79 is not better by more than min_delta 0.05; stop after 3 bad epochs (epoch 5)
    assert _run([1.0, 0.9, 0.8, 0.79, 0.85, 0.81, 0.5], patience=3, min_delta=0.05) == (5, 2)
    assert _run([0.1, 0.2, 0.3, 0.25], patience=2, mode="max") == (None, 2)  # never stops


@pytest.mark.parametrize("seed", range(20))
def test_against_the_definition(seed):
    rng = np.random.default_rng(seed)
    metrics = list(np.cumsum(rng.normal(0, 1, 30)) * 0.1 + 5)
    patience, min_delta, mode = (
        int(rng.integers(1, 5)),
        float(rng.choice([0.0, 0.02, 0.1])),
        str(rng.choice(["min", "max"])),
    )
    stop, best_epoch = _slow(metrics, patience, min_delta, mode)
    # the weights of the best epoch, not of the last one
    assert _run(metrics, patience=patience, min_delta=min_delta, mode=mode) == (stop, best_epoch)
