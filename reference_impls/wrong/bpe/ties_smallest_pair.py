"""Wrong: breaks frequency ties with the smallest pair (a deterministic sort by (-count, pair)) instead of
the pair seen first in the text, as minbpe's max over the insertion-ordered dict does."""

from reference_impls.numpy.bpe import decode, encode, get_stats, merge  # noqa: F401 - right

EXPECTED_HINT = "ties between equally frequent pairs go to the pair seen FIRST"


def train(text, vocab_size):
    ids, merges = list(text.encode("utf-8")), {}
    for idx in range(256, vocab_size):
        stats = get_stats(ids)
        if not stats:
            break
        pair = sorted(stats.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]  # the mistake: ties -> smallest pair
        ids = merge(ids, pair, idx)
        merges[pair] = idx
    return merges
