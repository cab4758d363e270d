"""sampling.py against Hugging Face's formulation of the warpers (written out here) and torch.multinomial."""

import pytest
import torch
from scipy import stats

from reference_impls.torch.sampling import greedy, sample, sampling_probs, top_k_filter, top_p_filter


def hf_top_k(scores, k):
    """transformers' TopKLogitsWarper."""
    remove = scores < torch.topk(scores, k)[0][..., -1, None]
    return scores.masked_fill(remove, float("-inf"))


def hf_top_p(scores, p):
    """transformers' TopPLogitsWarper (ascending sort, remove cumulative mass <= 1 - p, keep at least one)."""
    sorted_logits, sorted_indices = torch.sort(scores, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove_sorted = cumulative <= (1 - p)
    remove_sorted[..., -1:] = 0
    remove = remove_sorted.scatter(1, sorted_indices, remove_sorted)
    return scores.masked_fill(remove, float("-inf"))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 3, 10, 50])
@pytest.mark.parametrize("p", [0.05, 0.5, 0.9, 0.99])
def test_filters_match_hugging_face(seed, k, p):
    logits = torch.randn(4, 50, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 2
    assert torch.equal(top_k_filter(logits, k), hf_top_k(logits, k))
    assert torch.equal(top_p_filter(logits, p), hf_top_p(logits, p))


def test_hand_worked_nucleus():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    kept = lambda p: torch.isfinite(top_p_filter(logits, p))[0].tolist()
    assert kept(0.5) == [True, False, False, False]  # 0.5 alone reaches 0.5
    assert kept(0.6) == [True, True, False, False]  # the token crossing p is kept
    assert kept(0.85) == [True, True, True, False]  # 0.5 + 0.3 = 0.8 < 0.85: the third token is needed
    assert kept(0.99) == [True, True, True, True]
    assert kept(0.0) == [True, False, False, False]  # the top token always survives
    assert torch.isfinite(top_k_filter(torch.tensor([1.0, 3.0, 3.0, 2.0]), 2)).tolist() == [False, True, True, False]


def test_sampling_probs_order_and_limits():
    logits = torch.randn(3, 20, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    torch.testing.assert_close(sampling_probs(logits), torch.softmax(logits, -1))
    torch.testing.assert_close(sampling_probs(logits, temperature=0.5), torch.softmax(logits * 2, -1))
    assert torch.equal(sampling_probs(logits, temperature=0).argmax(-1), greedy(logits))
    assert sampling_probs(logits, temperature=0).sum(-1).tolist() == [1.0] * 3
    want = torch.softmax(hf_top_p(hf_top_k(logits / 0.7, 8), 0.8), -1)  # temperature, top-k, top-p
    torch.testing.assert_close(sampling_probs(logits, 0.7, 8, 0.8), want)
    assert (sampling_probs(logits, top_k=5) > 0).sum(-1).tolist() == [5] * 3


def test_samples_follow_the_distribution():
    """Chi-square goodness of fit, seed 0, significance level 0.001 (20000 draws, 8 tokens after top-k 8)."""
    logits = torch.randn(1, 30, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    probs = sampling_probs(logits, temperature=1.3, top_k=8)[0]
    g = torch.Generator().manual_seed(0)
    draws = sample(logits.expand(20000, 30), temperature=1.3, top_k=8, generator=g)
    counts = torch.bincount(draws, minlength=30)
    support = probs > 0
    assert counts[~support].sum() == 0
    p_value = stats.chisquare(counts[support].numpy(), (probs[support] * 20000).numpy()).pvalue
    assert p_value > 0.001
