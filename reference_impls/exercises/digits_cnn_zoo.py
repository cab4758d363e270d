"""Exercise: LeNet-5, AlexNet and VGG adapted to 8x8 digits, trained alike and compared (module 0.3's project)."""

import math
import time

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises.digits_lenet import _data

THRESHOLD = 0.8  # test accuracy each architecture must reach with the defaults (the reference: 0.87-0.96 over seeds)
PARAMETERS = {"LeNet5": 19_754, "AlexNet": 22_954, "VGG": 4_802}


# -- the architectures ---------------------------------------------------------------------------------------------


def _fill(model):
    """Deterministic weights that depend only on each parameter's shape, so any naming or order of layers works."""
    import torch

    with torch.no_grad():
        for p in model.parameters():
            k = torch.arange(p.numel(), dtype=torch.float64)
            values = torch.sin(0.7 * k + p.numel())
            if p.dim() > 1:
                values = values * 1.5 / math.sqrt(p[0].numel())
            else:
                values = 0.1 * values
            p.copy_(values.view(p.shape))


def architecture_cases():
    for name in ("LeNet5", "AlexNet", "VGG"):
        yield Case(name, (), {"name": name, "num_classes": 10}, note=f"{PARAMETERS[name]:,} parameters with 10 classes")
    yield Case(
        "AlexNet_three_classes", (), {"name": "AlexNet", "num_classes": 3}, note="num_classes sets the last layer"
    )


def _architecture(impl, name, num_classes):
    import torch

    torch.manual_seed(0)
    model = getattr(impl, name)(num_classes=num_classes)
    _fill(model)
    X = _data()[2][:16].clone()
    model.eval()
    with torch.no_grad():
        logits = model(X)
        model.train()
        torch.manual_seed(1)
        train_logits = model(X)
    return {
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "logits": logits.numpy(),
        "dropout_in_training": bool(not torch.allclose(logits, train_logits)),
    }


# -- the augmentation ------------------------------------------------------------------------------------------------


def shift_cases():
    for dx, dy in ((1, 0), (-1, 1), (0, -2), (3, 3), (0, 0)):
        yield Case(f"dx_{dx}_dy_{dy}", (), {"dx": dx, "dy": dy, "n": 5}, note="right / down positive")
    yield Case(
        "beyond_the_image", (), {"dx": -8, "dy": 0, "n": 2}, note="shifted out entirely: all zeros", zero_ok=True
    )


def _shift(impl, dx, dy, n):
    import torch

    images = torch.arange(n * 2 * 64, dtype=torch.float32).view(n, 2, 8, 8) + 1  # no zero pixel to hide behind
    out = impl.shift(images.clone(), dx, dy)
    return out.numpy()


# -- identical training: a recorder in place of the architectures --------------------------------------------------


