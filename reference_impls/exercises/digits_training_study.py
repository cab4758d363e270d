"""Exercise: module 0.6's training study on 8x8 digits: norms, optimizers, schedules, regularization, Welch's t-test."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises.digits_cnn_zoo import _fill
from reference_impls.exercises.digits_lenet import _data

THRESHOLD = (
    0.9  # test accuracy with the defaults and with the second configuration (the reference: 0.93-0.99 over seeds)
)


# -- the CNN and its normalizations --------------------------------------------------------------------------------


def cnn_cases():
    yield Case("batch", (), {"norm": "batch"}, note="batch norm: batch statistics in training, running ones in eval")
    yield Case("layer", (), {"norm": "layer"}, note="layer norm: GroupNorm(1, C), one mean per image")
    yield Case("group_4", (), {"norm": "group"})
    yield Case("group_8", (), {"norm": "group", "groups": 8}, note="8 groups of 2 channels, then of 4")
    yield Case("none", (), {"norm": "none"})
    yield Case("dropout", (), {"norm": "batch", "dropout": 0.5}, note="dropout before the last Linear")


def _cnn(impl, norm, groups=4, dropout=0.0):
    import torch

    torch.manual_seed(0)
    model = impl.make_cnn(norm, dropout=dropout, groups=groups)
    _fill(model)
    X = _data()[2][:16].clone()
    with torch.no_grad():
        model.eval()
        eval_logits = model(X)
        model.train()
        torch.manual_seed(1)
        train_logits = model(X)
        torch.manual_seed(2)
        again = model(X)
    out = {
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "eval_logits": eval_logits.numpy(),
        "dropout_in_training": bool(not torch.allclose(train_logits, again)),
    }
    if not dropout:
        out["train_logits"] = train_logits.numpy()
    return out


# -- the optimizers ---------------------------------------------------------------------------------------------------


def optimizer_cases():
    yield Case("sgd", (), {"name": "sgd", "lr": 0.05, "weight_decay": 0.0}, note="SGD with momentum 0.9")
    yield Case("sgd_weight_decay", (), {"name": "sgd", "lr": 0.05, "weight_decay": 0.1})
    yield Case("adam", (), {"name": "adam", "lr": 0.1, "weight_decay": 0.0})
    yield Case(
        "adam_l2",
        (),
        {"name": "adam", "lr": 0.1, "weight_decay": 0.5},
        note="Adam's weight decay is L2: added to the gradient, then scaled by Adam",
    )
    yield Case(
        "adamw",
        (),
        {"name": "adamw", "lr": 0.1, "weight_decay": 0.5},
        note="AdamW's is decoupled: the weights shrink by lr * weight_decay outside Adam's scaling",
    )


def _optimizer(impl, name, lr, weight_decay):
    import torch

    w = torch.linspace(-2.0, 3.0, 12, dtype=torch.float64).view(3, 4).requires_grad_()
    target = torch.linspace(1.0, -1.0, 12, dtype=torch.float64).view(3, 4)
    scales = torch.logspace(-2, 2, 12, dtype=torch.float64).view(3, 4)  # badly conditioned, as real losses are
    optimizer = impl.make_optimizer(name, [w], lr, weight_decay)
    trajectory = []
    for _ in range(6):
        optimizer.zero_grad()
        ((w - target) ** 2 * scales).sum().backward()
        optimizer.step()
        trajectory.append(w.detach().clone())
    return torch.stack(trajectory).numpy()


# -- the schedules ---------------------------------------------------------------------------------------------------


def schedule_cases():
    yield Case(
        "cosine_warmup",
        (),
        {"schedule": "cosine", "total": 100, "warmup": 10},
        note="warm-up: lr * (step + 1) / warmup on steps 0 .. warmup - 1",
    )
    yield Case("cosine_no_warmup", (), {"schedule": "cosine", "total": 30, "warmup": 0})
    yield Case("step", (), {"schedule": "step", "total": 40, "warmup": 0}, note="x0.1 from step 20, x0.01 from step 30")
    yield Case("step_odd_total", (), {"schedule": "step", "total": 45, "warmup": 5})
    yield Case("constant", (), {"schedule": "constant", "total": 12, "warmup": 3}, note="no warm-up either")


def _schedule(impl, schedule, total, warmup):
    return np.array([impl.lr_at(schedule, s, total, 0.2, warmup) for s in range(total)], dtype=np.float64)


# -- training (the milestone) ------------------------------------------------------------------------------------------


def train_cases():
    yield Case("defaults", (), {"config": {}}, note="batch norm, AdamW, cosine, dropout 0.1, weight decay 1e-2")
    yield Case(
        "group_norm_sgd_step",
        (),
        {
            "config": {
                "norm": "group",
                "optimizer": "sgd",
                "lr": 0.05,
                "schedule": "step",
                "dropout": 0.3,
                "weight_decay": 5e-4,
            }
        },
        note="group norm, SGD with momentum, step decay, more dropout, less weight decay",
    )


def _train(impl, config):
    X, y, X_test, y_test = _data()
    return float(impl.train(dict(config), X.clone(), y.clone(), X_test.clone(), y_test.clone()))


def _judge_train(expected, actual, case):
    if actual >= THRESHOLD:
        return None
    return f"test accuracy {actual:.3f} is under {THRESHOLD} (the reference: 0.93-0.99 over seeds, in 2 epochs)"


# -- the training loop, recorded: make_cnn and make_optimizer replaced by recording stand-ins ---------------------------


def loop_cases():
    yield Case(
        "last_batch_of_one",
        (),
        {"n": 17, "config": {"epochs": 2, "batch_size": 8, "warmup": 3, "lr": 0.1}},
        note="17 images in batches of 8 (the last has 1), 2 epochs, cosine with 3 warm-up steps",
    )
    yield Case(
        "whole_batches",
        (),
        {"n": 16, "config": {"epochs": 3, "batch_size": 8, "schedule": "step", "lr": 0.1}},
        note="16 images in batches of 8, 3 epochs, step decay",
    )


def _loop(impl, n, config):
    """train with make_cnn and make_optimizer swapped for stand-ins that log every batch's image ids and the
    learning rate of every optimizer step. Image i is zeros but for pixel (4, 4) = i + 1; in eval mode the
    stand-in model predicts id % 3, which is the label of half the test images."""
    import torch
    import torch.nn as nn

    batches, lrs = [], []

    class Recorder(nn.Module):
        def __init__(self, *args, **kwargs):
            super().__init__()
            self.linear = nn.Linear(64, 10)

        def forward(self, x):
            ids = x.flatten(1)[:, 4 * 8 + 4].round().long() - 1
            if self.training:
                batches.append(ids.tolist())
                return self.linear(x.flatten(1) / 100)
            return nn.functional.one_hot(ids % 3, 10).to(x.dtype)

    def make_optimizer(name, params, lr, weight_decay=0.0):
        optimizer = torch.optim.SGD(params, lr=lr)
        step = optimizer.step

        def logged(*args, **kwargs):
            lrs.append([group["lr"] for group in optimizer.param_groups])
            return step(*args, **kwargs)

        optimizer.step = logged
        return optimizer

    X = torch.zeros(n, 1, 8, 8)
    X[:, 0, 4, 4] = torch.arange(1, n + 1, dtype=torch.float32)
    X_test = torch.zeros(20, 1, 8, 8)
    X_test[:, 0, 4, 4] = torch.arange(1, 21, dtype=torch.float32)
    y_test = torch.where(torch.arange(20) < 10, torch.arange(20) % 3, torch.arange(20) % 3 + 1)
    names = impl.train.__globals__  # what train looks make_cnn up in (the learner's module)
    saved = {k: names.get(k) for k in ("make_cnn", "make_optimizer")}
    names.update(make_cnn=Recorder, make_optimizer=make_optimizer)
    try:
        accuracy = float(impl.train(dict(config), X, torch.arange(n) % 10, X_test, y_test))
    finally:
        names.update(saved)
    c = {"lr": 1e-2, "schedule": "cosine", "warmup": 10, **config}
    total = c["epochs"] * -(-n // c["batch_size"])
    expected_lrs = [impl.lr_at(c["schedule"], s, total, c["lr"], c["warmup"]) for s in range(total)]
    return {"accuracy": accuracy, "batches": batches, "lrs": lrs, "expected_lrs": expected_lrs, "n": n, **c}


def _judge_loop(expected, actual, case):
    n, epochs, batch_size = actual["n"], actual["epochs"], actual["batch_size"]
    per_epoch = -(-n // batch_size)
    batches, lrs = actual["batches"], actual["lrs"]
    if len(batches) != epochs * per_epoch:
        return (
            f"the model was given {len(batches)} training batches: {epochs} epochs of {n} images in {batch_size}s "
            f"make {epochs * per_epoch}"
        )
    orders = []
    for epoch in range(epochs):
        seen = [i for b in batches[epoch * per_epoch : (epoch + 1) * per_epoch] for i in b]
        if sorted(seen) != list(range(n)):
            return f"epoch {epoch + 1} did not show every training image exactly once (it showed {sorted(seen)})"
        orders.append(seen)
    if len(set(map(tuple, orders))) < epochs:
        return "two epochs saw the images in the same order: a new shuffle (torch.randperm) at the start of each epoch"
    if len(lrs) != len(batches):
        return f"{len(lrs)} optimizer steps for {len(batches)} batches: one step per batch"
    for step, (groups, want) in enumerate(zip(lrs, actual["expected_lrs"])):
        if any(abs(lr - want) > 1e-12 * max(1.0, abs(want)) for lr in groups):
            return (
                f"optimizer step {step} ran at lr {groups[0]:.6g}, expected lr_at(schedule, {step}, {len(lrs)}, lr, warmup) "
                f"= {want:.6g}: set every param group's lr before each step, counting steps from 0 over all epochs"
            )
    if abs(actual["accuracy"] - 0.5) > 1e-9:
        return f"train returned {actual['accuracy']:.3f}, expected 0.500: the test accuracy of the trained model in eval mode"
    return None


# -- the significance test and the summary ------------------------------------------------------------------------------


def welch_cases():
    yield Case(
        "unequal_sizes", (), {"a": [0.90, 0.92, 0.95, 0.91], "b": [0.85, 0.88, 0.86, 0.90, 0.87]}, note="4 and 5 seeds"
    )
    yield Case(
        "unequal_variances",
        (),
        {"a": [0.80, 0.99, 0.70, 0.95, 0.85, 0.90], "b": [0.88, 0.89, 0.885]},
        note="Welch's degrees of freedom fall far below n_a + n_b - 2 = 7",
    )
    yield Case(
        "negative_t",
        (),
        {"a": [0.1, 0.2, 0.15], "b": [0.5, 0.45, 0.55, 0.52]},
        note="mean(a) < mean(b): t < 0, the p-value two-sided",
    )
    yield Case("same_mean", (), {"a": [1.0, 2.0, 3.0], "b": [1.5, 2.0, 2.5]}, note="t = 0, p = 1")
    yield Case("two_seeds_each", (), {"a": [0.97, 0.98], "b": [0.95, 0.951]})


def _welch(impl, a, b):
    return np.array(impl.welch_t_test(list(a), list(b)), dtype=np.float64)


def summarize_cases():
    yield Case(
        "three_configs",
        (),
        {
            "runs": {
                "baseline": [0.95, 0.96, 0.955, 0.958],
                "adamw": [0.97, 0.975, 0.972, 0.969],
                "no_norm": [0.93, 0.96, 0.91, 0.95],
            },
            "baseline": "baseline",
        },
        note="the baseline's own p is 1.0",
    )
    yield Case("two_seeds", (), {"runs": {"a": [0.9, 0.92], "b": [0.8, 0.95]}, "baseline": "b"})


def _summarize(impl, runs, baseline):
    table = impl.summarize({k: list(v) for k, v in runs.items()}, baseline)
    return {name: np.array(table[name], dtype=np.float64) for name in sorted(table)}


# -- known mistakes ------------------------------------------------------------------------------------------------


def _student(a, b):
    import math

    from scipy.special import stdtr

    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    na, nb = len(a), len(b)
    pooled = ((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2)
    t = (a.mean() - b.mean()) / math.sqrt(pooled * (1 / na + 1 / nb))
    return t, na + nb - 2, float(2 * stdtr(na + nb - 2, -abs(t)))


def _welch_one_sided(a, b):
    from reference_impls.torch.digits_training_study import welch_t_test

    t, df, p = welch_t_test(a, b)
    return t, df, p / 2


def _sgd_plain(name, params, lr, weight_decay=0.0):
    import torch

    from reference_impls.torch.digits_training_study import make_optimizer

    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)
    return make_optimizer(name, params, lr, weight_decay)


def _warmup_from_zero(schedule, step, total_steps, lr, warmup=0):
    from reference_impls.torch.digits_training_study import lr_at

    if schedule == "cosine" and step < warmup:
        return lr * step / warmup
    return lr_at(schedule, step, total_steps, lr, warmup)


EXERCISE = Exercise.of(
    info("digits_training_study"),
    preamble="import math\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n",
    task=f"""Module 0.6's project studies training techniques on CIFAR-10. At a CPU's scale the checks use
