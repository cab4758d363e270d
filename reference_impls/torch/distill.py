"""Knowledge distillation loss: the student matches the teacher's softened distribution and the labels.

Hinton, Vinyals, Dean 2015, "Distilling the Knowledge in a Neural Network" (arXiv:1503.02531), Sec. 2:

    p_T = softmax(teacher_logits / T),  q_T = softmax(student_logits / T)
    loss = alpha * T^2 * KL(p_T || q_T)  +  (1 - alpha) * CE(student_logits, labels)

A temperature T > 1 flattens the teacher's distribution, so the small probabilities it gives to the
wrong classes ("a 2 looks more like a 3 than a 7": the dark knowledge) carry gradient. The soft
term's gradient scales as 1/T^2 (dKL/dz = (q_T - p_T) / T, and q_T - p_T itself shrinks ~1/T), so
multiplying by T^2 keeps the two terms' relative weight when T changes.

KL is averaged over the batch (sum over classes, mean over examples): F.kl_div(log q_T, p_T,
reduction="batchmean"); reduction="mean" would also divide by the number of classes. F.kl_div takes
the student's LOG-probabilities first and the teacher's probabilities second: KL(p_T || q_T).

Limits: logits (N, C) with integer labels; no per-example weights; the teacher's logits are taken
as constants (detached).
"""

import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    log_q = F.log_softmax(student_logits / T, dim=-1)  # (N, C) student, softened
    log_p = F.log_softmax(teacher_logits.detach() / T, dim=-1)  # (N, C) teacher, softened
    soft = (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()  # KL(p || q), batchmean
    hard = F.cross_entropy(student_logits, labels)
    return alpha * T**2 * soft + (1 - alpha) * hard
