"""Exercise: beam search, checked against exhaustive search on a tiny vocabulary."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._torch import case, fn_call, scoped, seeded

PREAMBLE = "import torch\n"


def _model(seed, V, L):
    import numpy as np

    rng = seeded(seed)

    def log_softmax(z):
        z = z - z.max(axis=-1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))

    return log_softmax(rng.standard_normal(V) * 2), log_softmax(rng.standard_normal((L - 1, V, V)) * 2)


def beam_cases():
    import numpy as np

    for n, (V, L, beam, eos, note) in enumerate(
        [
            (5, 4, 3, None, ""),
            (4, 5, 1, None, "beam 1 is greedy decoding"),
            (
                3,
                4,
                27,
                None,
                "beam V^(L-1) = 27 keeps every prefix: exhaustive search, all 81 sequences ranked, best 27 kept",
            ),
            (4, 4, 4, 0, "eos = 0: a finished sequence stays in the beam with its score, padded with eos"),
            (
                3,
                5,
                81,
                2,
                "eos and a beam of every prefix: every valid sequence (nothing after eos but eos), best first",
            ),
            (6, 3, 50, None, "beam 50 > the 36 possible prefixes after step 2: keep them all, then 50 of 216"),
        ]
    ):
        s = 57000 + n
        start, log_probs = _model(s, V, L)
        yield case(
            f"V{V}_L{L}_beam{beam}" + (f"_eos{eos}" if eos is not None else ""),
            s,
            start_log_probs=start,
            log_probs=log_probs,
            beam_size=beam,
            eos=eos,
            note=note,
        )
    yield case(
        "greedy_misses_the_best",
        start_log_probs=np.log([0.6, 0.4]),
        log_probs=np.log(np.array([[[0.6, 0.4], [0.05, 0.95]]])),
        beam_size=2,
        note="greedy takes 0 (0.6) then 0 (0.36 in all); beam 2 finds 1, 1 (0.4 * 0.95 = 0.38)",
    )


# -- known mistakes -----------------------------------------------------------------------------------


def _per_beam_greedy(start_log_probs, log_probs, beam_size, eos=None):
    """beam_size greedy searches from the beam_size best first tokens."""
    import torch

    scores, first = start_log_probs.topk(min(beam_size, start_log_probs.numel()))
    seqs = first[:, None]
    for table in log_probs:
        step = table[seqs[:, -1]]
        if eos is not None:
            done = seqs[:, -1] == eos
            step = torch.where(
                done[:, None], torch.full_like(step, float("-inf")).index_fill(1, torch.tensor([eos]), 0.0), step
            )
        best, tok = step.max(dim=-1)
        scores = scores + best
        seqs = torch.cat([seqs, tok[:, None]], dim=1)
        scores, order = scores.sort(descending=True)
        seqs = seqs[order]
    return seqs, scores


def _last_step_only(start_log_probs, log_probs, beam_size, eos=None):
    """Ranks the extensions by the new token's log-prob alone."""
    import torch

    V = start_log_probs.numel()
    scores, first = start_log_probs.topk(min(beam_size, V))
    total, seqs = scores, first[:, None]
    for table in log_probs:
        step = table[seqs[:, -1]]
        if eos is not None:  # a finished beam extends by eos only, at log-prob 0
            finished = torch.full_like(step[0], float("-inf"))
            finished[eos] = 0.0
            step = torch.where((seqs[:, -1] == eos)[:, None], finished, step)
        cand = step.flatten()
        n = min(beam_size, cand.numel())
        _, flat = cand.topk(n)
        total = total[flat // V] + cand[flat]
        seqs = torch.cat([seqs[flat // V], (flat % V)[:, None]], dim=1)
    total, order = total.sort(descending=True)
    return seqs[order], total


def _only(mistake, other):
    """when(): the learner's output is `mistake`'s on this case and not `other`'s (on some small cases two
    mistakes give the same beams; neither hint is shown there, each has cases of its own)."""

    def same(fn, case, actual):
        import numpy as np

        try:
            out = fn_call("beam_search")(_Impl(fn), *case.args, **case.kwargs)
            return all(
                np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-10, atol=1e-12) for a, b in zip(out, actual)
            )
        except Exception:  # a mistake that cannot run this case does not explain it
            return False

    def when(case, actual, expected):
        return same(mistake, case, actual) and not same(other, case, actual)

    return when


class _Impl:
    """A one-function module stand-in for fn_call."""

    def __init__(self, fn):
        self.beam_search = fn


def _other_order(case, actual, expected):
    """The reference's beams, every one, in another order (a heap's, ascending, unsorted)."""
    import numpy as np

    try:
        seqs, scores = (np.asarray(a) for a in actual)
        want_seqs, want_scores = (np.asarray(e) for e in expected)
    except (TypeError, ValueError):
        return False
    if seqs.shape != want_seqs.shape or scores.shape != want_scores.shape or np.array_equal(seqs, want_seqs):
        return False
    rows = sorted(map(tuple, seqs.tolist()))
    return rows == sorted(map(tuple, want_seqs.tolist())) and np.allclose(np.sort(scores), np.sort(want_scores))


def _length_normalized(start_log_probs, log_probs, beam_size, eos=None):
    from reference_impls.torch.beam_search import beam_search

    seqs, scores = beam_search(start_log_probs, log_probs, beam_size, eos)
    return seqs, scores / seqs.shape[1]


def _eos_ignored(start_log_probs, log_probs, beam_size, eos=None):
    from reference_impls.torch.beam_search import beam_search

    return beam_search(start_log_probs, log_probs, beam_size, None)


EXERCISE = scoped(
    Exercise.of(
        info("beam_search"),
        preamble=PREAMBLE,
        task="""Beam search keeps the beam_size best partial sequences by TOTAL log-probability.

The model: start_log_probs (V,) = log p(x_0), log_probs (L - 1, V, V) with log_probs[t - 1, u, v] =
log p(x_t = v | x_{t-1} = u): a table per step (a stand-in for a language model). Sequences have L tokens.

beam_search(start_log_probs, log_probs, beam_size, eos=None) -> (sequences (n, L) int64, scores (n,)),
best first, n = beam_size or fewer when fewer sequences exist:
  - start with the beam_size most likely first tokens;
  - each step: extend EVERY beam by EVERY token (score + log_probs[t - 1, last, v]) and keep the
    beam_size best of ALL the extensions together (not the best few of each beam);
  - eos: a sequence whose last token is eos is finished; it extends only by eos, at no cost (score
    unchanged), so it keeps competing for a place in the beam and comes out padded with eos.
Ties do not occur (random log-probs, one table per step). beam_size 1 is greedy; a beam of V^(L-1)
is exhaustive search. Find an example where greedy misses the best sequence.""",
        entry_points=(
            EntryPoint(
                "beam_search",
                "(start_log_probs, log_probs, beam_size, eos=None)",
                "(sequences (n, L) int64, scores (n,) log_probs' dtype), best first.",
            ),
        ),
        checks=(
            Check(
                "beam",
                "beam_search",
                beam_cases,
                call=fn_call("beam_search"),
                tolerance={"float64": (1e-10, 1e-12)},
                description="beam 1 (greedy), 3, 4, every prefix (exhaustive), more than there are; eos; greedy misses the best",
            ),
        ),
        probes=(
            Probe(
                "beam_size separate greedy searches: each step ranks every extension of every beam TOGETHER (flatten the "
                "(n, V) candidate scores, then topk) so one strong prefix can take several places",
                when=_only(_per_beam_greedy, _last_step_only),
            ),
            Probe(
                "ranked by the new token's log-prob alone: rank by the sequence's TOTAL score, score + log p(token)",
                when=_only(_last_step_only, _per_beam_greedy),
            ),
            Probe(
                "the beams are right but not sorted best first: return them by score, descending (topk sorts; "
                "a heap keeps the WORST at its root)",
                when=_other_order,
            ),
            Probe(
                "the scores are divided by the length (a length penalty): the task's score is the total "
                "log-probability, unnormalized",
                impl={"beam_search": _length_normalized},
            ),
            Probe(
                "the beam a flattened candidate extends is flat // V (the rows of the (n, V) candidate scores), its "
                "token flat % V; not flat % n_beams",
                impl="wrong/beam_search/beam_index_modulo.py",
            ),
            Probe(
                "eos ignored: a finished sequence may only add eos, at no cost, and keeps its place in the competition",
                impl={"beam_search": _eos_ignored},
            ),
            Probe(
                "a finished sequence pays nothing: it extends only by eos at score + 0, not + log p(eos | eos) "
                "from the table, so it keeps its score to the end",
                impl="wrong/beam_search/charges_finished.py",
            ),
            Probe(
                "impossible sequences (score -inf: a token after eos) fill the beam: keep at most as many candidates "
                "as are finite, min(beam_size, number of finite scores)",
                impl="wrong/beam_search/keeps_impossible.py",
            ),
            Probe(
                "a beam wider than the vocabulary: there are only V first tokens, so start with "
                "topk(min(beam_size, V)) (and keep at most as many candidates as exist at each step)",
                impl="wrong/beam_search/beam_wider_than_vocab.py",
            ),
            Probe(
                "finished sequences dropped: a sequence ending in eos stays in the beam with its score (padded with eos)",
                impl="wrong/beam_search/drop_finished.py",
            ),
        ),
    )
)
