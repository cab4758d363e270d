"""Correct, in minbpe's style: a Tokenizer class with train / encode / decode and a vocab of bytes, the
module functions the task asks for delegating to it. Pair counts come from collections.Counter, whose
most_common() sorts stably (ties keep insertion order: the pair seen first), and encode applies the
merges once each, in training order, which gives the same tokens as "lowest id first" (a merge can
only create ids above every earlier merge's)."""

from collections import Counter


def get_stats(ids, counts=None):
    counts = {} if counts is None else counts
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def merge(ids, pair, idx):
    newids = []
    i = 0
    while i < len(ids):
        if ids[i] == pair[0] and i < len(ids) - 1 and ids[i + 1] == pair[1]:
            newids.append(idx)
            i += 2
        else:
            newids.append(ids[i])
            i += 1
    return newids


class BasicTokenizer:
    def __init__(self):
        self.merges = {}
        self.vocab = {idx: bytes([idx]) for idx in range(256)}

    def train(self, text, vocab_size):
        num_merges = vocab_size - 256
        ids = list(text.encode("utf-8"))
        for i in range(num_merges):
            stats = Counter(zip(ids, ids[1:]))
            if not stats:
                break
            pair = stats.most_common(1)[0][0]
            idx = 256 + i
            ids = merge(ids, pair, idx)
            self.merges[pair] = idx
            self.vocab[idx] = self.vocab[pair[0]] + self.vocab[pair[1]]

    def load(self, merges):
        for (p0, p1), idx in merges.items():
            self.merges[(p0, p1)] = idx
            self.vocab[idx] = self.vocab[p0] + self.vocab[p1]
        return self

    def encode(self, text):
        ids = list(text.encode("utf-8"))
        for pair, idx in sorted(self.merges.items(), key=lambda kv: kv[1]):  # training order
            ids = merge(ids, pair, idx)
        return ids

    def decode(self, ids):
        text_bytes = b"".join(self.vocab[idx] for idx in ids)
        return text_bytes.decode("utf-8", errors="replace")


def train(text, vocab_size):
    tok = BasicTokenizer()
    tok.train(text, vocab_size)
    return tok.merges


def encode(text, merges):
    return BasicTokenizer().load(merges).encode(text)


def decode(ids, merges):
    return BasicTokenizer().load(merges).decode(ids)