scikit-learn's 8x8 digits (shipped; standardized float32 (N, 1, 8, 8), labels int64 0-9, 1,438 to
train, 359 to test), where one training run takes a fraction of a second, so that many seeds and
configurations fit. The learner can run the same code on CIFAR-10 with a wider CNN.

1. `make_cnn(norm="batch", dropout=0.0, groups=4, num_classes=10)`: an nn.Sequential of conv 1 -> 16
   (3x3, padding 1), norm, ReLU, 2x2 max pool; conv 16 -> 32, norm, ReLU, max pool; flatten (128);
   nn.Dropout(dropout); Linear 128 -> num_classes. norm: "batch" nn.BatchNorm2d(C); "layer"
   nn.GroupNorm(1, C) (a CNN's layer norm: one mean and variance per image over all its channels and
   pixels, a scale and shift per channel); "group" nn.GroupNorm(groups, C) (groups of C / groups
   channels); "none" nothing. 6,186 parameters with a norm, 6,090 without.
2. `make_optimizer(name, params, lr, weight_decay=0.0)`: "sgd" with momentum 0.9, "adam" (its
   weight decay is L2, added to the gradient), "adamw" (decoupled: the weights shrink by lr *
   weight_decay apart from Adam's update). torch.optim is fine: the point is which is which.
3. `lr_at(schedule, step, total_steps, lr, warmup=0)`: the learning rate of step `step` (0-based):
   "constant" lr (no warm-up); "step" lr, x0.1 from step total_steps // 2, x0.01 from step 3 *
   total_steps // 4; "cosine": lr * (step + 1) / warmup for step < warmup, then lr * (1 + cos(pi *
   (step - warmup) / (total_steps - warmup))) / 2.
