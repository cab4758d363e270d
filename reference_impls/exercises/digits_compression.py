"""Exercise: module 1.3's capstone at a CPU's scale: a teacher, iterative pruning, distillation, a comparison."""

from functools import cache

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import digits_split
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

TEACHER = [64, 64, 10]  # hidden 64, dropout 0.1
STUDENT = [64, 16, 10]
FRACTIONS = {"float64": (1e-5, 1e-8)}  # an accuracy averaged in float32 (.float().mean()) is as right
STEPS = {"float64": (1e-3, 1e-4)}  # logits after a few float32 Adam steps: the loss summed in another order is as right
THRESHOLDS = {"teacher": 0.93, "pruned": 0.90, "student": 0.88, "student_pruned": 0.85}


# -- the data and the models the checks build ---------------------------------------------------------


@cache
def _data():
    import torch

    return tuple(torch.from_numpy(a) for a in digits_split())


def _model(kind, seed):
    """A model the check builds: the teacher's or the student's shape, or one with batch norm."""
    import torch.nn as nn

    from reference_impls.torch.digits_compression import mlp

    if kind == "teacher":
        return mlp(TEACHER, dropout=0.1, seed=seed)
    if kind == "student":
        return mlp(STUDENT, seed=seed)
    if kind == "wide_dropout":
        return mlp([64, 48, 32, 10], dropout=0.5, seed=seed)
    model = mlp([64, 32, 10], seed=seed)  # "batchnorm": Flatten, Linear, BatchNorm1d, ReLU, Linear
    model.insert(2, nn.BatchNorm1d(32))
    return model


@cache
def _trained_state(kind, seed, steps):
    """A model trained by the reference (its state), so that one check does not hang on another."""
    from reference_impls.torch.digits_compression import train_classifier

    X, y, _, _ = _data()
    return train_classifier(_model(kind, seed), X, y, steps=steps).state_dict()


def _trained(kind, seed=0, steps=50):
    import copy

    model = _model(kind, seed)
    model.load_state_dict(copy.deepcopy(_trained_state(kind, seed, steps)))
    return model


@cache
def _distilled_state():
    from reference_impls.torch.digits_compression import distill

    X, y, _, _ = _data()
    return distill(_trained("teacher"), _model("student", 1), X, y).state_dict()


def _linears(model):
    import torch.nn as nn

    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def _weights(model):
    """The weights and biases of every Linear as the forward pass uses them, as NumPy."""
    out = {}
    for n, layer in enumerate(_linears(model)):
        out[f"linear{n}.weight"] = layer.weight.detach().numpy().copy()
        out[f"linear{n}.bias"] = layer.bias.detach().numpy().copy()
    return out


# -- evaluate ---------------------------------------------------------------------------------------------


def evaluate_cases():
    yield Case(
        "dropout_in_train_mode",
        (),
        {"kind": "wide_dropout", "steps": 0},
        note="an untrained model with dropout 0.5, left in train mode: evaluate in eval mode",
    )
    yield Case(
        "batchnorm_in_train_mode",
        (),
        {"kind": "batchnorm", "steps": 0},
        note="batch norm in train mode normalizes with the batch's statistics: eval mode uses the running ones",
    )
    yield Case("teacher_whole_test_set", (), {"kind": "teacher", "steps": 50}, note="359 test images")
    yield Case(
        "one_image", (), {"kind": "teacher", "steps": 50, "n": 1}, note="a batch of one: argmax over the classes"
    )


def _evaluate(impl, kind, steps, n=None):
    model = _trained(kind, steps=steps)
    model.train()  # as it comes out of training
    _, _, X, y = _data()
    if n is not None:
        X, y = X[:n], y[:n]
    return np.float64(float(impl.evaluate(model, X, y)))


# -- count_parameters ----------------------------------------------------------------------------------------


def count_cases():
    yield Case("dense", (), {"kind": "teacher", "prune": None}, note="every parameter non-zero: 4,810")
    yield Case("zeroed_weights", (), {"kind": "teacher", "prune": "zero"}, note="70% of each weight set to 0 in place")
    yield Case(
        "torch_prune",
        (),
        {"kind": "student", "prune": "torch"},
        note="pruned with torch.nn.utils.prune: the parameter is weight_orig, the forward pass uses weight",
    )


