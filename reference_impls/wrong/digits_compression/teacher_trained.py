"""Wrong: the optimizer gets the teacher's parameters too, and the soft targets keep their graph."""

import torch
import torch.nn.functional as F

from reference_impls.torch.digits_compression import (  # noqa: F401
    compare_variants,
    count_parameters,
    evaluate,
    iterative_prune,
    magnitude_prune,
    train_classifier,
)

EXPECTED_HINT = "the teacher changed"


def distill(teacher, student, X, y, T=4.0, alpha=0.9, steps=100, lr=1e-2, seed=0):
    torch.manual_seed(seed)
    params = list(student.parameters()) + list(teacher.parameters())  # the mistake: the teacher is trained too
    optimizer = torch.optim.Adam(params, lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        logits = student(X)
        soft_targets = F.softmax(teacher(X) / T, dim=1)
        soft = F.kl_div(F.log_softmax(logits / T, dim=1), soft_targets, reduction="batchmean")
        (alpha * T**2 * soft + (1 - alpha) * F.cross_entropy(logits, y)).backward()
        optimizer.step()
    return student
