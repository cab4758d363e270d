"""Wrong: the right beams, returned in a min-heap's order instead of best first."""

import heapq

import torch

EXPECTED_HINT = "not sorted best first"


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    V = start_log_probs.shape[0]
    beams = heapq.nlargest(beam_size, ((float(start_log_probs[v]), [v]) for v in range(V)))
    for table in log_probs:
        heap = []
        for score, seq in beams:
            last = seq[-1]
            if eos is not None and last == eos:
                extensions = [(score, seq + [eos])]
            else:
                extensions = [(score + float(table[last, v]), seq + [v]) for v in range(V)]
            for candidate in extensions:
                if len(heap) < beam_size:
                    heapq.heappush(heap, candidate)
                else:
                    heapq.heappushpop(heap, candidate)
        beams = heap  # the mistake: heap order (smallest first at the root), never sorted
    seqs = torch.tensor([s for _, s in beams], dtype=torch.int64)
    return seqs, torch.tensor([sc for sc, _ in beams], dtype=start_log_probs.dtype)
