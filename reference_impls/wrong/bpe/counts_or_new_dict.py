"""Wrong: `counts = counts or {}` replaces an empty dict the caller passed in, so nothing is added into it."""

from reference_impls.numpy.bpe import decode, encode, merge, train  # noqa: F401 (entry points)

EXPECTED_HINT = "`counts or {}` makes a new dict"


def get_stats(ids, counts=None):
    counts = counts or {}  # the mistake: {} if counts is None else counts
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts
