"""Wrong: encode's loop runs while len(ids) > 2, so a text that merges down to two tokens keeps them apart."""

from reference_impls.numpy.bpe import decode, get_stats, merge, train  # noqa: F401 (entry points)

EXPECTED_HINT = "encode stops with two tokens left unmerged"


def encode(text, merges):
    ids = list(text.encode("utf-8"))
    while len(ids) > 2:  # the mistake: >= 2
        stats = get_stats(ids)
        pair = min(stats, key=lambda p: merges.get(p, float("inf")))
        if pair not in merges:
            break
        ids = merge(ids, pair, merges[pair])
    return ids