4. `train(config, X, y, X_test, y_test, seed=0)`: config overrides the defaults norm="batch",
   optimizer="adamw", lr=1e-2, weight_decay=1e-2, schedule="cosine", warmup=10, dropout=0.1,
   epochs=2, batch_size=32. torch.manual_seed(seed), make_cnn, make_optimizer, a new shuffle each
   epoch, the learning rate set to lr_at(...) in every param group before each step (total_steps =
   epochs * ceil(N / batch_size)); the last batch may be shorter. Return the test accuracy (eval mode),
   a float. Build the model and the optimizer with your make_cnn and make_optimizer: the check first
   runs train with recording stand-ins for both. Milestone: >= {THRESHOLD}
   with the defaults, and with group norm, SGD, the step schedule, dropout 0.3, weight decay 5e-4.
5. `welch_t_test(a, b)`: (t, degrees of freedom, two-sided p) of Welch's t-test of equal means, for
   two lists of per-seed accuracies: t = (mean_a - mean_b) / sqrt(s_a^2 / n_a + s_b^2 / n_b) with
   unbiased variances s^2, the Welch-Satterthwaite degrees of freedom, p = 2 P(T_df > |t|)
   (scipy.stats.t.sf, or scipy.special.stdtr).
6. `summarize(runs, baseline)`: runs maps configuration names to per-seed accuracies; return {{name:
   (mean, std (unbiased), p-value of welch_t_test(runs[name], runs[baseline]))}}, p = 1.0 for the
   baseline itself. With a few seeds per configuration, only differences larger than the seed-to-seed
   spread come out significant.