def _prepared(kind, prune):
    import torch.nn.utils.prune as torch_prune

    from reference_impls.torch.digits_compression import magnitude_prune

    model = _model(kind, seed=5)
    if prune == "zero":
        magnitude_prune(model, 0.7)
    elif prune == "torch":
        for layer in _linears(model):
            torch_prune.l1_unstructured(layer, "weight", amount=0.6)
    return model


def _count(impl, kind, prune):
    total, nonzero = impl.count_parameters(_prepared(kind, prune))
    return {"total": int(total), "nonzero": int(nonzero)}


# -- magnitude_prune --------------------------------------------------------------------------------------


def prune_cases():
    yield Case("thirty_percent", (), {"kind": "teacher", "levels": (0.3,)}, note="both Linear layers: 30% each")
    yield Case("seventy_percent", (), {"kind": "teacher", "levels": (0.7,)})
    yield Case(
        "fifty_after_thirty",
        (),
        {"kind": "teacher", "levels": (0.3, 0.5)},
        note="50% of ALL the weights, counting the 30% already zero (not 50% of those left, 65%)",
    )
    yield Case("three_layers_90", (), {"kind": "wide_dropout", "levels": (0.9,)}, note="layers of 3072, 1536, 320")
    yield Case(
        "one_weight",
        (),
        {"kind": "student", "levels": (0.001,)},
        note="0.1 %: round(1.024) = 1 weight of the 1,024 in the first layer, none of the 160 in the second",
    )
    yield Case("nothing", (), {"kind": "student", "levels": (0.0,)}, note="sparsity 0: nothing changes")


def _prune(impl, kind, levels):
    model = _model(kind, seed=7)
    for level in levels:
        impl.magnitude_prune(model, level)
    return _weights(model)


# -- the milestones: training, iterative pruning, distillation ----------------------------------------------


def _sparsities(model):
    return [1.0 - int(layer.weight.count_nonzero()) / layer.weight.numel() for layer in _linears(model)]


def _train(impl, steps=50):
    from reference_impls.torch.digits_compression import evaluate

    X, y, X_test, y_test = _data()
    model = impl.train_classifier(_model("teacher", 0), X.clone(), y.clone(), steps=steps)
    return {"accuracy": evaluate(model, X_test, y_test)}


def _iterative(impl, model, levels):
    from reference_impls.torch.digits_compression import evaluate

    X, y, X_test, y_test = _data()
    if model == "teacher":
        base = _trained("teacher")
    else:
        base = _model("student", 1)
        base.load_state_dict(_distilled_state())
    snapshots = impl.iterative_prune(base, X.clone(), y.clone(), levels=levels)
    return {
        "levels": list(levels),
        "sparsities": [_sparsities(m) for m in snapshots],
        "accuracies": [evaluate(m, X_test, y_test) for m in snapshots],
        "expected": [
            [round(level * layer.weight.numel()) / layer.weight.numel() for layer in _linears(base)] for level in levels
        ],
    }


def _distill(impl):
    import torch

    from reference_impls.torch.digits_compression import evaluate

    X, y, X_test, y_test = _data()
    teacher = _trained("teacher")
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    student = impl.distill(teacher, _model("student", 1), X.clone(), y.clone())
    changed = [k for k, v in teacher.state_dict().items() if not torch.equal(v, before[k])]
    return {"accuracy": evaluate(student, X_test, y_test), "teacher_changed": changed}


def train_steps_cases():
    yield Case("3_steps", (), {"step": "train"}, note="3 steps from a given 64-16-10 model, 200 images")


def iterative_steps_cases():
    yield Case(
        "30_60_3_steps",
        (),
        {"step": "iterative"},
        note="levels 30 % and 60 %, 3 fine-tuning steps each, from a given 64-16-10 model, 200 images",
    )


