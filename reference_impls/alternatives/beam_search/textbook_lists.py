"""Correct, in the textbook style (Jurafsky & Martin, most tutorials): the beam as a Python list of
(score, tokens) pairs, every extension of every beam collected, sorted by score and cut to beam_size; a
finished beam carried over with eos appended at no cost; the result converted to tensors at the end, the
scores in log_probs' dtype (torch.tensor of Python floats would be float32)."""

import torch


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    V = start_log_probs.shape[0]
    beams = sorted(((float(start_log_probs[v]), [v]) for v in range(V)), key=lambda b: b[0], reverse=True)[:beam_size]
    for table in log_probs:
        candidates = []
        for score, seq in beams:
            last = seq[-1]
            if eos is not None and last == eos:
                candidates.append((score, seq + [eos]))
                continue
            for v in range(V):
                candidates.append((score + float(table[last, v]), seq + [v]))
        candidates.sort(key=lambda c: c[0], reverse=True)
        beams = candidates[:beam_size]
    seqs = torch.tensor([s for _, s in beams], dtype=torch.int64)
    scores = torch.tensor([sc for sc, _ in beams], dtype=start_log_probs.dtype)
    return seqs, scores
