"""The distillation loss against F.kl_div(batchmean) + F.cross_entropy, its gradient, and the T^2 scaling."""

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.distill import distillation_loss


def _logits(seed, n=6, c=5, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return (
        torch.randn(n, c, generator=g, dtype=dtype) * 3,
        torch.randn(n, c, generator=g, dtype=dtype) * 3,
        torch.randint(0, c, (n,), generator=g),
    )


@pytest.mark.parametrize("T, alpha", [(1.0, 0.5), (2.0, 0.9), (4.0, 0.5), (8.0, 1.0), (3.0, 0.0)])
def test_matches_kl_div_batchmean_plus_cross_entropy(T, alpha):
    s, t, y = _logits(int(T * 10))
    s1, s2 = s.clone().requires_grad_(), s.clone().requires_grad_()
    ours = distillation_loss(s1, t, y, T, alpha)
    soft = F.kl_div(F.log_softmax(s2 / T, -1), F.softmax(t / T, -1), reduction="batchmean")
    want = alpha * T * T * soft + (1 - alpha) * F.cross_entropy(s2, y)
    torch.testing.assert_close(ours, want, rtol=1e-12, atol=1e-12)
    ours.backward(), want.backward()
    torch.testing.assert_close(s1.grad, s2.grad, rtol=1e-10, atol=1e-12)
    # by hand: d/ds = alpha T (q_T - p_T) / N + (1 - alpha) (softmax(s) - onehot) / N
    q, p = F.softmax(s / T, -1), F.softmax(t / T, -1)
    hand = (alpha * T * (q - p) + (1 - alpha) * (F.softmax(s, -1) - F.one_hot(y, 5))) / len(y)
    torch.testing.assert_close(s1.grad, hand, rtol=1e-10, atol=1e-12)


def test_the_teacher_gets_no_gradient_and_identical_logits_cost_only_the_hard_term():
    s, _, y = _logits(1)
    t = s.clone().requires_grad_()
    loss = distillation_loss(s, t, y, T=3.0, alpha=0.7)
    torch.testing.assert_close(loss, 0.3 * F.cross_entropy(s, y))
    assert not loss.requires_grad or t.grad is None


def test_t_squared_keeps_the_soft_gradient_scale():
    """Without T^2 the soft gradient would shrink ~1/T^2; with it, its size stays of the same order."""
    s, t, y = _logits(2)
    norms = []
    for T in (2.0, 8.0):
        x = s.clone().requires_grad_()
        distillation_loss(x, t, y, T, alpha=1.0).backward()
        norms.append(x.grad.norm().item())
    assert 0.3 < norms[1] / norms[0] < 3
