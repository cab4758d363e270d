"""Correct, in the style of PyTorch's pruning tutorial: torch.nn.utils.prune's l1_unstructured keeps
weight_orig and a weight_mask, so fine-tuning cannot regrow a pruned weight (the forward pass multiplies
by the mask); a later level's amount is a count of the weights still unpruned, as the API wants it."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune


def train_classifier(model, X, y, steps=50, lr=2e-2, seed=0):
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        loss = F.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


@torch.inference_mode()
def _logits(model, X):
    return model(X)


def evaluate(model, X, y):
    was_training = model.training
    model.eval()
    correct = (_logits(model, X).argmax(-1) == y).sum().item()
    model.train(was_training)
    return correct / len(y)


def count_parameters(model):
    total = nonzero = 0
    for module in model.modules():
        for name, _ in module.named_parameters(recurse=False):
            tensor = getattr(module, name.removesuffix("_orig"))  # the masked weight when pruned
            total += tensor.numel()
            nonzero += int((tensor != 0).sum())
    return total, nonzero


def magnitude_prune(model, sparsity):
    masks = {}
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear):
            target = round(sparsity * module.weight.numel())
            already = int((module.weight == 0).sum())
            prune.l1_unstructured(module, "weight", amount=max(target - already, 0))
            masks[name] = module.weight_mask
    return masks


def iterative_prune(model, X, y, levels=(0.3, 0.5, 0.7), finetune_steps=15, lr=1e-2, seed=0):
    torch.manual_seed(seed)
    results = []
    for level in levels:
        magnitude_prune(model, level)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        model.train()
        for _ in range(finetune_steps):
            optimizer.zero_grad()
            F.cross_entropy(model(X), y).backward()
            optimizer.step()
        with torch.no_grad():
            model(X[:1])  # recomputes weight = weight_orig * weight_mask without a graph: deepcopy needs leaves
        results.append(copy.deepcopy(model))
    return results


def distill(teacher, student, X, y, T=4.0, alpha=0.9, steps=50, lr=2e-2, seed=0):
    torch.manual_seed(seed)
    teacher.eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    optimizer = torch.optim.Adam(student.parameters(), lr=lr)
    student.train()
    for _ in range(steps):
        with torch.no_grad():
            teacher_logits = teacher(X)
        student_logits = student(X)
        soft = F.kl_div(
            F.log_softmax(student_logits / T, dim=-1),
            F.log_softmax(teacher_logits / T, dim=-1),
            reduction="batchmean",
            log_target=True,
        )
        loss = alpha * soft * T * T + (1 - alpha) * F.cross_entropy(student_logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return student


def compare_variants(baseline, variants, X, y):
    base_params = count_parameters(baseline)[1]
    base_acc = evaluate(baseline, X, y)
    table = {}
    for name, model in variants.items():
        params = count_parameters(model)[1]
        acc = evaluate(model, X, y)
        table[name] = dict(
            parameters=params,
            accuracy=acc,
            reduction_pct=(base_params - params) / base_params * 100,
            accuracy_drop=(base_acc - acc) * 100,
        )
    return table