def _recorder(extra):
    """A linear model that logs, in training, the image ids and shifts of every batch it is given.

    The check's images are zeros but for one pixel at (4, 4) holding the image's id + 1, so a batch's ids
    and its shift can be read back from where and what that pixel is. In training its logits depend on the ids
    only (`_train_logit`: each image's loss is known, so the epoch losses can be checked); in eval mode it
    predicts id % 3.
    """
    import torch
    import torch.nn as nn

    class Recorder(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(64, 10)
            self.extra = nn.Parameter(0 * torch.randn(extra))  # draws from torch's RNG, as a bigger model's init would
            self.log = []

        def forward(self, x):
            flat = x.flatten(1)
            where = flat.abs().argmax(dim=1)
            ids = flat.gather(1, where[:, None]).squeeze(1).round().long() - 1
            if self.training:
                self.log.append((ids.tolist(), (where % 8 - 4).tolist(), (where // 8 - 4).tolist()))
                logits = torch.zeros(len(ids), 10)
                logits[torch.arange(len(ids)), ids * 3 % 10] = (ids % 4).to(logits.dtype)
                return logits + 0 * (self.linear(flat / 100).sum() + self.extra.sum())
            return nn.functional.one_hot(ids % 3, 10).to(x.dtype) * 5.0

    return Recorder


def _image_loss(i):
    """The cross-entropy of the recorder's training logits for image i (label i % 10): one logit i % 4 at i * 3 % 10."""
    logit = i % 4
    return math.log(9 + math.exp(logit)) - (logit if i * 3 % 10 == i % 10 else 0.0)


def identical_cases():
    yield Case(
        "shifted",
        (),
        {"n": 33, "epochs": 2, "batch_size": 8, "max_shift": 1},
        note="33 images in batches of 8 (the last has 1), 2 epochs, shifts of up to 1 pixel",
    )
    yield Case("no_shift", (), {"n": 30, "epochs": 3, "batch_size": 10, "max_shift": 0})


def _identical(impl, n, epochs, batch_size, max_shift):
    import torch

    X = torch.zeros(n, 1, 8, 8)
    X[:, 0, 4, 4] = torch.arange(1, n + 1, dtype=torch.float32)
    y = torch.arange(n) % 10
    X_test = torch.zeros(20, 1, 8, 8)
    X_test[:, 0, 4, 4] = torch.arange(1, 21, dtype=torch.float32)
    predicted = torch.arange(20) % 3  # what the recorder predicts in eval mode
    y_test = torch.where(torch.arange(20) < 10, predicted, predicted + 1)  # 10 of 20 right
    models = {"small": _recorder(1), "large": _recorder(7)}
    built = {}

    def builder(name):
        def build():
            built[name] = models[name]()
            return built[name]

        return build

    start = time.perf_counter()
    results = impl.compare(
        {name: builder(name) for name in models},
        X,
        y,
        X_test,
        y_test,
        epochs=epochs,
        batch_size=batch_size,
        lr=1e-3,
        max_shift=max_shift,
        seed=3,
    )
    elapsed = time.perf_counter() - start
    logs = {name: model.log for name, model in built.items()}
    return {
        "results": results,
        "elapsed": elapsed,
        "logs": logs,
        "n": n,
        "epochs": epochs,
        "batch_size": batch_size,
        "max_shift": max_shift,
    }


def _judge_identical(expected, actual, case):
    results, logs = actual["results"], actual["logs"]
    n, epochs, batch_size, max_shift = actual["n"], actual["epochs"], actual["batch_size"], actual["max_shift"]
    if set(results) != {"small", "large"}:
        return f"compare returned {sorted(results)}: one entry per model, keyed by the names it was given"
    for name, parameters in (("small", 651), ("large", 657)):
        r = results[name]
        missing = {"parameters", "accuracy", "seconds", "epoch_losses"} - set(r)
        if missing:
            return f"results[{name!r}] lacks {sorted(missing)}"
        if int(r["parameters"]) != parameters:
            return f"results[{name!r}]['parameters'] is {r['parameters']}, the model has {parameters}"
        if abs(float(r["accuracy"]) - 0.5) > 1e-9:
            return (
                f"results[{name!r}]['accuracy'] is {float(r['accuracy']):.3f}, expected 0.500: the fraction of the test "
                "images whose argmax over the logits in eval mode is their label"
            )
        if not 0 < float(r["seconds"]) <= actual["elapsed"]:
            return (
                f"results[{name!r}]['seconds'] is {r['seconds']}, but the whole call took {actual['elapsed']:.3f} s: "
                "the model's training time, perf_counter() after training minus perf_counter() before"
            )
        curve = [float(v) for v in r["epoch_losses"]]
        if len(curve) != epochs or not all(math.isfinite(v) and v > 0 for v in curve):
            return (
                f"results[{name!r}]['epoch_losses'] is {curve}: the mean training loss of each of the {epochs} epochs"
            )
    steps = epochs * math.ceil(n / batch_size)
    for name, log in logs.items():
        if len(log) != steps:
            return f"the model {name!r} was given {len(log)} training batches: {epochs} epochs of {n} in {batch_size}s make {steps}"
        for epoch in range(epochs):
            ids = sorted(i for batch in log[epoch * steps // epochs : (epoch + 1) * steps // epochs] for i in batch[0])
            if ids != list(range(n)):
                return f"epoch {epoch + 1} did not show every training image exactly once"
        shifts = [s for batch in log for s in batch[1] + batch[2]]
        if any(abs(s) > max_shift for s in shifts):
            return f"an image was shifted by more than max_shift={max_shift} pixels"
        if max_shift and not {-max_shift, max_shift} <= set(shifts):
            return (
                f"the shifts drawn were {sorted(set(shifts))}: with max_shift={max_shift}, shift each batch by random dx, dy "
                f"in [-max_shift, max_shift], both ends included (torch.randint's high is exclusive: max_shift + 1)"
            )
    per_image = [_image_loss(i) for i in range(n)]
    for name, log in logs.items():
        for epoch in range(epochs):
            batches = [b[0] for b in log[epoch * steps // epochs : (epoch + 1) * steps // epochs]]
            by_image = sum(per_image) / n
            by_batch = sum(sum(per_image[i] for i in b) / len(b) for b in batches) / len(batches)
            got = float(results[name]["epoch_losses"][epoch])
            if not any(math.isclose(got, want, rel_tol=1e-5) for want in (by_image, by_batch)):
                return (
                    f"results[{name!r}]['epoch_losses'][{epoch}] is {got:.6f}; the losses the model gave that epoch average "
                    f"{by_image:.6f} over images ({by_batch:.6f} over batches): the mean training loss of the epoch"
                )
    if [b[0] for b in logs["small"][: steps // epochs]] == [
        b[0] for b in logs["small"][steps // epochs : 2 * steps // epochs]
    ]:
        return "every epoch saw the batches in the same order: reshuffle at the start of each epoch"
    if logs["small"] != logs["large"]:
        return (
            "the models were not trained on the same batches and shifts: seed one generator per model run with `seed` "
            "(torch.Generator().manual_seed(seed)) and draw the order and the shifts from it"
        )
    return None


# -- the milestone --------------------------------------------------------------------------------------------------


def compare_cases():
    yield Case("defaults", (), note="LeNet5, AlexNet and VGG trained by your compare on 1,438 images, tested on 359")


def _compare(impl):
    X, y, X_test, y_test = _data()
    models = {name: getattr(impl, name) for name in ("LeNet5", "AlexNet", "VGG")}
    results = impl.compare(models, X.clone(), y.clone(), X_test.clone(), y_test.clone())
    return {name: {"accuracy": float(r["accuracy"]), "parameters": int(r["parameters"])} for name, r in results.items()}


def _judge_compare(expected, actual, case):
    for name, parameters in PARAMETERS.items():
        r = actual.get(name)
        if r is None:
            return f"no result for {name}"
        if r["parameters"] != parameters:
            return f"{name} has {r['parameters']:,} parameters, expected {parameters:,}"
        if r["accuracy"] < THRESHOLD:
            return (
                f"{name}'s test accuracy {r['accuracy']:.3f} is under {THRESHOLD} (the reference: 0.87-0.96 over seeds after 3 "
                "epochs of Adam, lr 1e-2, batch 32)"
            )
    return None


# -- known mistakes -------------------------------------------------------------------------------------------------


def _shift_wraps(images, dx, dy):
    import torch

    return torch.roll(images, shifts=(dy, dx), dims=(-2, -1))


def _identical_failure(phrase):
    def when(case, actual, expected):
        return isinstance(actual, dict) and "logs" in actual and phrase in (_judge_identical(None, actual, case) or "")

    return when


EXERCISE = Exercise.of(
    info("digits_cnn_zoo"),
    preamble="import time\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n",
    task=f"""Module 0.3's project compares classic CNN architectures on CIFAR-10. At a CPU's scale the checks use
scikit-learn's 8x8 digits (shipped; standardized float32 (N, 1, 8, 8), labels int64 0-9, 1,438 to
train, 359 to test), and each architecture keeps its idea at a size that fits 8x8: every convolution
is 3x3 with padding 1 (there is no room for LeNet's 5x5 or AlexNet's 11x11 stride 4), pools are 2x2.
The learner can run the same code on CIFAR-10 with wider layers.

1. `LeNet5(num_classes=10)` (LeCun et al. 1998): conv 1 -> 6, tanh, 2x2 average pool; conv 6 -> 16,
   tanh, average pool; flatten (64); Linear 64 -> 120, tanh; 120 -> 84, tanh; 84 -> num_classes.
   {PARAMETERS["LeNet5"]:,} parameters.
2. `AlexNet(num_classes=10, dropout=0.5)` (Krizhevsky et al. 2012's ingredients): conv 1 -> 16, ReLU,
   max pool; conv 16 -> 32, ReLU; conv 32 -> 32, ReLU, max pool; flatten (128); Dropout, Linear 128 ->
   64, ReLU, Dropout, Linear 64 -> num_classes. {PARAMETERS["AlexNet"]:,} parameters.
3. `VGG(num_classes=10)` (Simonyan and Zisserman 2014): two stages of [conv, ReLU, conv, ReLU, max
   pool] with 8 then 16 channels (two stacked 3x3 see 5x5 with fewer weights than one 5x5); flatten
   (64); Linear 64 -> num_classes. {PARAMETERS["VGG"]:,} parameters.
   Each forward(x (N, 1, 8, 8)) -> logits (N, num_classes).
4. `shift(images, dx, dy)`: (N, C, H, W) moved dx pixels right and dy down (negative: left, up),
   vacated pixels 0 (not wrapped around); a new tensor. AlexNet's augmentation at this scale.
5. `compare(models, X, y, X_test, y_test, epochs=3, batch_size=32, lr=1e-2, max_shift=0, seed=0)`:
   models maps names to functions of no arguments that build a model. Train each alike: torch.manual_seed(seed)
   before building it, Adam(lr), and one torch.Generator().manual_seed(seed) per model from which every
   epoch draws a new order (randperm) and every batch a shift dx, dy in [-max_shift, max_shift]
   (torch.randint), applied with `shift` to the whole batch; the last batch may be shorter. Return
   {{name: {{"parameters": int, "accuracy": test accuracy in eval mode, "seconds": training time,
   "epoch_losses": [mean training loss of each epoch, over its images or its batches]}}}}. The check runs it on models that record
   what they are given, then on your three architectures: each must reach test accuracy >= {THRESHOLD}
   (the reference: 0.87-0.96 over seeds). Shifts of one pixel, an eighth of an 8x8 image, need more epochs to pay
   off than the check spends: try max_shift=1 with epochs=10.

The reference: reference_impls/torch/digits_cnn_zoo.py.""",
    entry_points=(
        EntryPoint(
            "LeNet5",
            "(self, num_classes=10)",
            "LeNet-5 for 8x8 images: tanh and average pooling (an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, x)", "x (N, 1, 8, 8) -> logits (N, num_classes)."),),
        ),
        EntryPoint(
            "AlexNet",
            "(self, num_classes=10, dropout=0.5)",
            "AlexNet's ingredients for 8x8 images: ReLU, max pooling, dropout (an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, x)", "x (N, 1, 8, 8) -> logits (N, num_classes)."),),
        ),
        EntryPoint(
            "VGG",
            "(self, num_classes=10)",
            "Stages of two 3x3 convolutions and a max pool (an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, x)", "x (N, 1, 8, 8) -> logits (N, num_classes)."),),
        ),
        EntryPoint("shift", "(images, dx, dy)", "(N, C, H, W) moved dx right, dy down, zero fill."),
        EntryPoint(
            "compare",
            "(models, X, y, X_test, y_test, epochs=3, batch_size=32, lr=1e-2, max_shift=0, seed=0)",
            '{name: {"parameters", "accuracy", "seconds", "epoch_losses"}}, every model trained alike.',
        ),
    ),
    checks=(
        Check(
            "architectures",
            "LeNet5",
            architecture_cases,
            call=_architecture,
            tolerance={"float32": (1e-4, 1e-5)},
            description="the three with weights set from their shapes: logits in eval mode, parameters, dropout",
        ),
        Check(
            "shift",
            "shift",
            shift_cases,
            call=_shift,
            description="right, left and down, up, two pixels, three, none, out of the image",
        ),
        Check(
            "identical_training",
            "compare",
            identical_cases,
            call=_identical,
            compare=_judge_identical,
            reference_output=False,
            description="recording models: the same batches and shifts for each, reshuffled epochs, the table",
        ),
        Check(
            "compare",
            "compare",
            compare_cases,
            call=_compare,
            compare=_judge_compare,
            reference_output=False,
            description=f"the three architectures with the defaults: test accuracy >= {THRESHOLD} each",
        ),
    ),
    probes=(
        Probe(
            "LeNet-5 here is the 1998 original: tanh activations and average pooling (AlexNet brought ReLU and max "
            "pooling; the comparison is about that difference)",
            impl="wrong/digits_cnn_zoo/lenet_relu_max.py",
            checks=("architectures",),
        ),
        Probe(
            "AlexNet's dropout is missing or off in training: nn.Dropout(dropout) before each of the classifier's "
            "two Linears",
            impl="wrong/digits_cnn_zoo/alexnet_no_dropout.py",
            checks=("architectures",),
        ),
        Probe(
            "the image was rolled: torch.roll wraps the pixels that leave one edge around to the other; a shift "
            "fills the vacated rows and columns with 0",
            impl={"shift": _shift_wraps},
            checks=("shift",),
        ),
        Probe(
            "the models saw different batches: after torch.manual_seed(seed), building each model draws a different "
            "number of random numbers, so a shuffle from the global RNG differs per model; draw the order and the "
            "shifts from a torch.Generator().manual_seed(seed) made for each model's run",
            when=_identical_failure("not trained on the same batches"),
            checks=("identical_training",),
        ),
        Probe(
            "the batches came in the same order every epoch: draw a new permutation at the start of each epoch",
            when=_identical_failure("same order"),
            checks=("identical_training",),
        ),
    ),
    equivalent_mutants=tuple(
        Equivalent(
            "shift",
            f"abs({d}) >= {size}",
            f"abs({d}) > {size}",
            f"a shift by exactly the {size} (abs({d}) == {size}) makes empty slices on both sides, so the assignment "
            "leaves the zeros: the early return is needed only beyond it",
        )
        for d, size in (("dx", "W"), ("dy", "H"))
    ),
)
