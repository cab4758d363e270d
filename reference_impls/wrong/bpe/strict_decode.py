"""Wrong: strict UTF-8 decoding raises on an id sequence that cuts a character."""

from reference_impls.numpy.bpe import build_vocab, encode, get_stats, merge, train  # noqa: F401 - right

EXPECTED_HINT = "decode with errors='replace'"


def decode(ids, merges):
    vocab = build_vocab(merges)
    return b"".join(vocab[i] for i in ids).decode("utf-8")
