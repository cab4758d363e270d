"""Exercise: a PyTorch training step with gradient clipping, gradient accumulation, warmup + cosine schedule."""

import math

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE
from reference_impls.exercises._torch_io import (
    classification_data,
    mlp,
    params,
)


def _optimizer(kind, model):
    import torch

    if kind == "adamw":
        return torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.1)
    return torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)


def _steps(entry):
    """call(impl, x, y, seed, opt, steps, **kw): `steps` calls of impl.<entry> on a fresh model; the
    losses it returned and the parameters after."""

    def call(impl, x, y, seed, opt="sgd", steps=3, **kwargs):
        import torch
        import torch.nn.functional as F

        X, Y = torch.from_numpy(x), torch.from_numpy(y)
        model = mlp(seed, str(x.dtype))
        optimizer = _optimizer(opt, model)
        losses = [float(getattr(impl, entry)(model, optimizer, F.cross_entropy, X, Y, **kwargs)) for _ in range(steps)]
        return {"losses": np.array(losses, dtype=x.dtype), "params": params(model)}

    return call


def step_cases():
    for k, (name, n, kwargs, dtype) in enumerate(
        [
            ("no_clipping", 16, {"max_norm": None}, "float32"),
            ("clipped", 16, {"max_norm": 0.05}, "float32"),
            ("clipped_adamw", 12, {"max_norm": 0.1, "opt": "adamw"}, "float64"),
            ("max_norm_not_reached", 16, {"max_norm": 1e6}, "float64"),
        ]
    ):
        x, y = classification_data(100 + k, n, dtype=dtype)
        opt = kwargs.pop("opt", "sgd")
        yield Case(
            name,
            (x, y, 100 + k, opt),
            kwargs,
            seed=100 + k,
            note={"clipped": "max_norm 0.05: every step is clipped; one global norm over all gradients"}.get(name, ""),
        )


def accumulation_cases():
    for k, (name, n, micro, max_norm, dtype, note) in enumerate(
        [
            ("even_split", 8, 2, None, "float32", "8 samples in 2 micro-batches of 4"),
            ("uneven_split", 10, 3, None, "float64", "10 samples in 4 + 3 + 3: weight each micro-batch by n_k / N"),
            (
                "uneven_clipped",
                10,
                3,
                0.05,
                "float32",
                "clip once, after the last backward(), on the whole batch's gradient",
            ),
            ("one_micro_batch", 6, 1, None, "float32", "micro_batches=1 is train_step"),
            ("micro_batches_of_one", 5, 5, 0.1, "float64", "one sample per micro-batch"),
        ]
    ):
        x, y = classification_data(200 + k, n, dtype=dtype)
        yield Case(
            name, (x, y, 200 + k, "sgd"), {"micro_batches": micro, "max_norm": max_norm}, seed=200 + k, note=note
        )


SCHEDULES = [
    ("warmup_5_of_30", {"warmup_steps": 5, "total_steps": 30}),
    ("start_0.5_min_0.1", {"warmup_steps": 1, "total_steps": 10, "start_factor": 0.5, "min_factor": 0.1}),
    ("no_warmup", {"warmup_steps": 0, "total_steps": 20, "min_factor": 0.05}),
    ("long_warmup_from_0", {"warmup_steps": 8, "total_steps": 12, "start_factor": 0.0}),
]


def factor_cases():
    for name, kwargs in SCHEDULES:
        yield Case(
            name, (), kwargs, note="steps 0 .. total_steps + 5: after total_steps the factor stays at min_factor"
        )


def _factor_sweep(impl, **kwargs):
    return np.array(
        [impl.warmup_cosine_factor(s, **kwargs) for s in range(kwargs["total_steps"] + 6)], dtype=np.float64
    )


def _lr_sweep(impl, **kwargs):
    """The optimizer's lr before each of total_steps + 6 steps (optimizer.step(), then scheduler.step())."""
    import torch

    p = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([p], lr=0.5)
    scheduler = impl.make_scheduler(optimizer, **kwargs)
    lrs = []
    for _ in range(kwargs["total_steps"] + 6):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(lrs, dtype=np.float64)


# -- known mistakes ---------------------------------------------------------------------------------


def _clip_after_step(model, optimizer, loss_fn, x, y, max_norm=None):
    import torch

    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    return loss.item()


