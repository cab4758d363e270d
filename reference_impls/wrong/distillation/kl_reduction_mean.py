"""Wrong: F.kl_div(..., reduction="mean") averages over N * C elements; the KL divergence per example is a
sum over the classes, so reduction="batchmean" (PyTorch warns about exactly this)."""

import torch.nn.functional as F

EXPECTED_HINT = 'reduction="batchmean"'


def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    soft = F.kl_div(
        F.log_softmax(student_logits / T, dim=-1),
        F.softmax(teacher_logits.detach() / T, dim=-1),
        reduction="mean",  # the mistake: "batchmean"
    )
    return alpha * T**2 * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)
