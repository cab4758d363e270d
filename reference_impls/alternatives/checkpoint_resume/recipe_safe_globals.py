"""Correct, in the style of PyTorch's "saving and loading a general checkpoint" recipe (the *_state_dict
keys, `epoch`), with NumPy's RNG state stored as it comes (an ndarray inside) and loaded the way
torch.load's error message suggests: weights_only=True with NumPy's array globals allowlisted, so any
other pickled object is still refused."""

import random

import numpy as np
import torch

NUMPY_GLOBALS = [np.ndarray, np.dtype, np._core.multiarray._reconstruct, np.dtypes.UInt32DType]  # the keys are uint32


def save_checkpoint(path, model, optimizer, scheduler=None, step=0):
    torch.save(
        {
            "epoch": step,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "scheduler_state_dict": scheduler.state_dict() if scheduler is not None else None,
            "torch_rng_state": torch.get_rng_state(),
            "numpy_rng_state": np.random.get_state(),
            "python_rng_state": random.getstate(),
        },
        path,
    )


def load_checkpoint(path, model, optimizer, scheduler=None):
    with torch.serialization.safe_globals(NUMPY_GLOBALS):
        checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model_state_dict"])
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler_state_dict"])
    torch.set_rng_state(checkpoint["torch_rng_state"])
    np.random.set_state(checkpoint["numpy_rng_state"])
    random.setstate(checkpoint["python_rng_state"])
    return checkpoint["epoch"]