def _clip_each_tensor(model, optimizer, loss_fn, x, y, max_norm=None):
    import torch

    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    if max_norm is not None:
        for p in model.parameters():
            torch.nn.utils.clip_grad_norm_([p], max_norm)
    optimizer.step()
    return loss.item()


def _accumulate(scale, zero_inside=False, clip_each=False):
    def step(model, optimizer, loss_fn, x, y, micro_batches, max_norm=None):
        import torch

        optimizer.zero_grad()
        total = 0.0
        for xb, yb in zip(x.tensor_split(micro_batches), y.tensor_split(micro_batches)):
            if zero_inside:
                optimizer.zero_grad()
            loss = loss_fn(model(xb), yb) * scale(xb.shape[0], x.shape[0], micro_batches)
            loss.backward()
            total += loss.item()
            if clip_each and max_norm is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        if max_norm is not None and not clip_each:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        return total

    return step


def _clip_by_value(model, optimizer, loss_fn, x, y, max_norm=None):
    import torch

    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_value_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()


def _last_piece_loss(model, optimizer, loss_fn, x, y, micro_batches, max_norm=None):
    """The right update, but the loss returned is the last micro-batch's mean (nanoGPT's logged estimate)."""
    import torch

    optimizer.zero_grad()
    for xb, yb in zip(x.tensor_split(micro_batches), y.tensor_split(micro_batches), strict=True):
        last = loss_fn(model(xb), yb)
        (last * xb.shape[0] / x.shape[0]).backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return last.item()


def _by_count(n_k, N, k):
    return 1.0 / k


def _factor_plus_one(step, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    return _cosine_tail(step, warmup_steps, total_steps, min_factor)


def _cosine_tail(step, warmup_steps, total_steps, min_factor):
    if step >= total_steps:
        return min_factor
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * progress))


def _factor_periodic(step, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
    if step < warmup_steps:
        return start_factor + (1 - start_factor) * step / warmup_steps
    progress = (step - warmup_steps) / max(total_steps - warmup_steps, 1)
    return min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * progress))


def _scheduler_from(factor):
    def make_scheduler(optimizer, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
        import torch

        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: factor(s, warmup_steps, total_steps, start_factor, min_factor)
        )

    return make_scheduler


