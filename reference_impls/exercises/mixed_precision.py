"""Exercise: mixed precision: a bf16 autocast step on CPU, and dynamic loss scaling (GradScaler) for float16."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._torch_io import (
    classification_data,
    mlp,
    params,
)


def _forward(impl, x, seed, dtype=None):
    """dtype None: the entry point's default (bfloat16); else "float16", passed as dtype=."""
    import torch

    model = mlp(seed, sizes=(5, 16, 16, 3))
    given = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    out = impl.autocast_forward(model, torch.from_numpy(x), **given)
    return {
        "dtype": str(out.dtype),
        "values": out.detach().float().numpy(),
        "weights_still": sorted({str(p.dtype) for p in model.parameters()}),
    }


def forward_cases():
    for k, n in enumerate([8, 1, 33]):
        x, _ = classification_data(300 + k, n)
        yield Case(
            ["batch_8", "batch_1", "batch_33"][k],
            (x, 300 + k),
            seed=300 + k,
            note="the output of the last Linear under autocast is bfloat16; the weights stay float32",
        )
    x, _ = classification_data(310, 8)
    yield Case(
        "float16_batch_8",
        (x, 310),
        {"dtype": "float16"},
        seed=310,
        note="dtype=torch.float16: the last Linear's output is float16",
    )


