"""Correct, in torch.nn module idioms: nn.KLDivLoss(reduction="batchmean", log_target=True) on the two
log_softmax'ed distributions at temperature T, nn.CrossEntropyLoss on the raw logits, Hinton's T^2."""

import torch
from torch import nn


def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    kl = nn.KLDivLoss(reduction="batchmean", log_target=True)
    ce = nn.CrossEntropyLoss()
    log_softmax = nn.LogSoftmax(dim=-1)
    with torch.no_grad():
        teacher_log_probs = log_softmax(teacher_logits / T)
    soft_loss = kl(log_softmax(student_logits / T), teacher_log_probs) * (T * T)
    return alpha * soft_loss + (1.0 - alpha) * ce(student_logits, labels)
