"""Wrong: encode merges the most frequent known pair of the input first, not the earliest-trained one."""

from reference_impls.numpy.bpe import decode, get_stats, merge, train  # noqa: F401 - right

EXPECTED_HINT = "encode must apply the merges in training order"


def encode(text, merges):
    ids = list(text.encode("utf-8"))
    while len(ids) >= 2:
        stats = get_stats(ids)
        known = [p for p in stats if p in merges]
        if not known:
            break
        pair = max(known, key=lambda p: stats[p])
        ids = merge(ids, pair, merges[pair])
    return ids