def _amp_steps(impl, x, y, seed, steps=4, dtype=None):
    import torch
    import torch.nn.functional as F

    model = mlp(seed, sizes=(5, 16, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    given = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    losses = [float(impl.amp_train_step(model, optimizer, F.cross_entropy, X, Y, **given)) for _ in range(steps)]
    return {
        "losses": np.array(losses, dtype=np.float32),
        "params": params(model),
        "dtypes": sorted({str(p.dtype) for p in model.parameters()}),
    }


def step_cases():
    for k, n in enumerate([16, 40]):
        x, y = classification_data(400 + k, n)
        yield Case(
            f"batch_{n}",
            (x, y, 400 + k),
            seed=400 + k,
            note="4 steps: forward and loss under bf16 autocast, backward and step outside it",
        )
    x, y = classification_data(410, 16)
    yield Case("float16_batch_16", (x, y, 410), {"dtype": "float16"}, seed=410, note="4 steps under float16 autocast")


SCALER_RUNS = [
    ("no_overflow", {"init_scale": 1024.0, "growth_interval": 2}, {}, "no inf: the scale doubles every 2 good steps"),
    (
        "inf_then_nan",
        {"init_scale": 2.0**16, "growth_interval": 3},
        {2: "inf", 5: "nan"},
        "an inf gradient at step 2 and a nan at step 5: skip those steps, halve the scale, restart the count",
    ),
    (
        "overflow_twice_in_a_row",
        {"init_scale": 256.0, "growth_interval": 1, "backoff_factor": 0.25},
        {1: "inf", 2: "inf"},
        "two overflows in a row, growth_interval 1: back off twice, then grow on every good step",
    ),
]


def scaler_cases():
    for k, (name, kwargs, bad, note) in enumerate(SCALER_RUNS):
        x, y = classification_data(500 + k, 12)
        yield Case(name, (x, y, 500 + k, bad), kwargs, seed=500 + k, note=note)


def _scaler_run(impl, x, y, seed, bad, steps=8, **kwargs):
    """Drive impl.LossScaler for `steps` steps; at the steps in `bad` one gradient entry is inf / nan."""
    import torch
    import torch.nn.functional as F

    model = mlp(seed, sizes=(5, 8, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = impl.LossScaler(**kwargs)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    scales, stepped = [], []
    for step in range(steps):
        optimizer.zero_grad()
        scaler.scale(F.cross_entropy(model(X), Y)).backward()
        if step in bad:
            model[0].weight.grad[0, 0] = float(bad[step])
        stepped.append(bool(scaler.step(optimizer)))
        scaler.update()
        scales.append(float(scaler.scale_value))
    return {"scales": np.array(scales), "stepped": np.array(stepped), "params": params(model)}


# -- known mistakes ---------------------------------------------------------------------------------


def _fp32_forward(model, x, dtype=None):
    return model(x)


def _loss_outside(model, optimizer, loss_fn, x, y, dtype=None):
    import torch

    optimizer.zero_grad()
    with torch.autocast("cpu", dtype=dtype or torch.bfloat16):
        logits = model(x)
    loss = loss_fn(logits, y)  # bf16 logits outside autocast: the loss is computed in bf16
    loss.backward()
    optimizer.step()
    return loss.item()


def _scaler(unscale=True, skip=True, reset=True):
    class Wrong:
        def __init__(self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
            self.scale_value, self.growth, self.backoff, self.interval = (
                init_scale,
                growth_factor,
                backoff_factor,
                growth_interval,
            )
            self.good, self.found_inf = 0, False

        def scale(self, loss):
            return loss * self.scale_value

        def step(self, optimizer):
            import torch

            self.found_inf = False
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        if unscale:
                            p.grad.mul_(1.0 / self.scale_value)
                        self.found_inf |= not bool(torch.isfinite(p.grad).all())
            if not self.found_inf or not skip:
                optimizer.step()
            return not self.found_inf

        def update(self):
            if self.found_inf:
                self.scale_value *= self.backoff
                if reset:
                    self.good = 0
            else:
                self.good += 1
                if self.good >= self.interval:
                    self.scale_value *= self.growth
                    self.good = 0

    return Wrong


EXERCISE = Exercise.of(
    info("mixed_precision"),
    preamble="import torch\n",
    task="""Mixed precision: matmuls in 16 bits, weights, gradients and optimizer state in float32.

1. `autocast_forward(model, x, dtype=torch.bfloat16)`: the model's output under torch.autocast on
   the CPU in `dtype` (bfloat16 by default; CPU autocast takes float16 too). Do not convert the
   model: autocast casts per op (Linear runs in 16 bits, the weights stay float32).
2. `amp_train_step(model, optimizer, loss_fn, x, y, dtype=torch.bfloat16)`: one step with the
   forward pass AND the loss inside autocast to `dtype` (cross_entropy is on autocast's float32
   list, so the loss comes out float32), backward() and the step outside it. Return the loss as a
   float.
3. `LossScaler`: what torch.amp.GradScaler does for float16 (whose gradients underflow without it):
   scale(loss) multiplies by the current scale; step(optimizer) divides every .grad by the scale in
   place, and calls optimizer.step() only if they are all finite (returns whether it stepped);
   update() halves the scale (backoff_factor) after an inf/nan and restarts the count of good steps,
   else counts the step and multiplies by growth_factor after growth_interval good steps in a row.

Checked against the reference; the reference's scaler matches torch.amp.GradScaler("cpu") step for
step, overflows included (tests/reference/test_amp.py).""",
    entry_points=(
        EntryPoint(
            "autocast_forward",
            "(model, x, dtype=torch.bfloat16)",
            "model(x) under CPU autocast to `dtype` (a tensor of that dtype).",
        ),
        EntryPoint(
            "amp_train_step",
            "(model, optimizer, loss_fn, x, y, dtype=torch.bfloat16)",
            "One mixed-precision optimization step under autocast to `dtype`; returns the loss as a float.",
        ),
        EntryPoint(
            "LossScaler",
            "(self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000)",
            "Dynamic loss scaling. Keep the current scale in `self.scale_value` (a float).",
            kind="class",
            methods=(
                EntryPoint("scale", "(self, loss)", "loss * the current scale."),
                EntryPoint(
                    "step",
                    "(self, optimizer)",
                    "Unscale the gradients in place; optimizer.step() unless one is inf/nan. True when it stepped.",
                ),
                EntryPoint("update", "(self)", "Back off after an inf/nan; grow after growth_interval good steps."),
            ),
        ),
    ),
    checks=(
        Check(
            "autocast",
            "autocast_forward",
            forward_cases,
            call=_forward,
            tolerance={"float32": (1e-2, 1e-3)},
            description="a 3-layer MLP, batches 8 / 1 / 33 and float16: the dtype out, values, weights left float32",
        ),
        Check(
            "amp_step",
            "amp_train_step",
            step_cases,
            call=_amp_steps,
            description="4 steps of SGD momentum, bf16 and float16: the losses and float32 weights match autocast training",
        ),
        Check(
            "loss_scaler",
            "LossScaler",
            scaler_cases,
            call=_scaler_run,
            description="8 steps: no overflow; inf at step 2 and nan at 5; two overflows in a row: scales, skipped steps, weights",
        ),
    ),
    probes=(
        Probe(
            'no autocast: the forward ran in float32; wrap it in torch.autocast(device_type="cpu", dtype=torch.bfloat16)',
            impl={"autocast_forward": _fp32_forward},
        ),
        Probe(
            "the model was converted (model.to(torch.bfloat16) / .half()): autocast casts per op and leaves the "
            "float32 master weights alone",
            impl="wrong/mixed_precision/model_to_bf16.py",
            checks=("autocast",),
        ),
        Probe(
            "the loss was computed outside autocast, in the logits' 16-bit dtype: keep loss_fn inside the autocast block so "
            "cross_entropy runs in float32",
            impl={"amp_train_step": _loss_outside},
        ),
        Probe(
            "gradients not unscaled before the step: divide every .grad by the scale first, or the update is "
            "scale times too big",
            impl={"LossScaler": _scaler(unscale=False)},
        ),
        Probe(
            "stepped on inf/nan gradients: skip optimizer.step() when any gradient is not finite (the weights "
            "become nan)",
            impl={"LossScaler": _scaler(skip=False)},
        ),
        Probe(
            "the count of good steps not restarted after a backoff: growth needs growth_interval good steps IN A ROW",
            impl={"LossScaler": _scaler(reset=False)},
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "LossScaler.__init__",
            "self.found_inf = False",
            "self.found_inf = True",
            "step() sets found_inf before update() reads it (the protocol is scale, step, update)",
        ),
    ),
)
