"""Wrong: once a sequence emits eos it leaves the beam for good (never returned), instead of competing with its score."""

import torch

EXPECTED_HINT = "finished sequences dropped"


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    beams = [((v,), s) for v, s in enumerate(start_log_probs.tolist())]
    beams = sorted(beams, key=lambda b: -b[1])[:beam_size]
    for table in log_probs:
        candidates = []
        for seq, score in beams:
            if eos is not None and seq[-1] == eos:
                continue  # dropped
            for v, lp in enumerate(table[seq[-1]].tolist()):
                candidates.append((seq + (v,), score + lp))
        beams = sorted(candidates, key=lambda b: -b[1])[:beam_size]
    seqs = torch.tensor([list(s) for s, _ in beams], dtype=torch.int64)
    return seqs, torch.tensor([s for _, s in beams], dtype=start_log_probs.dtype)