def distill_steps_cases():
    yield Case(
        "T3_alpha07",
        (),
        {"step": "distill", "T": 3.0, "alpha": 0.7},
        note="3 steps at T = 3, alpha = 0.7 from a given 64-16-10 student, the trained teacher, 200 images",
    )
    yield Case("defaults", (), {"step": "distill"}, note="3 steps at T = 4, alpha = 0.9")


def _steps(impl, step, **kwargs):
    """The logits (on 64 test images) after a few steps of full-batch Adam, as the task prescribes them."""
    import torch

    X, y, X_test, _ = _data()
    X, y = X[:200].clone(), y[:200].clone()
    model = _model("student", 3)
    if step == "train":
        models = [impl.train_classifier(model, X, y, steps=3)]
    elif step == "iterative":
        models = impl.iterative_prune(model, X, y, levels=(0.3, 0.6), finetune_steps=3)
    else:
        models = [impl.distill(_trained("teacher"), model, X, y, steps=3, **kwargs)]
    out = {}
    for n, m in enumerate(models):
        m.eval()
        with torch.no_grad():
            out[f"model{n}"] = m(X_test[:64]).double().numpy()
    return out


def teacher_cases():
    yield Case("50_steps", (), {"steps": 50}, note="a 64-64-10 teacher; the check measures its test accuracy")


def iterative_cases():
    yield Case("teacher_30_50_70", (), {"model": "teacher", "levels": (0.3, 0.5, 0.7)}, note="the reference's teacher")
    yield Case("student_50", (), {"model": "student", "levels": (0.5,)}, note="a distilled student pruned (step 4)")


def distill_cases():
    yield Case("student_64_16_10", (), note="the reference's teacher, a 64-16-10 student")


def _judge_train(expected, actual, case):
    if actual["accuracy"] >= THRESHOLDS["teacher"]:
        return None
    return (
        f"test accuracy {actual['accuracy']:.3f} is under {THRESHOLDS['teacher']} after training the teacher "
        "(the reference reaches ~0.98 in 50 full-batch Adam steps at lr 2e-2)"
    )


def _judge_iterative(expected, actual, case):
    threshold = THRESHOLDS["pruned" if case.kwargs["model"] == "teacher" else "student_pruned"]
    if len(actual["sparsities"]) != len(actual["levels"]):
        return f"{len(actual['sparsities'])} models returned for {len(actual['levels'])} levels: one copy per level"
    for level, got, want, acc in zip(actual["levels"], actual["sparsities"], actual["expected"], actual["accuracies"]):
        if any(abs(g - w) > 1e-9 for g, w in zip(got, want)):
            shown = ", ".join(f"{g:.1%}" for g in got)
            return f"at level {level:.0%} the Linear weights are {shown} zero, not {level:.0%} each"
        if acc < threshold:
            return f"at level {level:.0%} the test accuracy is {acc:.3f}, under {threshold}: fine-tune after pruning"
    return None


def _judge_distill(expected, actual, case):
    if actual["teacher_changed"]:
        return f"distillation changed the teacher ({', '.join(actual['teacher_changed'])}): it must stay frozen"
    if actual["accuracy"] < THRESHOLDS["student"]:
        return f"the student's test accuracy is {actual['accuracy']:.3f}, under {THRESHOLDS['student']}"
    return None


# -- compare_variants ---------------------------------------------------------------------------------------


def compare_cases():
    yield Case(
        "pruned_and_student",
        (),
        {},
        note="a teacher, its copies pruned 50% (in place) and 60% (torch.nn.utils.prune), a student",
    )
    yield Case(
        "pruned_baseline",
        (),
        {"pruned_baseline": True},
        note="the baseline itself pruned 30 %: its parameters are its non-zero ones, not its total",
    )


def _compare(impl, pruned_baseline=False):
    import copy

    import torch.nn.utils.prune as torch_prune

    from reference_impls.torch.digits_compression import magnitude_prune

    _, _, X_test, y_test = _data()
    teacher = _trained("teacher")
    if pruned_baseline:
        magnitude_prune(teacher, 0.3)
    zeroed = copy.deepcopy(teacher)
    magnitude_prune(zeroed, 0.5)
    reparametrized = copy.deepcopy(teacher)
    for layer in _linears(reparametrized):
        torch_prune.l1_unstructured(layer, "weight", amount=0.6)
    variants = {"pruned_50": zeroed, "torch_pruned_60": reparametrized, "student": _trained("student", 1, 20)}
    rows = impl.compare_variants(teacher, variants, X_test, y_test)
    return {
        name: {
            key: np.float64(float(rows[name][key]))
            for key in ("parameters", "accuracy", "reduction_pct", "accuracy_drop")
        }
        for name in variants
    }


