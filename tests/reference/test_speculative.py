"""speculative.py: its output distribution is the target's (exactly for one step, by chi-square over samples)."""

import pytest
import torch
from scipy import stats

from reference_impls.torch.speculative import residual_distribution, speculative_generate, speculative_step, verify

TARGET = torch.tensor(
    [[0.50, 0.20, 0.20, 0.10], [0.10, 0.60, 0.10, 0.20], [0.25, 0.25, 0.25, 0.25], [0.05, 0.15, 0.30, 0.50]],
    dtype=torch.float64,
)
DRAFT = torch.tensor(
    [[0.25, 0.25, 0.25, 0.25], [0.40, 0.20, 0.20, 0.20], [0.10, 0.60, 0.10, 0.20], [0.50, 0.20, 0.20, 0.10]],
    dtype=torch.float64,
)


def test_one_round_gives_the_target_distribution_exactly():
    """Integrate verify() over u on a midpoint grid (no sampling): P(first token) = p, to the grid's accuracy."""
    p, q = TARGET[0], DRAFT[0]
    grid = (torch.arange(500, dtype=torch.float64) + 0.5) / 500  # a step in u is off by at most 1/500
    dist = torch.zeros(4, dtype=torch.float64)
    for x in range(4):
        for u in grid:
            n, next_probs = verify(torch.tensor([x]), q[None], torch.stack([p, TARGET[x]]), u[None])
            dist += q[x] / len(grid) * (torch.nn.functional.one_hot(torch.tensor(x), 4) if n == 1 else next_probs)
    torch.testing.assert_close(dist, p, rtol=0, atol=2e-3)


def test_tokens_follow_the_target_chi_square():
    """Joint distribution of the first two tokens over 16 cells: chi-square, seed 0, significance level 0.001."""
    g = torch.Generator().manual_seed(0)
    N = 4000
    counts = torch.zeros(4, 4)
    for _ in range(N):
        a, b = speculative_generate(2, 2, DRAFT, TARGET, gamma=3, generator=g)
        counts[a, b] += 1
    expected = TARGET[2][:, None] * TARGET * N  # p(a | 2) p(b | a)
    assert stats.chisquare(counts.flatten().numpy(), expected.flatten().numpy()).pvalue > 0.001
    # the draft's own distribution is far away: the same test rejects it
    draft_expected = DRAFT[2][:, None] * DRAFT * N
    assert stats.chisquare(counts.flatten().numpy(), draft_expected.flatten().numpy()).pvalue < 1e-10


def test_identical_models_accept_everything():
    g = torch.Generator().manual_seed(1)
    for _ in range(20):
        assert len(speculative_step(0, TARGET, TARGET, 4, generator=g)) == 5  # gamma accepted + 1 from p


def test_hand_worked_verify():
    q = torch.tensor([[0.5, 0.5], [0.5, 0.5]], dtype=torch.float64)
    p = torch.tensor([[0.8, 0.2], [0.4, 0.6], [0.3, 0.7]], dtype=torch.float64)
    # token 0: p/q = 1.6, always accepted; token 1: p/q = 1.2, accepted; then sample from p[2]
    n, nxt = verify(torch.tensor([0, 1]), q, p, torch.tensor([0.99, 0.99], dtype=torch.float64))
    assert n == 2 and torch.equal(nxt, p[2])
    # token 1 first: p/q = 0.4; u = 0.5 > 0.4 rejects, residual max(0, p - q) = [0.3, 0] -> [1, 0]
    n, nxt = verify(torch.tensor([1, 1]), q, p, torch.tensor([0.5, 0.1], dtype=torch.float64))
    assert n == 0 and nxt.tolist() == [1.0, 0.0]
    n, _ = verify(torch.tensor([1, 1]), q, p, torch.tensor([0.39, 0.1], dtype=torch.float64))
    assert n == 2
    assert residual_distribution(
        torch.tensor([0.2, 0.5, 0.3]), torch.tensor([0.4, 0.1, 0.5])
    ).tolist() == pytest.approx([0, 1, 0])
