"""Byte-level BPE against a slow reference written here, minbpe's worked example, and
round-trips on arbitrary Unicode."""

import random
from collections import Counter

import pytest

from reference_impls.numpy import bpe

CORPUS = (
    "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs! "
    "Übergrößenträger naïve café — 東京は雨。 Emoji: 😀😃😄 👩‍👩‍👧‍👦 🇫🇷 "
    "aaabdaaabac " * 3
)


def slow_train(text, vocab_size):
    """A slow, obviously-correct trainer: tokens as bytes objects, pairs counted with Counter,
    ties broken by the first position at which a pair occurs."""
    tokens = [bytes([b]) for b in text.encode("utf-8")]
    ids_of = {bytes([i]): i for i in range(256)}
    merges = []
    for idx in range(256, vocab_size):
        pairs = list(zip(tokens, tokens[1:]))
        if not pairs:
            break
        counts = Counter(pairs)
        best = max(counts.values())
        pair = next(p for p in pairs if counts[p] == best)  # first occurrence among the most frequent
        merged, i = [], 0
        while i < len(tokens):
            if i + 1 < len(tokens) and (tokens[i], tokens[i + 1]) == pair:
                merged.append(pair[0] + pair[1])
                i += 2
            else:
                merged.append(tokens[i])
                i += 1
        tokens = merged
        ids_of[pair[0] + pair[1]] = idx
        merges.append(((ids_of[pair[0]], ids_of[pair[1]]), idx))
    return dict(merges)


def slow_encode(text, merges):
    ids = list(text.encode("utf-8"))
    for pair, idx in merges.items():  # training order: each merge once, left to right
        ids = bpe.merge(ids, pair, idx)
    return ids


def test_minbpe_worked_example():
    # minbpe's tests/test_tokenizer.py: the Wikipedia BPE example
    text = "aaabdaaabac"
    merges = bpe.train(text, 256 + 3)
    ids = bpe.encode(text, merges)
    assert ids == [258, 100, 258, 97, 99]
    assert bpe.decode(ids, merges) == text
    assert merges == {(97, 97): 256, (256, 97): 257, (257, 98): 258}


@pytest.mark.parametrize("vocab_size", [256, 257, 300, 400])
def test_merges_equal_slow_reference(vocab_size):
    assert bpe.train(CORPUS, vocab_size) == slow_train(CORPUS, vocab_size)


def random_unicode(rng, n):
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x4E00, 0x4E80), (0x1F600, 0x1F64F), (0x0, 0x1F)]
    out = []
    for _ in range(n):
        lo, hi = rng.choice(ranges)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


@pytest.mark.parametrize("seed", range(5))
def test_encode_matches_slow_reference_on_random_text(seed):
    rng = random.Random(seed)
    train_text = random_unicode(rng, 300) + CORPUS
    merges = bpe.train(train_text, 330)
    for _ in range(5):
        text = random_unicode(rng, rng.randint(0, 60)) + CORPUS[: rng.randint(0, 80)]
        ids = bpe.encode(text, merges)
        assert ids == slow_encode(text, merges)
        assert bpe.decode(ids, merges) == text


@pytest.mark.parametrize(
    "text", ["", "?", "a", "😀", "👩‍👩‍👧‍👦", "\x00\n\t", "hello world", "東京 🇫🇷 naïve", "ab" * 200]
)
def test_round_trip(text):
    merges = bpe.train(CORPUS, 320)
    ids = bpe.encode(text, merges)
    assert bpe.decode(ids, merges) == text
    assert all(0 <= i < 320 for i in ids)
    assert len(ids) <= len(text.encode("utf-8"))


def test_training_on_tiny_inputs_and_invalid_ids():
    assert bpe.train("", 300) == {}
    assert bpe.train("a", 300) == {}
    merges = bpe.train("aaaa", 260)
    assert bpe.decode(bpe.encode("aaaa", merges), merges) == "aaaa"
    assert len(merges) == 2  # aa, then aaaa; then one token left
    assert bpe.decode([0xE6], {}) == "\ufffd"  # half a character decodes to U+FFFD


def test_compresses_repetitive_text():
    text = "the cat sat on the mat. " * 20
    merges = bpe.train(text, 300)
    assert len(bpe.encode(text, merges)) < len(text.encode()) / 5
