"""Exercise: byte-level BPE (train, encode, decode), as minbpe's BasicTokenizer."""

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe

CORPUS = (
    "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs! "
    "Übergrößenträger naïve café — 東京は雨。 Emoji: 😀😃😄 👩‍👩‍👧‍👦 🇫🇷 " + "aaabdaaabac " * 3
)
TEXTS = [
    "",
    "?",
    "a",
    "é",
    "er",
    "😀",
    "👩‍👩‍👧‍👦",
    "\x00\n\t",
    "hello world",
    "東京 🇫🇷 naïve",
    "ab" * 50,
    "the fox and the dog",
]


def train_cases():
    yield Case(
        "wikipedia_example",
        ("aaabdaaabac", 259),
        note="minbpe's test: merges aa -> 256, (256, a) -> 257, (257, b) -> 258",
    )
    for size in (256, 300, 400):
        yield Case(
            f"corpus_vocab_{size}",
            (CORPUS, size),
            zero_ok=size == 256,
            note="ties: the pair seen first in the text wins",
        )
    yield Case("runs_of_one_byte", ("aaaaaaa", 270), note="overlapping pairs: 'aaa' holds ONE (a, a) merge plus an a")
    yield Case("empty_text", ("", 300), zero_ok=True, note="nothing to merge: no merges")


def merge_cases():
    yield Case(
        "overlap", ([97, 97, 97, 98, 97, 97], (97, 97), 256), note="left to right, non-overlapping: [256, 97, 98, 256]"
    )
    yield Case("no_match", ([1, 2, 3], (3, 1), 300))
    yield Case("empty", ([], (1, 2), 256), zero_ok=True)


def stats_cases():
    yield Case("counts", ([1, 2, 3, 1, 2, 1, 2],))
    yield Case("single_token", ([5],), zero_ok=True, note="one token: no pairs, an empty dict")


def _counts_into(impl, ids, start):
    """get_stats(ids, counts) called as minbpe's RegexTokenizer does, for its side effect: what `counts` holds
    (a dict made here from the pairs in `start`, so that filling it is not a modified input)."""
    counts = dict(start)
    impl.get_stats(ids, counts)
    return counts


def counts_into_cases():
    yield Case(
        "into_empty_dict",
        ([1, 2, 3, 1, 2], ()),
        note="an EMPTY dict passed in is filled in place (minbpe's RegexTokenizer adds each chunk's pairs into one "
        "dict and ignores the return value): `counts or {}` replaces it",
    )
    yield Case(
        "into_counts",
        ([1, 2, 3], (((1, 2), 4), ((7, 8), 1))),
        note="counts {(1, 2): 4, (7, 8): 1} passed in: the pairs are added to the counts already there",
    )


def _merges():
    from reference_impls.numpy.bpe import train

    return train(CORPUS, 320)


def _encode_cases():
    merges = _merges()
    for text in TEXTS:
        yield Case(f"text_{TEXTS.index(text)}", (text, merges), zero_ok=text in ("", "\x00\n\t"))
    yield Case(
        "training_order",
        ("abcabcab", {(98, 99): 256, (97, 98): 257}),
        note="(b, c) was merged first in training, though (a, b) is more frequent here: [97, 256, 97, 256, 257]",
    )


def _round_trip(impl, text, merges):
    return impl.decode(impl.encode(text, merges), merges)


def decode_cases():
    merges = _merges()
    yield Case("ids", ([256, 257, 72, 105, 300], merges))
    yield Case(
        "every_byte",
        (list(range(256)), merges),
        note="ids 0..255 are the 256 bytes, 255 included (invalid UTF-8 bytes decode to U+FFFD)",
    )
    yield Case(
        "half_a_character",
        ([0xE6, 0x97], {}),
        note="an id sequence that cuts a UTF-8 character: errors='replace' gives U+FFFD",
    )


def _largest_pair_on_ties(text, vocab_size):
    from reference_impls.numpy.bpe import get_stats, merge

    ids, merges = list(text.encode("utf-8")), {}
    for idx in range(256, vocab_size):
        stats = get_stats(ids)
        if not stats:
            break
        pair = max(stats, key=lambda p: (stats[p], p))  # ties -> the largest pair, not the first seen
        ids = merge(ids, pair, idx)
        merges[pair] = idx
    return merges


def _smallest_pair_on_ties(text, vocab_size):
    from reference_impls.numpy.bpe import get_stats, merge

    ids, merges = list(text.encode("utf-8")), {}
    for idx in range(256, vocab_size):
        stats = get_stats(ids)
        if not stats:
            break
        pair = min(stats, key=lambda p: (-stats[p], p))  # ties -> the smallest pair
        ids = merge(ids, pair, idx)
        merges[pair] = idx
    return merges


def _merges_past_vocab_size(text, vocab_size):
    from reference_impls.numpy.bpe import train

    return train(text, vocab_size + 256)


TIES_HINT = (
    "ties between equally frequent pairs go to the pair seen FIRST in the text (max over the insertion-ordered "
    "dict), as minbpe"
)


