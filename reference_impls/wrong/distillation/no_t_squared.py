"""Wrong: the soft term is not multiplied by T^2, so its gradients shrink as 1 / T^2 against the hard term's."""

import torch.nn.functional as F

EXPECTED_HINT = "the T^2 factor is missing"


def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    soft = F.kl_div(
        F.log_softmax(student_logits / T, dim=-1), F.softmax(teacher_logits.detach() / T, dim=-1), reduction="batchmean"
    )
    return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)  # the mistake: alpha * T**2 * soft
