"""Wrong: a finished sequence is forced to extend by eos but still pays log p(eos | eos) from the table at
every step, so finished sequences sink below unfinished ones."""

import torch

EXPECTED_HINT = "a finished sequence pays nothing"


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    V = start_log_probs.size(0)
    scores, first = start_log_probs.topk(min(beam_size, V))
    seqs = first[:, None]
    for table in log_probs:
        step = table[seqs[:, -1]]
        if eos is not None:
            only_eos = torch.full_like(step, float("-inf"))
            only_eos[:, eos] = step[:, eos]  # the mistake: keeps the table's log p(eos | eos) instead of 0
            step = torch.where((seqs[:, -1] == eos)[:, None], only_eos, step)
        candidates = (scores[:, None] + step).flatten()
        n = min(beam_size, int(torch.isfinite(candidates).sum()))
        scores, flat = candidates.topk(n)
        seqs = torch.cat([seqs[flat // V], (flat % V)[:, None]], dim=1)
    return seqs, scores