# -- known mistakes ------------------------------------------------------------------------------------------


def _evaluate_train_mode(model, X, y):
    import torch

    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def _count_all(model):
    n = sum(p.numel() for p in model.parameters())
    return n, n


def _prune_of_remaining(model, sparsity):
    import torch

    masks = {}
    for n, layer in enumerate(_linears(model)):
        w = layer.weight.data
        alive = w != 0
        k = round(sparsity * int(alive.sum()))  # the mistake: a fraction of the weights still non-zero
        mask = torch.ones_like(w)
        if k:
            scores = torch.where(alive, w.abs(), torch.full_like(w, float("inf")))
            mask.view(-1)[torch.topk(scores.reshape(-1), k, largest=False).indices] = 0
        w.mul_((mask.bool() & alive).to(w.dtype))
        masks[n] = mask
    return masks


def _prune_globally(model, sparsity):
    import torch

    weights = [layer.weight.data for layer in _linears(model)]
    flat = torch.cat([w.reshape(-1) for w in weights])
    k = round(sparsity * flat.numel())
    if k:
        threshold = torch.topk(flat.abs(), k, largest=False).values[-1]
        for w in weights:
            w.mul_((w.abs() > threshold).to(w.dtype))
    return {}


def _regrown(case, actual, expected):
    return isinstance(actual, dict) and any(
        any(g < w - 1e-9 for g, w in zip(got, want))
        for got, want in zip(actual.get("sparsities", []), actual.get("expected", []))
    )


def _deepcopy_of_pruned(case, actual, expected):
    return "support the deepcopy protocol" in str(getattr(actual, "message", ""))


def _teacher_changed(case, actual, expected):
    return isinstance(actual, dict) and bool(actual.get("teacher_changed"))


