"""Exercise: module 1.1's step 1, the FP32 LeNet-5 baseline, trained on scikit-learn's 8x8 digits."""

from functools import cache

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import digits_split
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

THRESHOLD = 0.90  # test accuracy of the baseline (the reference: ~0.97 with the defaults)
PARAMETERS = 19_754


@cache
def _data():
    """Standardized with the training set's mean and std, shaped (N, 1, 8, 8)."""
    import torch

    X_train, y_train, X_test, y_test = (torch.from_numpy(a) for a in digits_split())
    mean, std = X_train.mean(), X_train.std()
    return (X_train - mean)[:, None] / std, y_train, (X_test - mean)[:, None] / std, y_test


# -- the architecture ------------------------------------------------------------------------------------------


def architecture_cases():
    yield Case("ten_classes", (), {"num_classes": 10, "n": 5}, note="LeNet-5's layers on 8x8: 19,754 parameters")
    yield Case("three_classes_one_image", (), {"num_classes": 3, "n": 1}, note="num_classes sets the last layer")


def _architecture(impl, num_classes, n):
    import torch

    torch.manual_seed(0)
    model = impl.LeNet5(num_classes=num_classes)
    model.eval()
    with torch.no_grad():
        for p in model.parameters():  # the same weights as the reference's wherever the shapes agree
            p.copy_(torch.randn(p.shape, generator=torch.Generator().manual_seed(sum(p.shape))) / p[0].numel() ** 0.5)
        logits = model(_data()[2][:n])
    shapes = sorted(tuple(p.shape) for p in model.parameters())
    return {
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "shapes": np.array([list(s) + [0] * (4 - len(s)) for s in shapes], dtype=np.int64),
        "output_shape": np.array(logits.shape, dtype=np.int64),
        "output_dtype": str(logits.dtype),
        "logits": logits.double().numpy(),
    }


# -- predict -------------------------------------------------------------------------------------------------------


@cache
def _bn_state():
    """A small conv net with batch norm, trained a little by the check (its predictions vary)."""
    import torch
    import torch.nn.functional as F

    X, y, _, _ = _data()
    model = _bn_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(15):
        optimizer.zero_grad()
        F.cross_entropy(model(X), y).backward()
        optimizer.step()
    return model.state_dict()


def _bn_model():
    import torch
    import torch.nn as nn

    torch.manual_seed(4)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(256, 10))


def predict_cases():
    yield Case(
        "batchnorm_in_train_mode",
        (),
        {"n": 359, "batch_size": 128},
        note="batch norm left in train mode; 359 images in batches of 128: the last has 103",
    )
    yield Case("one_batch", (), {"n": 200, "batch_size": 500}, note="fewer images than a batch")
    yield Case("exact_batches", (), {"n": 256, "batch_size": 64})
    yield Case("one_image", (), {"n": 1, "batch_size": 128}, note="a single image")


def _predict(impl, n, batch_size):
    import copy

    model = _bn_model()
    model.load_state_dict(copy.deepcopy(_bn_state()))
    model.train()  # as it comes out of training
    X = _data()[2][:n].clone()
    return impl.predict(model, X, batch_size=batch_size).numpy().astype(np.int64)


# -- the baseline (the milestone) ------------------------------------------------------------------------------------


def baseline_cases():
    yield Case("defaults_seed_0", (), note="the defaults; the check measures test accuracy on 359 held-out images")


def _baseline(impl):
    import torch

    from reference_impls.torch.digits_lenet import predict

    X, y, X_test, y_test = _data()
    model = impl.train_baseline(X.clone(), y.clone())
    accuracy = (predict(model, X_test) == y_test).double().mean().item()
    return {
        "accuracy": accuracy,
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "dtype": str(next(model.parameters()).dtype) if isinstance(model, torch.nn.Module) else "not a module",
    }


def train_steps_cases():
    for k, (n, batch_size) in enumerate([(9, 1), (9, 4)]):
        yield Case(
            f"{n}_copies_batch_{batch_size}",
            (n, batch_size, 1700 + k),
            seed=1700 + k,
            note=f"{n} copies of one image (every mini-batch is the same), batch_size={batch_size}, 1 epoch, lr 1e-2: "
            f"ceil({n}/{batch_size}) Adam steps from the model train_baseline(..., epochs=0) returns",
        )


