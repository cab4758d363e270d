"""rope.py against Llama's complex-number RoPE, its relative-position property, and YaRN's formulas."""

import math

import pytest
import torch

from reference_impls.torch.rope import apply_rope, rope_frequencies, yarn_attention_scale, yarn_frequencies


def llama_rope(x, positions, base=10000.0):
    """Meta's llama/model.py: precompute_freqs_cis + apply_rotary_emb (pairs as complex numbers)."""
    d = x.size(-1)
    freqs = 1.0 / (base ** (torch.arange(0, d, 2)[: d // 2].double() / d))
    freqs_cis = torch.polar(
        torch.ones(len(positions), d // 2, dtype=torch.float64), torch.outer(positions.double(), freqs)
    )
    xc = torch.view_as_complex(x.double().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(xc * freqs_cis).flatten(-2)


@pytest.mark.parametrize("d", [2, 8, 64])
def test_matches_llama_complex_form(d):
    g = torch.Generator().manual_seed(d)
    x = torch.randn(2, 3, 11, d, generator=g, dtype=torch.float64)
    pos = torch.arange(11) * 7
    torch.testing.assert_close(apply_rope(x, pos, rope_frequencies(d)), llama_rope(x, pos), rtol=1e-12, atol=1e-12)
    x32 = x.float()
    out = apply_rope(x32, pos, rope_frequencies(d))
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, llama_rope(x32, pos).float(), rtol=1e-5, atol=1e-5)


def test_scores_depend_on_the_relative_position_only():
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(1, 16, generator=g, dtype=torch.float64), torch.randn(1, 16, generator=g, dtype=torch.float64)
    theta = rope_frequencies(16)
    score = lambda m, n: (apply_rope(q, torch.tensor([m]), theta) * apply_rope(k, torch.tensor([n]), theta)).sum()
    for m, n, shift in [(5, 2, 10), (0, 7, 3), (100, 100, 1000)]:
        torch.testing.assert_close(score(m, n), score(m + shift, n + shift))
    torch.testing.assert_close(score(0, 0), (q * k).sum())  # position 0 is the identity
    torch.testing.assert_close(apply_rope(q, torch.tensor([9]), theta).norm(), q.norm())  # a rotation


def paper_yarn(d, base, s, L, alpha, beta):
    """YaRN Sec. 3.2, one dimension at a time: lambda_d, r(d), the ramp gamma, h(theta_d)."""
    out = []
    for i in range(d // 2):
        theta = base ** (-2 * i / d)
        r = L / (2 * math.pi / theta)
        gamma = 0.0 if r < alpha else 1.0 if r > beta else (r - alpha) / (beta - alpha)
        out.append((1 - gamma) * theta / s + gamma * theta)
    return torch.tensor(out, dtype=torch.float64)


@pytest.mark.parametrize(
    "d, base, s, L, alpha, beta",
    [
        (128, 10000.0, 16.0, 4096, 1.0, 32.0),  # Llama 2 at 64k
        (64, 10000.0, 4.0, 2048, 1.0, 32.0),
        (64, 500000.0, 8.0, 8192, 2.0, 16.0),
        (16, 10000.0, 2.0, 64, 1.0, 32.0),
    ],
)
def test_yarn_matches_the_papers_formulas(d, base, s, L, alpha, beta):
    got = yarn_frequencies(d, base, s, L, alpha, beta)
    torch.testing.assert_close(got, paper_yarn(d, base, s, L, alpha, beta), rtol=1e-13, atol=0)
    theta = rope_frequencies(d, base)
    r = L * theta / (2 * math.pi)
    assert torch.equal(got[r > beta], theta[r > beta])  # high frequencies untouched
    torch.testing.assert_close(got[r < alpha], theta[r < alpha] / s)  # low frequencies interpolated
    assert (r > beta).any() or (r < alpha).any()


def test_yarn_scale_one_is_rope_and_the_temperature():
    torch.testing.assert_close(yarn_frequencies(64, 10000.0, 1.0, 2048), rope_frequencies(64))
    assert yarn_attention_scale(1.0) == 1.0 and yarn_attention_scale(0.5) == 1.0
    assert yarn_attention_scale(16.0) == pytest.approx(1 + 0.1 * math.log(16))  # 1.2773
    assert yarn_attention_scale(math.e) == pytest.approx(1.1)


def test_yarn_temperature_scales_the_logits_by_one_over_t():
    # sqrt(1/t) on q and on k: the softmax logits are multiplied by 1/t = (0.1 ln s + 1)^2.
    g = torch.Generator().manual_seed(1)
    q, k = torch.randn(4, 8, generator=g, dtype=torch.float64), torch.randn(4, 8, generator=g, dtype=torch.float64)
    m = yarn_attention_scale(8.0)
    torch.testing.assert_close((q * m) @ (k * m).T, (q @ k.T) * (0.1 * math.log(8) + 1) ** 2)
