"""Exercise: the knowledge-distillation loss with temperature: T^2 * KL of softened distributions + hard-label CE."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe


def _loss_and_grad(impl, student, teacher, labels, T=4.0, alpha=0.5):
    """The loss, and its gradient with respect to the student's logits."""
    import torch

    s = torch.from_numpy(student).clone().requires_grad_()
    loss = impl.distillation_loss(s, torch.from_numpy(teacher), torch.from_numpy(labels), T, alpha)
    loss.backward()
    return {"loss": loss.detach().numpy().copy(), "grad": s.grad.numpy().copy()}


def cases():
    for k, (n, c, T, alpha, dtype, note) in enumerate(
        [
            (8, 5, 4.0, 0.5, "float32", ""),
            (6, 10, 2.0, 0.9, "float64", ""),
            (4, 3, 1.0, 0.5, "float32", "T = 1: plain softmax distributions"),
            (5, 7, 8.0, 1.0, "float64", "alpha 1: the soft term only; without the T^2 factor it would be 64x smaller"),
            (5, 4, 3.0, 0.0, "float32", "alpha 0: cross-entropy with the labels only"),
            (1, 6, 5.0, 0.7, "float64", "a batch of one: batchmean divides by 1"),
        ]
    ):
        rng = np.random.default_rng(2900 + k)
        yield Case(
            f"N{n}_C{c}_T{T:g}_alpha{alpha:g}",
            (
                (rng.standard_normal((n, c)) * 3).astype(dtype),
                (rng.standard_normal((n, c)) * 3).astype(dtype),
                rng.integers(0, c, n).astype(np.int64),
            ),
            {"T": T, "alpha": alpha},
            seed=2900 + k,
            note=note,
        )


# -- known mistakes: each a variant of the soft term ---------------------------------------------------


def _variant(soft_fn, t_squared=True):
    def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
        import torch.nn.functional as F

        soft = soft_fn(student_logits, teacher_logits.detach(), T)
        return alpha * (T**2 if t_squared else 1.0) * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)

    return distillation_loss


def _kl(s, t, T, reduction="batchmean"):
    import torch.nn.functional as F

    return F.kl_div(F.log_softmax(s / T, -1), F.softmax(t / T, -1), reduction=reduction)


def _kl_mean(s, t, T):
    return _kl(s, t, T, reduction="mean")


def _kl_reversed(s, t, T):
    import torch.nn.functional as F

    return F.kl_div(F.log_softmax(t / T, -1), F.softmax(s / T, -1), reduction="batchmean")


def _kl_probabilities(s, t, T):
    import torch.nn.functional as F

    return F.kl_div(F.softmax(s / T, -1), F.softmax(t / T, -1), reduction="batchmean")


def _student_not_softened(s, t, T):
    import torch.nn.functional as F

    return F.kl_div(F.log_softmax(s, -1), F.softmax(t / T, -1), reduction="batchmean")


EXERCISE = Exercise.of(
    info("distillation"),
    preamble="import torch\nimport torch.nn.functional as F\n",
    task="""Hinton et al. 2015: the student matches the teacher's softened distribution and the labels.

`distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5)`:

    p_T = softmax(teacher / T),  q_T = softmax(student / T)
    loss = alpha * T^2 * KL(p_T || q_T) + (1 - alpha) * cross_entropy(student, labels)

- KL summed over classes and averaged over the batch: F.kl_div(log q_T, p_T, reduction="batchmean");
  F.kl_div wants the student's LOG-probabilities first and the teacher's probabilities second.
- T^2: the soft term's gradient shrinks like 1 / T^2; the factor keeps the two terms balanced
  when T changes.
- The teacher is a constant: no gradient flows into it (detach it).

Checked on the loss and its gradient with respect to the student's logits; the reference equals
F.kl_div(batchmean) + F.cross_entropy and the gradient alpha T (q_T - p_T) / N + (1 - alpha)
(softmax - onehot) / N (tests/reference/test_distill.py).""",
    entry_points=(
        EntryPoint(
            "distillation_loss",
            "(student_logits, teacher_logits, labels, T=4.0, alpha=0.5)",
            "Scalar loss: alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(student, labels).",
        ),
    ),
    checks=(
        Check(
            "loss_and_gradient",
            "distillation_loss",
            cases,
            call=_loss_and_grad,
            description="N x C 8x5 / 6x10 / 4x3 / 5x7 / 5x4 / 1x6, T 1 to 8, alpha 0 to 1, float32/64: loss and d loss / d student",
        ),
    ),
    probes=(
        Probe(
            "the T^2 factor is missing: multiply the KL term by T^2 (its gradients scale as 1 / T^2)",
            impl={"distillation_loss": _variant(_kl, t_squared=False)},
        ),
        Probe(
            'reduction="mean" divides by N * C: KL is summed over the classes and averaged over the batch, '
            'reduction="batchmean"',
            impl={"distillation_loss": _variant(_kl_mean)},
        ),
        Probe(
            "KL in the wrong direction: it is KL(teacher || student), F.kl_div(student log-probs, teacher probs)",
            impl={"distillation_loss": _variant(_kl_reversed)},
        ),
        Probe(
            "probabilities passed as F.kl_div's input: its first argument must be LOG-probabilities (log_softmax)",
            impl={"distillation_loss": _variant(_kl_probabilities)},
        ),
        Probe(
            "the student's logits were not divided by T: soften both distributions with the same temperature",
            impl="wrong/distillation/student_not_softened.py",
        ),
    ),
)