def _train_steps(impl, n, batch_size, seed):
    import copy

    import torch
    import torch.nn.functional as F

    X, y, X_test, _ = _data()
    i = int(torch.randint(len(y), (1,), generator=torch.Generator().manual_seed(seed)))
    Xn, yn = X[i : i + 1].repeat(n, 1, 1, 1), y[i : i + 1].repeat(n)
    init = impl.train_baseline(Xn.clone(), yn.clone(), 0, batch_size, 1e-2, 0)
    trained = impl.train_baseline(Xn.clone(), yn.clone(), 1, batch_size, 1e-2, 0)
    expected = copy.deepcopy(init)
    expected.train()
    optimizer = torch.optim.Adam(expected.parameters(), lr=1e-2)
    for _ in range(-(-n // batch_size)):
        optimizer.zero_grad()
        F.cross_entropy(expected(Xn[:1]), yn[:1]).backward()
        optimizer.step()
    out = {}
    for name, model in (("init", init), ("trained", trained), ("expected", expected)):
        model.eval()
        with torch.no_grad():
            out[name] = model(X_test[:16]).double().numpy()
    return out


def _judge_train_steps(expected, actual, case):
    if np.allclose(actual["trained"], actual["expected"], rtol=1e-4, atol=1e-5):
        return None
    steps = case.note.split(": ")[-1].split(" Adam")[0]
    if np.allclose(actual["trained"], actual["init"], rtol=1e-4, atol=1e-5):
        return f"train_baseline(..., epochs=1) on {case.note.split(',')[0]} returned its initial model: no Adam step"
    err = float(np.nanmax(np.abs(actual["trained"] - actual["expected"])))
    return (
        f"on {case.note.split(', 1 epoch')[0]}, one epoch should be {steps} Adam steps (lr 1e-2, default betas) from "
        f"your own initial model; the logits differ from them by up to {err:.3g} (rtol 1e-4, atol 1e-5): one step "
        "per mini-batch of the shuffled examples, the last partial batch included"
    )


def _judge_baseline(expected, actual, case):
    if actual["parameters"] != PARAMETERS:
        return f"the trained model has {actual['parameters']:,} parameters: train your LeNet5 ({PARAMETERS:,})"
    if actual["dtype"] != "torch.float32":
        return f"the baseline is {actual['dtype']}: it is the FP32 model the later steps quantize"
    if actual["accuracy"] >= THRESHOLD:
        return None
    return (
        f"test accuracy {actual['accuracy']:.3f} is under {THRESHOLD} (the reference: ~0.97 after 4 epochs of Adam, "
        "batch 64, lr 1e-2)"
    )


# -- known mistakes ------------------------------------------------------------------------------------------------


def _predict_train_mode(model, X, batch_size=128):
    import torch

    with torch.no_grad():
        return torch.cat([model(X[s : s + batch_size]).argmax(dim=1) for s in range(0, len(X), batch_size)])


def _predict_drops_tail(model, X, batch_size=128):
    import torch

    model.eval()
    with torch.no_grad():
        chunks = [model(X[i * batch_size : (i + 1) * batch_size]).argmax(dim=1) for i in range(len(X) // batch_size)]
    return torch.cat(chunks) if chunks else torch.empty(0, dtype=torch.int64)


def _shorter(case, actual, expected):
    return isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray) and actual.shape[0] < expected.shape[0]


EXERCISE = Exercise.of(
    info("digits_lenet"),
    preamble="""import torch
import torch.nn as nn
import torch.nn.functional as F
""",
    task=f"""Module 1.1's capstone quantizes a baseline FP32 CNN, a LeNet-5 variant trained on MNIST. Step 1 at a
CPU's scale: scikit-learn's 8x8 digits (shipped; reference_impls.data.digits_split()), which the
checks standardize and hand you as float32 (N, 1, 8, 8) images with int64 labels 0-9.

1. `LeNet5(num_classes=10)`, an nn.Module: conv 1 -> 6 channels (3x3, padding 1), ReLU, 2x2 max
   pool; conv 6 -> 16 (3x3, padding 1), ReLU, 2x2 max pool; flatten (16 x 2 x 2 = 64); Linear 64 ->
   120, ReLU; Linear 120 -> 84, ReLU; Linear 84 -> num_classes (logits). {PARAMETERS:,} parameters
   with 10 classes. (LeCun et al. 1998's layout; 3x3 padded convolutions because the images are 8x8.)
2. `predict(model, X, batch_size=128)`: the predicted class of every image, int64 (N,): eval mode
   (batch norm and dropout behave differently in training), torch.no_grad(), in batches of
   `batch_size` (the last one may be shorter), the argmax over the classes.
3. `train_baseline(X, y, epochs=4, batch_size=64, lr=1e-2, seed=0)`: torch.manual_seed(seed), a new
   LeNet5 (so epochs=0 returns the initial model), then each epoch one Adam step (default betas) per
   mini-batch of a fresh shuffle, the last partial batch included, on the mean cross-entropy; return
   the model (FP32). Milestone: test
   accuracy >= {THRESHOLD} on the held-out images (the reference: ~0.97), measured by the check.

The reference: reference_impls/torch/digits_lenet.py.""",
    entry_points=(
        EntryPoint(
            "LeNet5",
            "(self, num_classes=10)",
            "LeNet-5 for 8x8 single-channel images (make it an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, x)", "x (N, 1, 8, 8) float32 -> logits (N, num_classes)."),),
        ),
        EntryPoint(
            "predict", "(model, X, batch_size=128)", "The predicted classes, int64 (N,), in eval mode, in batches."
        ),
        EntryPoint(
            "train_baseline",
            "(X, y, epochs=4, batch_size=64, lr=1e-2, seed=0)",
            "A LeNet5 trained with Adam on shuffled mini-batches; return it.",
        ),
    ),
    checks=(
        Check(
            "architecture",
            "LeNet5",
            architecture_cases,
            call=_architecture,
            description="10 and 3 classes: the parameter count, every parameter's shape, the logits' shape",
        ),
        Check(
            "predict",
            "predict",
            predict_cases,
            call=_predict,
            description="batch norm left in train mode; a short last batch, one batch, exact batches, one image",
        ),
        Check(
            "train_steps",
            "train_baseline",
            train_steps_cases,
            call=_train_steps,
            compare=_judge_train_steps,
            reference_output=False,
            description="copies of one image, batch 1 and 4: one epoch is ceil(N / batch) Adam steps from epochs=0's model",
        ),
        Check(
            "baseline",
            "train_baseline",
            baseline_cases,
            call=_baseline,
            compare=_judge_baseline,
            reference_output=False,
            description=f"the defaults: test accuracy >= {THRESHOLD}, {PARAMETERS:,} FP32 parameters",
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "predict",
            "for start in range(0, len(X), batch_size)",
            "len(X) + 1",
            "the extra start adds, when batch_size divides N, an empty slice whose empty argmax the concatenation "
            "drops: the same predictions",
        ),
    ),
    probes=(
        Probe(
            "the 3x3 convolutions are not padded: padding=1 keeps 8x8 (then 4x4 after the pool), so that 16 "
            "channels of 2x2 = 64 features reach fc1",
            impl="wrong/digits_lenet/valid_convolutions.py",
            checks=("architecture",),
        ),
        Probe(
            "the model was run in train mode: call model.eval() before predicting (batch norm then uses its "
            "running statistics, dropout is off)",
            impl={"predict": _predict_train_mode},
            checks=("predict",),
        ),
        Probe(
            "the last, shorter batch was dropped: step through range(0, len(X), batch_size) so that the "
            "remainder is predicted too",
            impl={"predict": _predict_drops_tail},
            checks=("predict",),
        ),
        Probe(
            "fewer predictions than images: every image needs one, the last partial batch included",
            when=_shorter,
            checks=("predict",),
        ),
    ),
)