EXERCISE = Exercise.of(
    info("digits_compression"),
    preamble="""import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
""",
    task=f"""Module 1.3's capstone (prune and distill BERT-base on SST-2) at a CPU's scale: an MLP teacher on
scikit-learn's 8x8 digits (shipped: reference_impls.data.digits_split() gives X_train (1438, 8, 8),
y_train, X_test (359, 8, 8), y_test), pruned iteratively to 30/50/70 %, distilled into a smaller
student, and every variant compared. The checks build the models (nn.Sequential: Flatten, Linear,
ReLU, Dropout, ..., Linear) and hand you float32 images and int64 labels; the same code runs on BERT.

1. `train_classifier(model, X, y, steps=50, lr=2e-2, seed=0)`: torch.manual_seed(seed), then train in
   place on the cross-entropy, `steps` full-batch Adam steps at `lr` (torch's defaults otherwise), and
   return the model. Every training below is such full-batch Adam steps. The check trains
   a 64-64-10 teacher and wants >= {THRESHOLDS["teacher"]} test accuracy (the reference: ~0.98 after 50 full-batch Adam steps).
2. `evaluate(model, X, y)`: the accuracy, a float in [0, 1], in eval mode (dropout off, batch norm
   on its running statistics) and without gradients.
3. `count_parameters(model)`: (total, non-zero) over the weights and biases the forward pass uses. A
   layer pruned with torch.nn.utils.prune holds weight_orig (dense) and computes weight = weight_orig
   * weight_mask: count `weight`.
4. `magnitude_prune(model, sparsity)`: in every nn.Linear, zero the round(sparsity * numel) weights of
   smallest |w|, biases kept; the sparsity is a fraction of ALL the layer's weights (50 % after 30 %
   zeroes 20 % more, not half of what is left). Return the masks (any form you use). torch.nn.utils.
   prune.l1_unstructured does this per layer, but on an already pruned layer its `amount` is a
   fraction of the weights still unpruned.
5. `iterative_prune(model, X, y, levels=(0.3, 0.5, 0.7), finetune_steps=15, lr=1e-2, seed=0)`: for each
   level, prune to it and fine-tune (finetune_steps steps of a fresh Adam) with the pruned weights held
   at zero (Adam's momentum moves them
   back: re-apply the mask after every step, or let torch.nn.utils.prune's reparametrization do it);
   return a copy of the model after each level (copy.deepcopy; a layer pruned with torch.nn.utils.
   prune copies once a forward pass under torch.no_grad() has recomputed its weight). Checked: the exact sparsity of every
   layer, and >= {THRESHOLDS["pruned"]} test accuracy at each level (step 4: a distilled student pruned
   to 50 %: >= {THRESHOLDS["student_pruned"]}).
6. `distill(teacher, student, X, y, T=4.0, alpha=0.9, steps=50, lr=2e-2, seed=0)`: train the student in
   place (`steps` steps) on alpha T^2 KL(softmax(teacher / T) || softmax(student / T)) + (1 - alpha)
   CE(student, y) (batchmean KL); the teacher frozen and in eval mode: it must come out unchanged. A 64-16-10
   student: >= {THRESHOLDS["student"]} test accuracy.
7. `compare_variants(baseline, variants, X, y)`: for each name of the dict `variants`, {{"parameters":
   non-zero parameters, "accuracy": evaluate(...), "reduction_pct": 100 (1 - parameters / baseline's),
   "accuracy_drop": 100 (baseline's accuracy - variant's), in percentage points}}.

The reference, with its table: python -m reference_impls.torch.digits_compression""",
    entry_points=(
        EntryPoint(
            "train_classifier",
            "(model, X, y, steps=50, lr=2e-2, seed=0)",
            "Train `model` in place on the cross-entropy of its logits; return it.",
        ),
        EntryPoint("evaluate", "(model, X, y)", "Accuracy in eval mode, a float in [0, 1]."),
        EntryPoint("count_parameters", "(model)", "(total, non-zero) over the parameters the forward pass uses."),
        EntryPoint(
            "magnitude_prune",
            "(model, sparsity)",
            "Zero round(sparsity * numel) smallest |w| in every nn.Linear weight, in place; return the masks.",
        ),
        EntryPoint(
            "iterative_prune",
            "(model, X, y, levels=(0.3, 0.5, 0.7), finetune_steps=15, lr=1e-2, seed=0)",
            "Prune to each level and fine-tune with the pruned weights held at zero; a copy per level.",
        ),
        EntryPoint(
            "distill",
            "(teacher, student, X, y, T=4.0, alpha=0.9, steps=50, lr=2e-2, seed=0)",
            "Train `student` in place on the distillation loss; the teacher frozen. Return the student.",
        ),
        EntryPoint(
            "compare_variants",
            "(baseline, variants, X, y)",
            'name -> {"parameters", "accuracy", "reduction_pct", "accuracy_drop"} for each variant.',
        ),
    ),
    checks=(
        Check(
            "evaluate",
            "evaluate",
            evaluate_cases,
            call=_evaluate,
            tolerance=FRACTIONS,
            description="models left in train mode: dropout 0.5, batch norm; the whole test set; one image",
        ),
        Check(
            "count_parameters",
            "count_parameters",
            count_cases,
            call=_count,
            description="dense, weights zeroed in place, pruned with torch.nn.utils.prune (weight_orig)",
        ),
        Check(
            "magnitude_prune",
            "magnitude_prune",
            prune_cases,
            call=_prune,
            description="30 %, 70 %, 50 % after 30 %, 90 % of three layers, 0 %: the weights and biases after",
        ),
        *(
            Check(
                f"{entry}_steps",
                entry,
                cases,
                call=_steps,
                tolerance=STEPS,
                description=f"3 full-batch Adam steps ({what}) from a given model: the logits",
            )
            for entry, cases, what in (
                ("train_classifier", train_steps_cases, "training"),
                ("iterative_prune", iterative_steps_cases, "fine-tuning at 30 % and 60 %"),
                ("distill", distill_steps_cases, "distillation at T 3 and 4"),
            )
        ),
        Check(
            "teacher",
            "train_classifier",
            teacher_cases,
            call=_train,
            compare=_judge_train,
            reference_output=False,
            description=f"a 64-64-10 teacher: test accuracy >= {THRESHOLDS['teacher']}",
        ),
        Check(
            "iterative_prune",
            "iterative_prune",
            iterative_cases,
            call=_iterative,
            compare=_judge_iterative,
            reference_output=False,
            description=(
                f"the teacher at 30/50/70 %, a distilled student at 50 %: exact sparsity per layer, test "
                f"accuracy >= {THRESHOLDS['pruned']} / {THRESHOLDS['student_pruned']}"
            ),
        ),
        Check(
            "distill",
            "distill",
            distill_cases,
            call=_distill,
            compare=_judge_distill,
            reference_output=False,
            description=f"a 64-16-10 student: test accuracy >= {THRESHOLDS['student']}, the teacher unchanged",
        ),
        Check(
            "compare_variants",
            "compare_variants",
            compare_cases,
            call=_compare,
            tolerance=FRACTIONS,
            description="a teacher against its copies pruned 50 % (in place) and 60 % (torch.nn.utils.prune) and a student",
        ),
    ),
    equivalent_mutants=(
        *(
            Equivalent(
                "magnitude_prune",
                "if k > 0:",
                edit,
                "topk of 0 entries selects none: with k = 0 the mask stays all ones either way",
            )
            for edit in ("k >= 0", "k > (-1)")
        ),
    ),
    probes=(
        Probe(
            "the model was evaluated in train mode: call model.eval() first (dropout drops units, batch norm "
            "uses the batch's statistics), and torch.no_grad()",
            impl={"evaluate": _evaluate_train_mode},
            checks=("evaluate",),
        ),
        Probe(
            "the zeros were counted as parameters: count the non-zero entries (tensor.count_nonzero()) of "
            "what the forward pass uses; for torch.nn.utils.prune that is module.weight, not weight_orig",
            impl={"count_parameters": _count_all},
            checks=("count_parameters",),
        ),
        Probe(
            "the pruned layer's weight_orig was counted: with torch.nn.utils.prune the forward pass uses "
            "module.weight (= weight_orig * weight_mask); model.parameters() yields the dense weight_orig",
            impl="wrong/digits_compression/counts_weight_orig.py",
            checks=("count_parameters",),
        ),
        Probe(
            "the sparsity was taken as a fraction of the weights still non-zero: it is a fraction of all the "
            "layer's weights (from 30 % to 50 % zero 20 % more)",
            impl={"magnitude_prune": _prune_of_remaining},
            checks=("magnitude_prune",),
        ),
        Probe(
            "the weights were ranked across all layers (global pruning): rank each nn.Linear's weights on "
            "their own, so that every layer reaches the sparsity",
            impl={"magnitude_prune": _prune_globally},
            checks=("magnitude_prune",),
        ),
        Probe(
            "the biases were pruned too: prune only the Linear weights",
            impl="wrong/digits_compression/prune_biases.py",
            checks=("magnitude_prune",),
        ),
        Probe(
            "pruned weights grew back during fine-tuning: re-apply the masks after every optimizer step "
            "(with torch.no_grad(): weight.mul_(mask)); Adam's momentum moves a zeroed weight even when its "
            "gradient is masked",
            when=_regrown,
            checks=("iterative_prune",),
        ),
        Probe(
            "copy.deepcopy failed on a layer pruned with torch.nn.utils.prune: after a backward pass its "
            "`weight` is not a leaf tensor; run one forward pass under torch.no_grad() before copying (it "
            "recomputes weight = weight_orig * weight_mask without a graph)",
            when=_deepcopy_of_pruned,
            checks=("iterative_prune",),
        ),
        Probe(
            "the teacher changed: compute its logits under torch.no_grad() in eval mode and give the "
            "optimizer only the student's parameters",
            when=_teacher_changed,
            checks=("distill",),
        ),
    ),
)
