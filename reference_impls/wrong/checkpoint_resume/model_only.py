"""Wrong: the classic "checkpoint" of the weights alone (and the step): momentum and schedule restart."""

import random

import numpy as np
import torch

EXPECTED_HINT = "only the weights were restored"
ALSO_APPLIES = ("unpickled an arbitrary object",)


def save_checkpoint(path, model, optimizer, scheduler=None, step=0):
    torch.save(
        {
            "model": model.state_dict(),
            "step": step,
            "rng": torch.get_rng_state(),
            "np": np.random.get_state(),
            "py": random.getstate(),
        },
        path,
    )


def load_checkpoint(path, model, optimizer, scheduler=None):
    ckpt = torch.load(path, weights_only=False)
    model.load_state_dict(ckpt["model"])
    torch.set_rng_state(ckpt["rng"])
    np.random.set_state(ckpt["np"])
    random.setstate(ckpt["py"])
    return ckpt["step"]
