"""Wrong: softens only the teacher; the student's log-probabilities use T = 1."""

import torch.nn.functional as F

EXPECTED_HINT = "the student's logits were not divided by T"


def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    soft = F.kl_div(
        F.log_softmax(student_logits, dim=-1), F.softmax(teacher_logits.detach() / T, dim=-1), reduction="batchmean"
    )
    return alpha * T**2 * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)
