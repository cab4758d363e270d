"""Beam search over a small language model given as tables of next-token log-probabilities.

Keep the beam_size best partial sequences by total log-probability. At each step extend every one
by every token, score = its score + log p(token | step, its last token), and keep the beam_size best
of ALL the extensions together (not the best few of each: one strong prefix may fill the beam). A
sequence that has emitted eos is finished: it extends only by eos again, at no cost, so it keeps
its score and competes for a place in the beam until the end, and comes out padded with eos.
beam_size 1 is greedy decoding; a beam of V^(L - 1) keeps every prefix and equals exhaustive
search (a tiny vocabulary makes that checkable). Greedy can miss the best sequence: a likely first
token may lead only to unlikely continuations.

The model: start_log_probs[v] = log p(x_0 = v) and log_probs[t - 1, u, v] = log p(x_t = v | x_t-1 = u),
one bigram table per step, a stand-in for a language model's next-token distribution given the
prefix (a table per step also keeps two different sequences from tying on the same score).

Source: the algorithm of Graves 2012 / Sutskever et al. 2014 (Sec. 3.2, "a simple left-to-right beam
search decoder"), with finished hypotheses carried in the beam. Limits: no length normalization
(scores favour short finished sequences), a fixed length L, sequences scored by sum of log-probs.
"""

import torch


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    """start_log_probs (V,), log_probs (L - 1, V, V) -> (sequences (n, L) int64, scores (n,)), best first.

    n = beam_size, or fewer when fewer sequences exist.
    """
    V = len(start_log_probs)
    finished_row = torch.full_like(start_log_probs, float("-inf"))  # (V,)
    if eos is not None:
        finished_row[eos] = 0.0  # a finished sequence may only add eos, for free
    scores, first = start_log_probs.topk(min(beam_size, V))  # (n,), sorted best first
    seqs = first[:, None]  # (n, 1)
    for table in log_probs:  # (V, V) for this step
        step = table[seqs[:, -1]]  # (n, V): the next-token log-probs of each beam
        if eos is not None:
            step = torch.where((seqs[:, -1] == eos)[:, None], finished_row, step)
        candidates = (scores[:, None] + step).flatten()  # (n * V,): every extension of every beam
        n = min(beam_size, int(torch.isfinite(candidates).sum()))
        scores, flat = candidates.topk(n)  # the best n over all beams together
        seqs = torch.cat([seqs[flat // V], (flat % V)[:, None]], dim=1)  # (n, t + 1)
    return seqs, scores
