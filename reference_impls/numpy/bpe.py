"""Byte-level byte-pair encoding: train, encode, decode, in plain Python (as minbpe's
BasicTokenizer, github.com/karpathy/minbpe, basic.py).

Train: start from the UTF-8 bytes of the text (ids 0..255); repeat vocab_size - 256 times:
count every adjacent pair, merge the most frequent one into a new id 256, 257, ... everywhere
(left to right, non-overlapping). Ties go to the pair seen first in the text (Python's max()
keeps the first maximum of an insertion-ordered dict), as in minbpe.
Encode: bytes, then repeatedly apply the learned merge with the LOWEST id present (the order
of training), until none applies. Decode: concatenate each id's bytes, then UTF-8 decode with
errors='replace' (an arbitrary id sequence may cut a multi-byte character).
Any string round-trips, emoji and the empty string included, since every byte is in the vocab.

Limits: no regex pre-splitting (GPT-2 / GPT-4 split words first), no special tokens; training is
O(merges * text length): fine for kilobytes.
"""


def get_stats(ids, counts=None):
    counts = {} if counts is None else counts
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def merge(ids, pair, idx):
    out, i = [], 0
    while i < len(ids):
        if i < len(ids) - 1 and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(idx)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def train(text, vocab_size):
    """Returns merges: {(a, b): new_id} in training order (ids 256, 257, ...)."""
    assert vocab_size >= 256
    ids = list(text.encode("utf-8"))
    merges = {}
    for idx in range(256, vocab_size):
        stats = get_stats(ids)
        if not stats:
            break  # fewer than two tokens left: nothing to merge
        pair = max(stats, key=stats.get)
        ids = merge(ids, pair, idx)
        merges[pair] = idx
    return merges


def build_vocab(merges):
    vocab = {i: bytes([i]) for i in range(256)}
    for (a, b), idx in merges.items():  # in order: a and b are always already there
        vocab[idx] = vocab[a] + vocab[b]
    return vocab


def encode(text, merges):
    ids = list(text.encode("utf-8"))
    while len(ids) >= 2:
        stats = get_stats(ids)
        pair = min(stats, key=lambda p: merges.get(p, float("inf")))  # the earliest merge
        if pair not in merges:
            break
        ids = merge(ids, pair, merges[pair])
    return ids


def decode(ids, merges):
    vocab = build_vocab(merges)
    return b"".join(vocab[i] for i in ids).decode("utf-8", errors="replace")