def _merge_overlapping(ids, pair, idx):
    out, i = [], 0
    while i < len(ids):
        if i < len(ids) - 1 and (ids[i], ids[i + 1]) == pair:
            out.append(idx)
        else:
            out.append(ids[i])
        i += 1
    return out


EXERCISE = Exercise.of(
    info("bpe"),
    preamble="",
    task="""Byte-pair encoding on UTF-8 bytes, as minbpe's BasicTokenizer (no regex split, no special
tokens). Ids 0..255 are the bytes; merge i creates id 256 + i.

1. get_stats(ids, counts=None) -> {(a, b): count} of adjacent pairs (adding into `counts` if given).
2. merge(ids, pair, idx): replace every occurrence of pair by idx, left to right, without overlap
   ([97, 97, 97] with (97, 97) -> [idx, 97]).
3. train(text, vocab_size) -> merges {(a, b): new_id} in training order: vocab_size - 256 times,
   merge the most frequent pair (ties: the pair seen FIRST in the text, which max(stats,
   key=stats.get) gives for an insertion-ordered dict); stop early when fewer than 2 tokens remain.
4. encode(text, merges): bytes, then repeatedly merge the pair with the LOWEST merge id present
   until none applies. decode(ids, merges): join each id's bytes, then .decode('utf-8',
   errors='replace'). Every string must round-trip: emoji, flags, control bytes, the empty string.""",
    entry_points=(
        EntryPoint("get_stats", "(ids, counts=None)", "Pair counts {(a, b): n}."),
        EntryPoint("merge", "(ids, pair, idx)", "A new list with pair replaced by idx."),
        EntryPoint("train", "(text, vocab_size)", "The merges {(a, b): id}, ids 256, 257, ..."),
        EntryPoint("encode", "(text, merges)", "Token ids (a list of ints)."),
        EntryPoint("decode", "(ids, merges)", "The text (a str)."),
    ),
    checks=(
        Check("get_stats", "get_stats", stats_cases, description="repeated pairs; a single token"),
        Check(
            "get_stats_into",
            "get_stats",
            counts_into_cases,
            call=_counts_into,
            description="adds into the counts dict passed in, an empty one too",
        ),
        Check("merge", "merge", merge_cases, description="overlapping occurrences, no match, empty"),
        Check(
            "train",
            "train",
            train_cases,
            description="minbpe's worked example; a Unicode corpus at 256 / 300 / 400; runs; empty",
        ),
        Check(
            "encode",
            "encode",
            _encode_cases,
            description="10 texts incl. emoji, ZWJ sequences, flags, control bytes, ''",
        ),
        Check(
            "round_trip",
            "decode",
            _encode_cases,
            call=_round_trip,
            description="decode(encode(text)) == text for the same 10 texts",
        ),
        Check("decode", "decode", decode_cases, description="merged ids; half a UTF-8 character"),
    ),
    probes=(
        Probe(TIES_HINT, impl={"train": _largest_pair_on_ties}),
        Probe(TIES_HINT, impl={"train": _smallest_pair_on_ties}),
        Probe(
            "too many merges: vocab_size counts the 256 byte tokens, so train makes vocab_size - 256 merges "
            "(ids 256 .. vocab_size - 1)",
            impl={"train": _merges_past_vocab_size},
        ),
        Probe(
            "merge left to right WITHOUT overlap: after a match skip both tokens (i += 2)",
            impl={"merge": _merge_overlapping},
        ),
        Probe(
            "encode must apply the merges in training order (the lowest merge id present first), not the most "
            "frequent pair of the text being encoded",
            impl="wrong/bpe/encode_by_frequency.py",
            checks=("encode",),
        ),
        Probe(
            "`counts or {}` makes a new dict when the caller passes an empty one, so the caller's dict stays empty; "
            "use `counts = {} if counts is None else counts` and add into it",
            impl="wrong/bpe/counts_or_new_dict.py",
            checks=("get_stats_into",),
        ),
        Probe(
            "count the pairs again after every merge (get_stats inside the loop): a merge creates new pairs and "
            "removes others, so counts from before it pick the wrong next pair",
            impl="wrong/bpe/stats_counted_once.py",
            checks=("train",),
        ),
        Probe(
            "encode stops with two tokens left unmerged: keep merging while len(ids) >= 2",
            impl="wrong/bpe/encode_stops_at_two.py",
            checks=("encode",),
        ),
        Probe(
            "decode joins the BYTES of every token first, then decodes once: a token can hold half of a multi-byte "
            "character, so decoding token by token breaks é, emoji and flags into replacement characters",
            impl="wrong/bpe/decode_per_token.py",
            checks=("round_trip", "decode"),
        ),
        Probe(
            "decode with errors='replace': an arbitrary id sequence can cut a multi-byte character",
            impl={"decode": lambda ids, merges: _strict_decode(ids, merges)},
        ),
    ),
)


def _strict_decode(ids, merges):
    from reference_impls.numpy.bpe import build_vocab

    vocab = build_vocab(merges)
    return b"".join(vocab[i] for i in ids).decode("utf-8")
