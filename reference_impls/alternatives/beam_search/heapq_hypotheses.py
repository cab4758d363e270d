"""Correct, in the textbook style of plain Python: hypotheses as (score, tokens) tuples, every extension of
every hypothesis scored and the best kept with heapq.nlargest; a finished hypothesis is carried over with
eos appended and its score unchanged; impossible extensions (-inf) are never candidates."""

import heapq
import math

import torch


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    first = start_log_probs.tolist()
    beams = heapq.nlargest(beam_size, [(lp, (v,)) for v, lp in enumerate(first)], key=lambda b: b[0])
    for table in log_probs.tolist():  # (V, V) for this step
        candidates = []
        for score, tokens in beams:
            last = tokens[-1]
            if eos is not None and last == eos:
                candidates.append((score, tokens + (eos,)))  # finished: carried over, no cost
                continue
            for v, lp in enumerate(table[last]):
                if lp != -math.inf:
                    candidates.append((score + lp, tokens + (v,)))
        beams = heapq.nlargest(beam_size, candidates, key=lambda b: b[0])
    sequences = torch.tensor([list(tokens) for _, tokens in beams], dtype=torch.int64)
    scores = torch.tensor([score for score, _ in beams], dtype=start_log_probs.dtype)
    return sequences, scores
