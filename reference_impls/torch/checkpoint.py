"""Checkpoint and exact resume: the resumed run equals the uninterrupted one bit for bit.

A model's weights are not enough to continue training where it stopped. Save everything the next
step depends on:
    model.state_dict()        weights and buffers (BatchNorm running statistics)
    optimizer.state_dict()    momentum buffers, Adam's m and v and its step count, the param groups' lr
    scheduler.state_dict()    last_epoch (where the schedule is) and its base lrs
    the step counter          where the loop resumes
    the RNG states            torch (dropout masks, torch.randint batches), NumPy and Python `random`
                              (data sampling, augmentation); on GPUs also torch.cuda.get_rng_state_all()
Restore them into freshly built objects and continue from the saved step: same batches, same dropout
masks, same updates. A DataLoader with its own torch.Generator needs that generator's get_state() too.

Everything is stored as tensors and plain Python values, so torch.load(weights_only=True) reads it:
weights_only refuses to unpickle arbitrary objects, which is what makes loading a checkpoint from
someone else safe (a pickle can run code).

Source: PyTorch's "Saving and loading a general checkpoint" recipe; torch.random.get_rng_state.
Limits: one process on CPU; no sharded (distributed) checkpoints; writes the file in place (a real
trainer writes to a temporary name and renames, so a crash never leaves half a checkpoint).
"""

import random

import numpy as np
import torch


def rng_states():
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "numpy": (kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached),  # tensors, not ndarrays
        "python": random.getstate(),
    }


def set_rng_states(states):
    torch.set_rng_state(states["torch"])
    kind, keys, pos, has_gauss, cached = states["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    random.setstate(states["python"])


def save_checkpoint(path, model, optimizer, scheduler=None, step=0):
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": None if scheduler is None else scheduler.state_dict(),
            "step": step,
            "rng": rng_states(),
        },
        path,
    )


def load_checkpoint(path, model, optimizer, scheduler=None):
    """Restore everything save_checkpoint stored into these objects; returns the step to resume from."""
    ckpt = torch.load(path, weights_only=True)
    model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(ckpt["scheduler"])
    set_rng_states(ckpt["rng"])
    return ckpt["step"]