EXERCISE = Exercise.of(
    info("training_loop"),
    preamble="import math\n\nimport torch\n",
    task="""The inner loop of every PyTorch training script, one piece at a time.

1. `train_step`: zero the gradients, forward, loss, backward, clip the gradients to a global L2
   norm of `max_norm` when it is not None (torch.nn.utils.clip_grad_norm_ over all parameters at
   once), optimizer step. Return the loss as a float.
2. `accumulation_step`: the same step computed in `micro_batches` pieces (x.tensor_split(k) and
   y.tensor_split(k)), as when the batch does not fit in memory. backward() after each piece adds
   into .grad; scale each piece's mean loss so the sum of gradients is exactly the full batch's
   (careful when the pieces differ in size: 10 samples in 3 pieces are 4 + 3 + 3). Clip once,
   step once. Return the full batch's loss.
3. `warmup_cosine_factor(step, ...)`: the multiplier of the base learning rate: linear from
   start_factor at step 0 to 1 at warmup_steps, then a half cosine down to min_factor at
   total_steps, then min_factor for good. 4. `make_scheduler`: a torch LambdaLR applying it.

Checked against the reference on a small MLP (SGD with momentum, AdamW) in float32 and float64;
the reference's accumulation equals the big-batch step, and its schedule equals torch's
SequentialLR(LinearLR, CosineAnnealingLR) (tests/reference/test_training.py).""",
    entry_points=(
        EntryPoint(
            "train_step",
            "(model, optimizer, loss_fn, x, y, max_norm=None)",
            """One optimization step on (x, y): returns loss_fn(model(x), y) as a float (before the step).

max_norm: clip the global gradient norm to it before the step (None: no clipping).""",
        ),
        EntryPoint(
            "accumulation_step",
            "(model, optimizer, loss_fn, x, y, micro_batches, max_norm=None)",
            "The step of train_step(model, optimizer, loss_fn, x, y, max_norm), accumulated over "
            "x.tensor_split(micro_batches); returns the full batch's loss as a float.",
        ),
        EntryPoint(
            "warmup_cosine_factor",
            "(step, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0)",
            "The learning-rate multiplier at `step` (0-based): linear warmup, cosine decay, then flat.",
        ),
        EntryPoint(
            "make_scheduler",
            "(optimizer, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0)",
            "A torch.optim.lr_scheduler.LambdaLR applying warmup_cosine_factor to every param group.",
        ),
    ),
    checks=(
        Check(
            "step",
            "train_step",
            step_cases,
            call=_steps("train_step"),
            tolerance=LOOSE,
            description="3 steps of an MLP, float32/64, SGD momentum / AdamW: no clipping, clipped (0.05, 0.1), max_norm not reached",
        ),
        Check(
            "accumulation",
            "accumulation_step",
            accumulation_cases,
            call=_steps("accumulation_step"),
            tolerance=LOOSE,
            description="3 steps: 8 in 2 micro-batches, 10 in 4 + 3 + 3 (with and without clipping), 1 micro-batch, micro-batches of 1",
        ),
        Check(
            "factor",
            "warmup_cosine_factor",
            factor_cases,
            call=_factor_sweep,
            description="steps 0 .. total + 5 of 4 schedules: warmup 5 of 30, start 0.5 / min 0.1, no warmup, warmup 8 of 12 from 0",
        ),
        Check(
            "scheduler",
            "make_scheduler",
            factor_cases,
            call=_lr_sweep,
            description="the optimizer's lr over the same 4 schedules, stepped after each optimizer.step()",
        ),
    ),
    probes=(
        Probe(
            "clip_grad_value_ clamps each gradient element to [-max_norm, max_norm]: clip the global L2 norm over all "
            "parameters, torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)",
            impl={"train_step": _clip_by_value},
            checks=("step",),
        ),
        Probe(
            "the loss returned is the last micro-batch's: return the full batch's, the sum of the scaled piece "
            "losses (each piece's mean times n_k / N)",
            impl={"accumulation_step": _last_piece_loss},
            checks=("accumulation",),
        ),
        Probe(
            "gradients never zeroed: call optimizer.zero_grad() at the start of every step, else .grad keeps "
            "adding up from the steps before",
            impl="wrong/training_loop/no_zero_grad.py",
            checks=("step",),
        ),
        Probe(
            "clipped after optimizer.step(): the step already used the unclipped gradients; clip between "
            "backward() and step()",
            impl={"train_step": _clip_after_step},
        ),
        Probe(
            "clipped each tensor on its own: clip_grad_norm_ takes ALL parameters at once and scales them by one "
            "factor from their global norm",
            impl={"train_step": _clip_each_tensor},
        ),
        Probe(
            "micro-batch losses not scaled: the accumulated gradient is the SUM over micro-batches; scale each "
            "mean loss by its share n_k / N of the batch",
            impl="wrong/training_loop/no_loss_scaling.py",
            checks=("accumulation",),
        ),
        Probe(
            "each micro-batch loss divided by the number of micro-batches: right only for equal sizes; with "
            "4 + 3 + 3 weight each by n_k / N",
            impl={"accumulation_step": _accumulate(_by_count)},
        ),
        Probe(
            "zero_grad() inside the micro-batch loop: only the last micro-batch's gradient survives; zero once, "
            "before the loop",
            impl={"accumulation_step": _accumulate(lambda n, N, k: n / N, zero_inside=True)},
        ),
        Probe(
            "clipped after every micro-batch: clip once, after the last backward(), the whole batch's gradient",
            impl={"accumulation_step": _accumulate(lambda n, N, k: n / N, clip_each=True)},
        ),
        Probe(
            "warmup off by one: LinearLR's convention starts at start_factor at step 0 and reaches 1 at "
            "step warmup_steps",
            impl={"warmup_cosine_factor": _factor_plus_one, "make_scheduler": _scheduler_from(_factor_plus_one)},
        ),
        Probe(
            "the cosine climbs back after total_steps (CosineAnnealingLR alone does that): stay at min_factor",
            impl={"warmup_cosine_factor": _factor_periodic, "make_scheduler": _scheduler_from(_factor_periodic)},
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "warmup_cosine_factor",
            "if step >= total_steps:",
            "step > total_steps",
            "at step == total_steps the cosine gives min_factor too (cos(pi) = -1): the branch only saves the work",
        ),
        *(
            Equivalent(
                "warmup_cosine_factor",
                "progress = (step - warmup_steps) / (total_steps - warmup_steps)",
                edit,
                "cos is even: cos(-pi p) = cos(pi p)",
            )
            for edit in ("(warmup_steps - step)", "(warmup_steps - total_steps)")
        ),
    ),
)
