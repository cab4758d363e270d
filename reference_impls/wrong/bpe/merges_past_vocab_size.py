"""Wrong: makes vocab_size merges instead of vocab_size - 256: the vocabulary size counts the 256 bytes."""

from reference_impls.numpy.bpe import decode, encode, get_stats, merge  # noqa: F401 - right

EXPECTED_HINT = "vocab_size counts the 256 byte tokens"


def train(text, vocab_size):
    ids, merges = list(text.encode("utf-8")), {}
    for i in range(vocab_size):  # the mistake: range(vocab_size - 256)
        stats = get_stats(ids)
        if not stats:
            break
        pair = max(stats, key=stats.get)
        ids = merge(ids, pair, 256 + i)
        merges[pair] = 256 + i
    return merges
