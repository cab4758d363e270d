"""Exercise: save a training checkpoint and resume from it exactly (the resumed run equals the uninterrupted one)."""

import tempfile
from pathlib import Path

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._torch_io import classification_data, params


def _build(seed, opt):
    import torch

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.ReLU(), torch.nn.Dropout(0.3), torch.nn.Linear(16, 3))
    if opt == "adamw":
        optimizer = torch.optim.AdamW(model.parameters(), lr=0.02)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    return model, optimizer, scheduler


def _train(model, optimizer, scheduler, x, y, start, stop):
    """Batches from NumPy's global RNG, jitter from Python's `random`, dropout from torch's RNG."""
    import random

    import torch
    import torch.nn.functional as F

    for _ in range(start, stop):
        idx = torch.from_numpy(np.random.randint(0, len(x), 8))
        loss = F.cross_entropy(model(x[idx] + random.gauss(0.0, 0.01)), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()


def _seed_all(seed):
    import random

    import torch

    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


def _resume(impl, x, y, opt, interrupt_at, total=8):
    """Train to `interrupt_at`, save; build fresh objects (other weights, other RNG states: a new process),
    load, train to `total`. Returns the step load_checkpoint gave, the weights and the lr at the end."""
    import torch

    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    model, optimizer, scheduler = _build(0, opt)
    _seed_all(1)
    _train(model, optimizer, scheduler, X, Y, 0, interrupt_at)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "checkpoint.pt")
        impl.save_checkpoint(path, model, optimizer, scheduler, interrupt_at)
        model, optimizer, scheduler = _build(99, opt)
        _seed_all(12345)
        step = impl.load_checkpoint(path, model, optimizer, scheduler)
    _train(model, optimizer, scheduler, X, Y, int(step), total)
    return {"step": np.int64(step), "params": params(model), "lr": np.float64(optimizer.param_groups[0]["lr"])}


def resume_cases():
    for k, (name, opt, at, note) in enumerate(
        [
            ("sgd_momentum_at_3", "sgd", 3, "momentum buffers and the schedule carry over"),
            ("adamw_at_5", "adamw", 5, "Adam's m, v and step count carry over"),
            ("at_step_0", "adamw", 0, "saved before any step: the optimizer state is still empty"),
            ("at_the_end", "sgd", 8, "saved after the last step: nothing left to train"),
        ]
    ):
        x, y = classification_data(600 + k, 40)
        yield Case(
            name,
            (x, y, opt, at),
            seed=600 + k,
            note=f"{note}; the resumed run must equal the uninterrupted one bit for bit",
        )


EXACT = {"float32": (0.0, 0.0), "float64": (0.0, 0.0)}

# -- a checkpoint from someone else: loading it must not run code ----------------------------------------

_RAN = []


def _ran_code():
    """What the planted pickle calls when it is unpickled: records that loading ran code."""
    _RAN.append(1)
    return "loading this file ran code"


class _Planted:
    """An object whose unpickling calls a function (any function: os.system would do as well)."""

    def __reduce__(self):
        return (_ran_code, ())


def _untrusted(impl, opt):
    """The learner's own checkpoint with one planted object added beside its entries, then their load:
    it must refuse the file (pickle.UnpicklingError, what torch.load(weights_only=True) raises) before
    the planted object runs."""
    import pickle

    import torch

    model, optimizer, scheduler = _build(0, opt)
    _RAN.clear()
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "checkpoint.pt")
        impl.save_checkpoint(path, model, optimizer, scheduler, 0)
        ckpt = torch.load(path, weights_only=False)  # the checker's own file, just written
        if isinstance(ckpt, dict):
            ckpt["note"] = _Planted()
        else:
            ckpt = _Planted()
        torch.save(ckpt, path)
        model, optimizer, scheduler = _build(99, opt)
        try:
            impl.load_checkpoint(path, model, optimizer, scheduler)
            refused = False
        except pickle.UnpicklingError:
            refused = True
    return {"refused": np.int64(refused), "ran_code": np.int64(len(_RAN) > 0)}


def untrusted_cases():
    yield Case(
        "planted_pickle",
        ("sgd",),
        note="a checkpoint from someone else with one extra entry whose unpickling calls a function: "
        "load_checkpoint must refuse it (torch.load(path, weights_only=True)) instead of running it",
    )


# -- known mistakes: each forgets one thing ------------------------------------------------------------


