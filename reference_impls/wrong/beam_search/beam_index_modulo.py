"""Wrong: the beam of a flattened candidate taken as flat % n_beams instead of flat // V."""

import torch

EXPECTED_HINT = "the beam a flattened candidate extends is flat // V"
ALSO_APPLIES = ("part of the output is right",)


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    V = len(start_log_probs)
    finished_row = torch.full_like(start_log_probs, float("-inf"))
    if eos is not None:
        finished_row[eos] = 0.0
    scores, first = start_log_probs.topk(min(beam_size, V))
    seqs = first[:, None]
    for table in log_probs:
        step = table[seqs[:, -1]]
        if eos is not None:
            step = torch.where((seqs[:, -1] == eos)[:, None], finished_row, step)
        n_beams = seqs.shape[0]
        candidates = (scores[:, None] + step).flatten()
        n = min(beam_size, int(torch.isfinite(candidates).sum()))
        scores, flat = candidates.topk(n)
        seqs = torch.cat([seqs[flat % n_beams], (flat % V)[:, None]], dim=1)  # the mistake: the row is flat // V
    return seqs, scores
