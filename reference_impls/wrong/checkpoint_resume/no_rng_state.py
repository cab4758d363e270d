"""Wrong: saves model, optimizer, scheduler and step, but not the random number generators' states."""

import torch

EXPECTED_HINT = "the RNG states were not restored"


def save_checkpoint(path, model, optimizer, scheduler=None, step=0):
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": None if scheduler is None else scheduler.state_dict(),
            "step": step,
        },
        path,
    )


def load_checkpoint(path, model, optimizer, scheduler=None):
    ckpt = torch.load(path, weights_only=True)
    model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(ckpt["scheduler"])
    return ckpt["step"]
