"""Wrong: starts with start_log_probs.topk(beam_size), which raises when the beam is wider than the
vocabulary; the first step has only V candidates."""

import torch

EXPECTED_HINT = "only V first tokens"


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    V = start_log_probs.size(0)
    finished_row = torch.full((V,), float("-inf"), dtype=start_log_probs.dtype)
    if eos is not None:
        finished_row[eos] = 0.0
    scores, first = start_log_probs.topk(beam_size)  # the mistake: min(beam_size, V)
    seqs = first[:, None]
    for table in log_probs:
        step = table[seqs[:, -1]]
        if eos is not None:
            step = torch.where((seqs[:, -1] == eos)[:, None], finished_row, step)
        candidates = (scores[:, None] + step).flatten()
        n = min(beam_size, int(torch.isfinite(candidates).sum()))
        scores, flat = candidates.topk(n)
        seqs = torch.cat([seqs[flat // V], (flat % V)[:, None]], dim=1)
    return seqs, scores
