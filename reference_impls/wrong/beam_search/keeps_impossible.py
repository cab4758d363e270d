"""Wrong: keeps beam_size candidates even when fewer are possible: after eos every token but eos scores
-inf, and those impossible sequences fill the beam's tail."""

import torch

EXPECTED_HINT = "impossible sequences"


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    V = start_log_probs.size(0)
    finished_row = torch.full((V,), float("-inf"), dtype=start_log_probs.dtype)
    if eos is not None:
        finished_row[eos] = 0.0
    scores, first = start_log_probs.topk(min(beam_size, V))
    seqs = first[:, None]
    for table in log_probs:
        step = table[seqs[:, -1]]
        if eos is not None:
            step = torch.where((seqs[:, -1] == eos)[:, None], finished_row, step)
        candidates = (scores[:, None] + step).flatten()
        n = min(beam_size, candidates.numel())  # the mistake: counts the -inf candidates as sequences
        scores, flat = candidates.topk(n)
        seqs = torch.cat([seqs[flat // V], (flat % V)[:, None]], dim=1)
    return seqs, scores
