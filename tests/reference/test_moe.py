"""moe.py against a per-token loop over the chosen experts, and the Switch loss's known values."""

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.moe import MoE


def slow_moe(moe, x):
    """One token at a time: route, weight, sum the chosen experts; Switch's f and P by counting."""
    tokens = x.reshape(-1, x.size(-1))
    E = len(moe.experts)
    out, f, P = [], torch.zeros(E, dtype=x.dtype), torch.zeros(E, dtype=x.dtype)
    for t in tokens:
        probs = torch.softmax(t @ moe.gate.weight.T, -1)
        ranked = sorted(range(E), key=lambda e: -probs[e].item())[: moe.top_k]
        w = probs[ranked] / (probs[ranked].sum() if moe.normalize else 1)
        out.append(sum(wi * moe.experts[e](t) for wi, e in zip(w, ranked)))
        f[ranked[0]] += 1 / len(tokens)
        P += probs / len(tokens)
    return torch.stack(out).view_as(x), E * (f * P).sum()


@pytest.mark.parametrize(
    "E, k, normalize", [(4, 2, True), (8, 2, True), (4, 1, False), (4, 1, True), (6, 3, True), (3, 3, True)]
)
def test_matches_the_per_token_loop(E, k, normalize):
    torch.manual_seed(E * 10 + k)
    moe = MoE(8, 16, E, k, normalize).double()
    x = torch.randn(3, 5, 8, dtype=torch.float64)
    y, loss = moe(x)
    want_y, want_loss = slow_moe(moe, x)
    torch.testing.assert_close(y, want_y)
    torch.testing.assert_close(loss, want_loss)


def test_expert_is_swiglu_and_all_experts_with_uniform_gate_average():
    torch.manual_seed(0)
    moe = MoE(4, 8, 3, top_k=3).double()
    e = moe.experts[0]
    x = torch.randn(2, 4, dtype=torch.float64)
    torch.testing.assert_close(e(x), (F.silu(x @ e.w1.weight.T) * (x @ e.w3.weight.T)) @ e.w2.weight.T)
    with torch.no_grad():
        moe.gate.weight.zero_()  # uniform router, k = E: the plain average of the experts
    y, loss = moe(x[None])
    torch.testing.assert_close(y[0], sum(exp(x) for exp in moe.experts) / 3)
    torch.testing.assert_close(
        loss, torch.tensor(1.0, dtype=torch.float64)
    )  # balanced routing: E * sum (1/E)(1/E)... = 1


def test_switch_loss_grows_with_imbalance_and_only_p_carries_gradient():
    torch.manual_seed(1)
    moe = MoE(4, 8, 4, top_k=1, normalize=False)
    with torch.no_grad():
        moe.gate.weight.zero_()
        moe.gate.weight[2] = 10.0  # every token prefers expert 2
    x = torch.rand(1, 16, 4) + 0.5
    _, loss = moe(x)
    assert loss.item() > 3.5  # -> E = 4 when one expert takes every token with probability ~1
    loss.backward()
    assert moe.gate.weight.grad.abs().sum() > 0
