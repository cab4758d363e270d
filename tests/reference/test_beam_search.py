"""beam_search.py against exhaustive search on a tiny vocabulary, greedy decoding, and a hand-worked case."""

import itertools
import math

import pytest
import torch

from reference_impls.torch.beam_search import beam_search


def exhaustive(start, log_probs, eos=None):
    """Every sequence of length L (after eos only eos), scored up to its first eos; best first."""
    V, L = len(start), log_probs.size(0) + 1
    scored = []
    for seq in itertools.product(range(V), repeat=L):
        end = L
        if eos is not None and eos in seq:
            end = seq.index(eos) + 1
            if any(t != eos for t in seq[end:]):
                continue
        score = start[seq[0]].item() + sum(log_probs[t - 1, seq[t - 1], seq[t]].item() for t in range(1, end))
        scored.append((score, seq))
    scored.sort(key=lambda s: -s[0])
    return scored


def _model(V, L, seed):
    g = torch.Generator().manual_seed(seed)
    return (
        torch.log_softmax(torch.randn(V, generator=g, dtype=torch.float64) * 2, -1),
        torch.log_softmax(torch.randn(L - 1, V, V, generator=g, dtype=torch.float64) * 2, -1),
    )


@pytest.mark.parametrize("V, L, eos", [(3, 4, None), (4, 3, None), (3, 4, 2), (4, 4, 0), (2, 5, 1)])
def test_a_beam_of_every_prefix_is_exhaustive_search(V, L, eos):
    start, log_probs = _model(V, L, seed=V * 10 + L)
    want = exhaustive(start, log_probs, eos)
    for beam in (V ** (L - 1), V**L):
        seqs, scores = beam_search(start, log_probs, beam, eos)
        n = min(beam, len(want))
        assert seqs.shape == (n, L)
        assert [tuple(s) for s in seqs.tolist()] == [s for _, s in want[:n]]
        torch.testing.assert_close(scores, torch.tensor([s for s, _ in want[:n]], dtype=torch.float64))


@pytest.mark.parametrize("seed", range(4))
def test_beam_one_is_greedy_and_no_beam_beats_the_optimum(seed):
    start, log_probs = _model(5, 4, seed)
    seqs, _ = beam_search(start, log_probs, 1)
    tok = [start.argmax().item()]
    for table in log_probs:
        tok.append(table[tok[-1]].argmax().item())
    assert seqs.tolist() == [tok]
    best = exhaustive(start, log_probs)[0][0]
    for beam in (2, 3, 5):
        assert beam_search(start, log_probs, beam)[1][0] <= best + 1e-12


def test_hand_worked_greedy_misses_the_best_sequence():
    # Token 0 starts likelier (0.6) but leads to a flat next step; token 1 (0.4) leads to a near-sure one.
    start = torch.log(torch.tensor([0.6, 0.4], dtype=torch.float64))
    log_probs = torch.log(torch.tensor([[[0.6, 0.4], [0.05, 0.95]]], dtype=torch.float64))
    greedy_seq, greedy_score = beam_search(start, log_probs, 1)
    seqs, scores = beam_search(start, log_probs, 2)
    assert greedy_seq.tolist() == [[0, 0]] and math.isclose(greedy_score.item(), math.log(0.36))
    assert seqs.tolist() == [[1, 1], [0, 0]] and math.isclose(scores[0].item(), math.log(0.38))


def test_finished_sequences_keep_their_score_and_are_padded():
    start = torch.log(torch.tensor([0.9, 0.1], dtype=torch.float64))  # eos = 0 is likely at once
    log_probs = torch.log(torch.full((3, 2, 2), 0.5, dtype=torch.float64))
    seqs, scores = beam_search(start, log_probs, 2, eos=0)
    assert seqs.tolist()[0] == [0, 0, 0, 0] and math.isclose(scores[0].item(), math.log(0.9))
    assert seqs.tolist()[1] == [1, 0, 0, 0] and math.isclose(scores[1].item(), math.log(0.05))