The reference: reference_impls/torch/digits_training_study.py.""",
    entry_points=(
        EntryPoint(
            "make_cnn", "(norm='batch', dropout=0.0, groups=4, num_classes=10)", "The study's CNN (nn.Sequential)."
        ),
        EntryPoint(
            "make_optimizer", "(name, params, lr, weight_decay=0.0)", "A torch optimizer: 'sgd', 'adam', 'adamw'."
        ),
        EntryPoint("lr_at", "(schedule, step, total_steps, lr, warmup=0)", "The learning rate of a step; a float."),
        EntryPoint("train", "(config, X, y, X_test, y_test, seed=0)", "Train one configuration; the test accuracy."),
        EntryPoint("welch_t_test", "(a, b)", "(t, df, two-sided p) of Welch's t-test."),
        EntryPoint("summarize", "(runs, baseline)", "{name: (mean, std, p against the baseline)}."),
    ),
    checks=(
        Check(
            "make_cnn",
            "make_cnn",
            cnn_cases,
            call=_cnn,
            tolerance={"float32": (1e-4, 1e-5)},
            description="batch, layer, group (4 and 8), none, dropout: weights set from their shapes, both modes",
        ),
        Check(
            "make_optimizer",
            "make_optimizer",
            optimizer_cases,
            call=_optimizer,
            tolerance={"float64": (1e-6, 1e-9)},
            description="6 steps on a badly conditioned quadratic: SGD, Adam, with and without weight decay, AdamW",
        ),
        Check(
            "lr_at",
            "lr_at",
            schedule_cases,
            call=_schedule,
            tolerance={"float64": (1e-9, 1e-12)},
            description="cosine with and without warm-up, step decay (even and odd totals), constant",
        ),
        Check(
            "training_loop",
            "train",
            loop_cases,
            call=_loop,
            compare=_judge_loop,
            reference_output=False,
            description="recording stand-ins for make_cnn and make_optimizer: the batches, the epochs, each step's lr",
        ),
        Check(
            "train",
            "train",
            train_cases,
            call=_train,
            compare=_judge_train,
            reference_output=False,
            description=f"the defaults and a group-norm / SGD / step configuration: test accuracy >= {THRESHOLD}",
        ),
        Check(
            "welch_t_test",
            "welch_t_test",
            welch_cases,
            call=_welch,
            tolerance={"float64": (1e-6, 1e-9)},
            description="unequal sizes and variances, negative t, equal means, two seeds each",
        ),
        Check(
            "summarize",
            "summarize",
            summarize_cases,
            call=_summarize,
            tolerance={"float64": (1e-6, 1e-9)},
            description="three configurations against a baseline; two seeds",
        ),
    ),
    probes=(
        Probe(
            "with groups=8, GroupNorm's first argument is the number of groups: nn.GroupNorm(groups, C), not "
            "nn.GroupNorm(C // groups, C)",
            impl="wrong/digits_training_study/group_size_for_groups.py",
            checks=("make_cnn",),
        ),
        Probe(
            "layer norm here is nn.GroupNorm(1, C): statistics over channels and pixels with a scale and shift per "
            "channel, not nn.LayerNorm([C, H, W]) with one per pixel",
            impl="wrong/digits_training_study/layernorm_per_pixel_affine.py",
            checks=("make_cnn",),
        ),
        Probe(
            "'adamw' must decouple the weight decay (torch.optim.AdamW); Adam with weight_decay adds it to the "
            "gradient (L2), which Adam's scaling then shrinks",
            impl="wrong/digits_training_study/adamw_is_adam_l2.py",
            checks=("make_optimizer",),
        ),
        Probe(
            "SGD here has momentum 0.9 (torch.optim.SGD(..., momentum=0.9))",
            impl={"make_optimizer": _sgd_plain},
            checks=("make_optimizer",),
        ),
        Probe(
            "the warm-up starts at lr / warmup on step 0 (lr * (step + 1) / warmup), not at 0",
            impl={"lr_at": _warmup_from_zero},
            checks=("lr_at",),
        ),
        Probe(
            "that is Student's t-test with a pooled variance and n_a + n_b - 2 degrees of freedom: Welch's divides "
            "each sample's unbiased variance by its own size and uses the Welch-Satterthwaite degrees of freedom",
            impl={"welch_t_test": _student},
            checks=("welch_t_test",),
        ),
        Probe(
            "the p-value is one-sided: a two-sided test doubles the tail, p = 2 P(T > |t|)",
            impl={"welch_t_test": _welch_one_sided},
            checks=("welch_t_test",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "lr_at",
            "(step - warmup) / max(1, total_steps - warmup)",
            "(warmup - step)",
            "the progress only enters cos, an even function: cos(pi * -p) = cos(pi * p)",
        ),
    ),
)
