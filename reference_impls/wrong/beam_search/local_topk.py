"""Wrong: ranks extensions by the last token's log-probability instead of the accumulated score."""

import torch

EXPECTED_HINT = "ranked by the new token's log-prob alone"


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    beams = sorted([((v,), s) for v, s in enumerate(start_log_probs.tolist())], key=lambda b: -b[1])[:beam_size]
    for table in log_probs:
        candidates = []
        for seq, score in beams:
            if eos is not None and seq[-1] == eos:
                candidates.append((seq + (eos,), score, 0.0))
                continue
            for v, lp in enumerate(table[seq[-1]].tolist()):
                candidates.append((seq + (v,), score + lp, lp))
        candidates.sort(key=lambda c: -c[2])  # the step's log-prob only
        beams = [(s, total) for s, total, _ in candidates[:beam_size]]
    beams.sort(key=lambda b: -b[1])
    return torch.tensor([list(s) for s, _ in beams]), torch.tensor([s for _, s in beams], dtype=start_log_probs.dtype)