def _partial(optimizer=True, scheduler=True, rng=True, numpy_rng=True, into_objects=True):
    def save_checkpoint(path, model, optimizer_, scheduler_=None, step=0):
        import random

        import torch

        torch.save(
            {
                "model": model.state_dict(),
                "optimizer": optimizer_.state_dict(),
                "scheduler": scheduler_.state_dict() if scheduler_ is not None else None,
                "step": step,
                "torch": torch.get_rng_state(),
                "numpy": np.random.get_state(),
                "python": random.getstate(),
            },
            path,
        )

    def load_checkpoint(path, model, optimizer_, scheduler_=None):
        import random

        import torch

        ckpt = torch.load(path, weights_only=False)
        if not into_objects:
            return ckpt["step"]
        model.load_state_dict(ckpt["model"])
        if optimizer:
            optimizer_.load_state_dict(ckpt["optimizer"])
        if scheduler and scheduler_ is not None:
            scheduler_.load_state_dict(ckpt["scheduler"])
        if rng:
            torch.set_rng_state(ckpt["torch"])
            random.setstate(ckpt["python"])
            if numpy_rng:
                np.random.set_state(ckpt["numpy"])
        return ckpt["step"]

    return {"save_checkpoint": save_checkpoint, "load_checkpoint": load_checkpoint}


EXERCISE = Exercise.of(
    info("checkpoint_resume"),
    preamble="import random\n\nimport numpy as np\nimport torch\n",
    task="""Stop a training run, start a new process, continue: the result must be the same, bit for bit.

1. `save_checkpoint(path, model, optimizer, scheduler, step)`: everything the next step depends on,
   in one torch.save file: the model's state_dict, the optimizer's (momentum buffers, Adam's moments
   and step count), the scheduler's, the step, and the random number generators' states: torch's
   (dropout masks), NumPy's global one (here it picks the batches) and Python's `random`.
2. `load_checkpoint(path, model, optimizer, scheduler) -> step`: restore all of it INTO the objects
   it is given (freshly built, with other weights and other RNG states), and return the step to
   resume from.

The check trains a small MLP with dropout (SGD with momentum or AdamW, a StepLR schedule), stops
at a step, saves, rebuilds everything, loads and trains on: weights and learning rate must equal
the reference's resumed run exactly, which equals the uninterrupted run (tests/reference/
test_checkpoint.py).

A checkpoint may come from someone else, and unpickling can run arbitrary code: load it with
torch.load(path, weights_only=True) (PyTorch's default since 2.6), which accepts only tensors and
plain Python values and raises pickle.UnpicklingError on anything else. NumPy's RNG state holds an
ndarray of uint32 keys: store it as a tensor (or allowlist NumPy's array types for the load with
torch.serialization.safe_globals). The check also plants an object in a file your save_checkpoint
wrote and expects load_checkpoint to refuse it.""",
    entry_points=(
        EntryPoint(
            "save_checkpoint",
            "(path, model, optimizer, scheduler=None, step=0)",
            "Write everything needed to resume training exactly to `path`.",
        ),
        EntryPoint(
            "load_checkpoint",
            "(path, model, optimizer, scheduler=None)",
            "Restore the checkpoint at `path` into these objects and the RNGs; return the saved step (an int).",
        ),
    ),
    checks=(
        Check(
            "resume",
            "load_checkpoint",
            resume_cases,
            call=_resume,
            tolerance=EXACT,
            description="interrupted at step 3 / 5 / 0 / 8 of 8 (SGD momentum, AdamW; StepLR; dropout; NumPy batches): bit for bit",
        ),
        Check(
            "untrusted_file",
            "load_checkpoint",
            untrusted_cases,
            call=_untrusted,
            tolerance=EXACT,
            description="a planted pickle in the learner's own checkpoint: load_checkpoint refuses it (weights_only=True)",
        ),
    ),
    probes=(
        Probe(
            "only the weights were restored: a checkpoint also needs the optimizer's state_dict (momentum, Adam's "
            "moments, the lr) and the scheduler's, or training restarts them from scratch",
            checks=("resume",),
            impl=_partial(optimizer=False, scheduler=False),
        ),
        Probe(
            "the RNG states were not restored: after resuming, dropout masks and batches differ; save and restore "
            "torch.get_rng_state(), np.random.get_state() and random.getstate()",
            checks=("resume",),
            impl=_partial(rng=False),
        ),
        Probe(
            "NumPy's global RNG was not restored (it picks the batches here): save np.random.get_state()",
            checks=("resume",),
            impl=_partial(numpy_rng=False),
        ),
        Probe(
            "the optimizer state was not restored: momentum buffers / Adam's moments start from zero again; "
            "save optimizer.state_dict() and load it",
            checks=("resume",),
            impl=_partial(optimizer=False),
        ),
        Probe(
            "the scheduler state was not restored: the learning rate restarts from the beginning of the "
            "schedule; save scheduler.state_dict()",
            checks=("resume",),
            impl=_partial(scheduler=False),
        ),
        Probe(
            "nothing was restored into the objects passed in: call model.load_state_dict(...) (and the "
            "optimizer's, the scheduler's) on them; rebinding a local name does not change the caller's object",
            checks=("resume",),
            impl=_partial(into_objects=False),
        ),
        Probe(
            "load_checkpoint unpickled an arbitrary object and ran its code: load with torch.load(path, "
            "weights_only=True), which refuses anything but tensors and plain values (store NumPy's RNG state "
            "as a tensor so your own checkpoint still loads)",
            checks=("untrusted_file",),
            impl=_partial(),
        ),
    ),
)
