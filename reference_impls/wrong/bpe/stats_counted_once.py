"""Wrong: train counts the pairs once, before the loop, and only drops the merged pairs from those counts."""

from reference_impls.numpy.bpe import decode, encode, get_stats, merge  # noqa: F401 (entry points)

EXPECTED_HINT = "count the pairs again after every merge"


def train(text, vocab_size):
    ids = list(text.encode("utf-8"))
    merges = {}
    stats = get_stats(ids)  # the mistake: inside the loop, after each merge
    for i in range(vocab_size - 256):
        stats = {p: c for p, c in stats.items() if p not in merges}
        if not stats or len(ids) < 2:
            break
        pair = max(stats, key=stats.get)
        ids = merge(ids, pair, 256 + i)
        merges[pair] = 256 + i
    return merges
