"""Wrong: decode turns each token into text on its own, then joins the strings: a token holding part of a
multi-byte UTF-8 character becomes a replacement character."""

from reference_impls.numpy.bpe import build_vocab, encode, get_stats, merge, train  # noqa: F401 (entry points)

EXPECTED_HINT = "decode joins the BYTES of every token first"


def decode(ids, merges):
    vocab = build_vocab(merges)
    return "".join(vocab[i].decode("utf-8", errors="replace") for i in ids)  # the mistake: join bytes, decode once
