"""Compressing a classifier: a trained teacher, iterative magnitude pruning, a distilled student, a comparison.

Module 1.3's capstone (BERT-base on SST-2 pruned at 30/50/70 % and distilled into DistilBERT) at a size
that trains in a second on a CPU: an MLP teacher and a smaller MLP student on scikit-learn's 8x8
digits (reference_impls/data/digits.npz). What the capstone is about survives the scale:

- Iterative pruning (Han et al. 2015; Frankle & Carbin 2019): prune the smallest |w| of every Linear
  weight to a rising sparsity (a fraction of ALL the layer's weights, not of those left), fine-tune
  with the pruned weights held at zero (the mask re-applied after every optimizer step), repeat.
- Distillation (Hinton et al. 2015): the student learns alpha * T^2 * KL(teacher_T || student_T) +
  (1 - alpha) * CE; the teacher is frozen, in eval mode.
- The comparison counts the effective parameters: non-zero entries of the weights the forward pass
  uses (for a module pruned with torch.nn.utils.prune that is `weight`, not `weight_orig`).

Pruning equals torch.nn.utils.prune.l1_unstructured per layer, evaluation sklearn's accuracy_score,
the loss the distillation exercise's (tests/reference/test_digits.py). Limits: full-batch training
(the data set is small); Linear layers only (a conv net would prune its Conv2d weights the same way).
"""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(sizes, dropout=0.0, seed=0):
    """Flatten, then Linear-ReLU(-Dropout) layers of the given widths; the last Linear gives the logits."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = [nn.Flatten()]
    for n, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if n < len(sizes) - 2:
            layers.append(nn.ReLU())
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def train_classifier(model, X, y, steps=50, lr=2e-2, seed=0):
    """Full-batch Adam on the cross-entropy for `steps` steps (torch.manual_seed(seed) first); in place."""
    torch.manual_seed(seed)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(model(X), y).backward()
        optimizer.step()
    return model


def evaluate(model, X, y):
    """Accuracy (a float in [0, 1]) in eval mode (dropout off, batch norm on its running statistics)."""
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).sum().item() / len(y)


def _effective_parameters(model):
    """(name, tensor) of every parameter as the forward pass uses it: `weight`, not `weight_orig`."""
    for module_name, module in model.named_modules():
        for name, p in module.named_parameters(recurse=False):
            if name.endswith("_orig"):  # torch.nn.utils.prune: weight = weight_orig * weight_mask
                name = name[: -len("_orig")]
                p = getattr(module, name)
            yield f"{module_name}.{name}" if module_name else name, p


def count_parameters(model):
    """(total, non-zero) over every parameter the forward pass uses, weights and biases."""
    total = nonzero = 0
    for _, p in _effective_parameters(model):
        total += p.numel()
        nonzero += int(p.count_nonzero())
    return total, nonzero


def magnitude_prune(model, sparsity):
    """Zero, in every nn.Linear weight, the round(sparsity * numel) entries of smallest |w| (biases
    kept); return {module name: 0/1 float mask}."""
    masks = {}
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear):
            w = module.weight.data
            k = round(sparsity * w.numel())
            mask = torch.ones_like(w)
            if k > 0:
                mask.view(-1)[torch.topk(w.abs().reshape(-1), k, largest=False).indices] = 0
            w.mul_(mask)
            masks[name] = mask
    return masks


def iterative_prune(model, X, y, levels=(0.3, 0.5, 0.7), finetune_steps=15, lr=1e-2, seed=0):
    """Prune to each level in turn and fine-tune with the pruned weights held at zero; a copy of the
    model after each level's fine-tuning."""
    torch.manual_seed(seed)
    linears = dict(model.named_modules())
    snapshots = []
    for level in levels:
        masks = magnitude_prune(model, level)
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(finetune_steps):
            optimizer.zero_grad()
            F.cross_entropy(model(X), y).backward()
            optimizer.step()
            with torch.no_grad():
                for name, mask in masks.items():
                    linears[name].weight.mul_(mask)  # Adam's momentum would regrow them
        snapshots.append(copy.deepcopy(model))
    return snapshots


def distill(teacher, student, X, y, T=4.0, alpha=0.9, steps=50, lr=2e-2, seed=0):
    """Train `student` (in place) on alpha T^2 KL(teacher_T || student_T) + (1 - alpha) CE; the teacher
    is frozen and in eval mode."""
    torch.manual_seed(seed)
    teacher.eval()
    with torch.no_grad():
        soft_targets = F.softmax(teacher(X) / T, dim=1)
    student.train()
    optimizer = torch.optim.Adam(student.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        logits = student(X)
        soft = F.kl_div(F.log_softmax(logits / T, dim=1), soft_targets, reduction="batchmean")
        loss = alpha * T**2 * soft + (1 - alpha) * F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
    return student


def compare_variants(baseline, variants, X, y):
    """{name: {"parameters", "accuracy", "reduction_pct", "accuracy_drop"}} for each variant against
    the baseline: non-zero parameters, test accuracy, 100 (1 - parameters / baseline's), and the
    accuracy lost in percentage points (100 (baseline's - variant's))."""
    base_params = count_parameters(baseline)[1]
    base_acc = evaluate(baseline, X, y)
    rows = {}
    for name, model in variants.items():
        params = count_parameters(model)[1]
        acc = evaluate(model, X, y)
        rows[name] = {
            "parameters": params,
            "accuracy": acc,
            "reduction_pct": 100.0 * (1.0 - params / base_params),
            "accuracy_drop": 100.0 * (base_acc - acc),
        }
    return rows


if __name__ == "__main__":  # the pipeline, with its table: python -m reference_impls.torch.digits_compression
    from reference_impls.data import digits_split

    X_train, y_train, X_test, y_test = (torch.from_numpy(a) for a in digits_split())
    teacher = train_classifier(mlp([64, 64, 10], dropout=0.1), X_train, y_train)
    pruned = iterative_prune(copy.deepcopy(teacher), X_train, y_train)
    student = distill(teacher, mlp([64, 16, 10], seed=1), X_train, y_train)
    pruned_student = iterative_prune(copy.deepcopy(student), X_train, y_train, levels=(0.5,))[-1]
    variants = {"teacher": teacher, **{f"pruned {lv:.0%}": m for lv, m in zip((0.3, 0.5, 0.7), pruned)}}
    variants |= {"student": student, "student pruned 50%": pruned_student}
    rows = compare_variants(teacher, variants, X_test, y_test)
    print(f"{'variant':<20} {'parameters':>10} {'accuracy':>9} {'reduction':>10} {'drop':>7}")
    for name, row in rows.items():
        print(
            f"{name:<20} {row['parameters']:>10} {row['accuracy']:>9.3f} {row['reduction_pct']:>9.1f}% "
            f"{row['accuracy_drop']:>6.1f}"
        )
