"""Exercise: decoding strategies: greedy, temperature, top-k and top-p (nucleus) sampling."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch import case, chi_square_test, fn_call, randn, scoped, seeded

PREAMBLE = "import torch\n"

SAMPLES = 4000
ALPHA = 1e-3  # significance level of the chi-square test on the learner's samples (seeded: deterministic per solution)

SETTINGS = [  # name, temperature, top_k, top_p, note
    ("plain", 1.0, None, None, "temperature 1, no filter: softmax(logits)"),
    ("temperature_0.5", 0.5, None, None, "T < 1 sharpens: softmax(logits / 0.5)"),
    ("temperature_2", 2.0, None, None, "T > 1 flattens"),
    ("top_k_5", 1.0, 5, None, "only the 5 most likely tokens keep probability"),
    ("top_p_0.9", 1.0, None, 0.9, "the smallest set of top tokens whose mass reaches 0.9"),
    ("all_three", 0.7, 8, 0.8, "order: temperature, then top-k, then top-p on the renormalized survivors"),
    ("top_k_past_vocab", 1.0, 50, None, "k >= vocabulary: nothing removed"),
    ("greedy_temperature_0", 0.0, None, None, "temperature 0 means greedy: all the mass on the argmax"),
]


def _logits(seed, shape=(3, 16), dtype="float64"):
    return randn(seeded(seed), shape, dtype, 2.0)


def _fresh_logits(seed, n=1):
    """(rng, logits, seed): a batch of 1 to 4 rows over 1 to 24 tokens, drawn afresh on each run (no ties: continuous)."""
    for rng, shape, dtype, s in fresh([(3, 16), (1, 5)], seed=seed, n=n):
        yield rng, randn(rng, (max(shape[0], 1), max(shape[1], 1)), dtype, 2.0), s


def greedy_cases():
    yield case("batch", 55000, logits=_logits(55000))
    yield case(
        "float32_vector", 55001, logits=_logits(55001, (20,), "float32"), note="a 1-D vector of logits: a 0-d index"
    )
    for _, logits, s in _fresh_logits(55040):
        yield case("fresh", s, logits=logits)


def top_k_cases():
    for n, k in enumerate((1, 3, 10)):
        yield case(f"k{k}", 55010 + n, logits=_logits(55010 + n), k=k)
    yield case(
        "ties",
        logits=__import__("numpy").array([[1.0, 3.0, 3.0, 2.0, 0.5]]),
        k=2,
        note="the 2nd largest ties with the 1st: every logit >= the k-th largest is kept",
    )
    yield case(
        "ties_across_the_kth",
        logits=__import__("numpy").array([[1.0, 3.0, 2.0, 2.0, 0.5], [2.0, 2.0, 2.0, 1.0, 0.0]]),
        k=2,
        note="the 2nd largest (2.0) ties with the 3rd: 3 tokens kept in row 0, 3 in row 1 (not exactly k)",
    )
    for rng, logits, s in _fresh_logits(55050):
        yield case("fresh", s, logits=logits, k=int(rng.integers(1, logits.shape[-1] + 1)))


def top_p_cases():
    import numpy as np

    for n, p in enumerate((0.5, 0.9, 0.99)):
        yield case(f"p{p}", 55020 + n, logits=_logits(55020 + n), p=p)
    yield case(
        "crossing_token",
        logits=np.log(np.array([[0.5, 0.3, 0.15, 0.05]])),
        p=0.6,
        note="0.5 < 0.6: the token that crosses p (0.3) is kept, the rest removed",
    )
    yield case("p_tiny", 55030, logits=_logits(55030), p=1e-6, note="the most likely token always survives")
    for rng, logits, s in _fresh_logits(55060):
        yield case("fresh", s, logits=logits, p=_clear_p(rng, logits))
    yield case(
        "mass_exactly_p",
        logits=np.log(np.array([[0.5, 0.25, 0.125, 0.125], [0.125, 0.5, 0.125, 0.25]])),
        p=0.5,
        note="probabilities 1/2, 1/4, 1/8, 1/8 (exact in binary), p = 0.5: the top token's mass reaches p exactly, "
        "so the nucleus is that token alone (remove while the mass above is >= p)",
    )


def _clear_p(rng, logits):
    """A top-p threshold no row's cumulative mass comes within 1e-3 of: no borderline token on rounding."""
    z = logits.astype("float64") - logits.max(axis=-1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    mass = np.cumsum(-np.sort(-probs, axis=-1), axis=-1)
    for _ in range(100):
        p = float(rng.uniform(0.05, 0.97))
        if np.abs(mass - p).min() > 1e-3:
            return p
    return 1.0


def probs_cases():
    for n, (name, t, k, p, note) in enumerate(SETTINGS):
        s = 55100 + n
        yield case(
            name,
            s,
            logits=_logits(s, dtype="float32" if n % 2 else "float64"),
            temperature=t,
            top_k=k,
            top_p=p,
            note=note,
        )
    for rng, logits, s in _fresh_logits(55140, n=2):  # temperature and top-k drawn too
        k = int(rng.integers(1, logits.shape[-1] + 1)) if rng.integers(2) else None
        yield case("fresh", s, logits=logits, temperature=float(rng.uniform(0.3, 2.0)), top_k=k, top_p=None)
    yield case(
        "temperature_then_top_p",
        55161,
        logits=_logits(55161, dtype="float32"),
        temperature=2.0,
        top_k=None,
        top_p=0.7,
        note="T = 2 flattens before the nucleus is chosen: 8, 8, 5 tokens reach 0.7 (at T = 1: 4, 5, 4)",
    )
    yield case(
        "top_k_then_top_p",
        logits=np.log(np.array([[0.35, 0.25, 0.15, 0.1, 0.08, 0.07], [0.1, 0.25, 0.07, 0.35, 0.08, 0.15]])),
        temperature=1.0,
        top_k=3,
        top_p=0.7,
        note="top-k keeps 0.35, 0.25, 0.15, renormalized 0.47, 0.33, 0.2: the mass above the third is 0.8 >= 0.7, "
        "so top-p keeps two (measured before top-k, 0.35 + 0.25 = 0.6 < 0.7, it would keep three)",
    )


def sample_cases():
    for n, (name, t, k, p, _note) in enumerate(SETTINGS[:6]):
        s = 55200 + n
        yield case(
            name,
            s,
            logits=_logits(s, (10,)),
            temperature=t,
            top_k=k,
            top_p=p,
            note=f"{SAMPLES} draws, generator seeded with {s}: a chi-square test against sampling_probs at level {ALPHA}",
        )


def sample_call(impl, logits, temperature=1.0, top_k=None, top_p=None):
    """Token counts of SAMPLES draws (one call on SAMPLES copies of the logits), with a seeded generator."""
    import torch

    g = torch.Generator().manual_seed(int(logits.size * 1000 + 7))
    batch = torch.from_numpy(logits)[None, :].expand(SAMPLES, logits.size)
    tokens = torch.as_tensor(impl.sample(batch, temperature, top_k, top_p, generator=g))
    return {"shape": tuple(tokens.shape), "counts": torch.bincount(tokens.reshape(-1), minlength=logits.size).numpy()}


def _shape_message(actual) -> str | None:
    shape = tuple(actual["shape"])
    if shape == (SAMPLES,):
        return None
    return (
        f"sample returned tokens of shape {shape} for logits ({SAMPLES}, V); expected ({SAMPLES},): one token per "
        "row (squeeze torch.multinomial's num_samples dim, .squeeze(-1))"
    )


def chi_square(expected, actual, case):
    """Goodness of fit of the learner's counts to the reference's sampling_probs (p-value from gammaincc)."""
    import torch

    shape = _shape_message(actual)
    if shape:
        return shape
    actual = actual["counts"]

    from reference_impls.torch.sampling import sampling_probs

    probs = sampling_probs(
        torch.from_numpy(case.kwargs["logits"]),
        case.kwargs.get("temperature", 1.0),
        case.kwargs.get("top_k"),
        case.kwargs.get("top_p"),
    ).double()
    counts = torch.as_tensor(actual, dtype=torch.float64).reshape(-1)
    if counts.shape != probs.shape or counts.sum() != SAMPLES:
        return f"expected {SAMPLES} tokens in 0..{probs.numel() - 1}, got counts {counts.tolist()}"
    outside = counts[probs == 0].sum()
    if outside:
        return f"{int(outside)} of {SAMPLES} samples are tokens the filters removed (probability 0)"
    stat, p_value = chi_square_test(counts[probs > 0], probs[probs > 0])
    if p_value < ALPHA:
        return (
            f"the samples do not follow sampling_probs: chi-square {stat:.1f}, p-value {p_value:.2g} < {ALPHA} "
            f"(counts {counts.int().tolist()}, expected {[round(w, 1) for w in (probs * SAMPLES).tolist()]})"
        )
    return None


# -- known mistakes -----------------------------------------------------------------------------------


def _top_p_drop_crossing(logits, p):
    import torch

    sorted_logits, order = logits.sort(dim=-1, descending=True)
    cum = torch.softmax(sorted_logits, -1).cumsum(-1)
    remove = cum > p  # the token that crosses p is removed too
    remove[..., 0] = False
    return logits.masked_fill(remove.scatter(-1, order, remove), float("-inf"))


def _top_k_exactly_k(logits, k):
    import torch

    values, index = torch.topk(logits, min(k, logits.size(-1)), dim=-1)
    return torch.full_like(logits, float("-inf")).scatter(-1, index, values)


def _top_k_kth_smallest(logits, k):
    import torch

    kth = torch.kthvalue(logits, min(k, logits.size(-1)), dim=-1, keepdim=True).values
    return logits.masked_fill(logits < kth, float("-inf"))


def _probs(order="k_then_p", temperature_op="divide", k_strict=False):
    def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
        import torch

        from reference_impls.torch.sampling import top_k_filter, top_p_filter

        if temperature == 0:
            return torch.nn.functional.one_hot(logits.argmax(-1), logits.size(-1)).to(logits.dtype)
        logits = logits / temperature if temperature_op == "divide" else logits * temperature
        steps = [("k", top_k), ("p", top_p)] if order == "k_then_p" else [("p", top_p), ("k", top_k)]
        for kind, value in steps:
            if kind == "k" and value is not None:
                if k_strict:
                    kth = torch.topk(logits, min(value, logits.size(-1)), dim=-1).values[..., -1:]
                    logits = logits.masked_fill(logits <= kth, float("-inf"))
                else:
                    logits = top_k_filter(logits, value)
            if kind == "p" and value is not None and value < 1:
                logits = top_p_filter(logits, value)
        return torch.softmax(logits, dim=-1)

    return sampling_probs


def _no_greedy_case(logits, temperature=1.0, top_k=None, top_p=None):
    import torch

    from reference_impls.torch.sampling import top_k_filter, top_p_filter

    logits = logits / temperature
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None and top_p < 1:
        logits = top_p_filter(logits, top_p)
    return torch.softmax(logits, dim=-1)


EXERCISE = scoped(
    Exercise.of(
        info("sampling"),
        preamble=PREAMBLE,
        task="""Turning a model's next-token logits (..., V) into a token.

1. greedy(logits): the argmax along the last dim (int64).
2. top_k_filter(logits, k): every logit below the k-th largest becomes -inf (ties with the k-th are kept;
   k >= V removes nothing). The filters return a new tensor and leave their input unchanged.
3. top_p_filter(logits, p): nucleus filtering (Holtzman et al. 2020). Sort descending; keep a token while
   the probability mass of the tokens ranked ABOVE it is < p (so the token that crosses p is kept, and
   the most likely token always is; where the mass above reaches p exactly, the token is removed:
   the widely copied `cumulative_probs > p` shifted right by one keeps it); -inf for the rest, in the
   original vocabulary order.
4. sampling_probs(logits, temperature=1.0, top_k=None, top_p=None): the distribution to draw from:
   logits / temperature, then top-k, then top-p (on the renormalized survivors), then softmax.
   temperature == 0 means greedy: a one-hot on the argmax.
5. sample(logits (B, V), temperature, top_k, top_p, generator=None) -> (B,) int64: draw from
   sampling_probs with torch.multinomial(probs, 1, generator=generator). Checked statistically:
   4000 draws with a seeded generator, chi-square against sampling_probs at level 0.001.""",
        entry_points=(
            EntryPoint("greedy", "(logits)", "(...) int64 token ids."),
            EntryPoint("top_k_filter", "(logits, k)", "Logits, -inf outside the top k."),
            EntryPoint("top_p_filter", "(logits, p)", "Logits, -inf outside the nucleus of mass p."),
            EntryPoint(
                "sampling_probs", "(logits, temperature=1.0, top_k=None, top_p=None)", "(..., V) probabilities."
            ),
            EntryPoint(
                "sample", "(logits, temperature=1.0, top_k=None, top_p=None, generator=None)", "(B,) int64 tokens."
            ),
        ),
        checks=(
            Check(
                "greedy", "greedy", greedy_cases, call=fn_call("greedy"), description="a batch; a 1-D float32 vector"
            ),
            Check(
                "top_k",
                "top_k_filter",
                top_k_cases,
                call=fn_call("top_k_filter"),
                description="k 1 / 3 / 10; ties at the k-th",
            ),
            Check(
                "top_p",
                "top_p_filter",
                top_p_cases,
                call=fn_call("top_p_filter"),
                description="p 0.5 / 0.9 / 0.99; the crossing token; p tiny",
            ),
            Check(
                "probs",
                "sampling_probs",
                probs_cases,
                call=fn_call("sampling_probs"),
                tolerance={"float32": (1e-5, 1e-6)},
                description="temperature 0.5 / 2 / 0, top-k 5 and past V, top-p 0.9, all three, float32/64",
            ),
            Check(
                "sample",
                "sample",
                sample_cases,
                call=sample_call,
                compare=chi_square,
                description=f"{SAMPLES} seeded draws per setting, chi-square against sampling_probs at level {ALPHA}",
            ),
        ),
        equivalent_mutants=(
            Equivalent(
                "sampling_probs",
                "top_p < 1.0",
                "top_p <= 1.0",
                "top_p = 1.0 through the filter keeps every token whose mass above it is < 1: all of them, but a tail "
                "whose mass is lost to rounding (probabilities far below the tolerance)",
            ),
            Equivalent(
                "sampling_probs",
                "top_p < 1.0",
                "top_p < 2.0",
                "the same: top_p = 1.0 filtered or not, the distribution agrees within the tolerance",
            ),
        ),
        probes=(
            Probe(
                "top-p drops the token that crosses p: keep a token while the mass ranked ABOVE it is < p "
                "(cumsum - prob < p), so the set reaches p",
                impl={"top_p_filter": _top_p_drop_crossing},
            ),
            Probe(
                "top-p accumulates the logits: the nucleus is a mass of PROBABILITIES, softmax the sorted logits "
                "before the cumsum",
                impl="wrong/sampling/top_p_cumsum_of_logits.py",
                checks=("top_p", "probs"),
            ),
            Probe(
                "where the top tokens' mass reaches p exactly, the nucleus is those tokens alone: remove a token where "
                "the mass ranked above it is >= p (`cumulative_probs > p` shifted right by one keeps one token more)",
                impl="wrong/sampling/nucleus_reaches_p_plus_one.py",
                checks=("top_p", "probs"),
            ),
            Probe(
                "exactly k tokens kept: a logit that ties with the k-th largest is kept too; mask the logits BELOW "
                "the k-th largest (logits < topk(logits, k).values[..., -1:]) instead of scattering the top k",
                impl={"top_k_filter": _top_k_exactly_k},
                checks=("top_k",),
            ),
            Probe(
                "torch.kthvalue(x, k) is the k-th SMALLEST value: the threshold is the k-th largest, "
                "torch.topk(logits, k).values[..., -1:] (or kthvalue(logits, V - k + 1))",
                impl={"top_k_filter": _top_k_kth_smallest},
                checks=("top_k",),
            ),
            Probe(
                "top-p before top-k: the order is temperature, top-k, then top-p on what top-k left (renormalized)",
                impl={"sampling_probs": _probs(order="p_then_k")},
            ),
            Probe(
                "the temperature is applied after the filters, so top-p chooses its nucleus at temperature 1: divide the "
                "logits by the temperature first, then top-k, then top-p",
                impl="wrong/sampling/temperature_last.py",
                checks=("probs",),
            ),
            Probe(
                "the argmax is taken over the batch axis: take it over the last dim, the vocabulary (dim=-1)",
                impl={"greedy": lambda logits: logits.argmax(dim=0)},
                checks=("greedy",),
            ),
            Probe(
                "temperature multiplies: DIVIDE the logits by it (T < 1 sharpens)",
                impl={"sampling_probs": _probs(temperature_op="multiply")},
            ),
            Probe(
                "top-k keeps k - 1: remove logits strictly BELOW the k-th largest (logits < kth), keep the k-th itself",
                impl={"sampling_probs": _probs(k_strict=True)},
            ),
            Probe(
                "temperature 0 divides by zero: treat it as greedy (a one-hot on the argmax)",
                impl={"sampling_probs": _no_greedy_case},
            ),
            Probe(
                "the samples do not follow sampling_probs: draw from it, torch.multinomial(probs, 1, generator=generator), "
                "so that every kept token comes up in proportion to its probability",
                when=lambda case, actual, expected: (
                    isinstance(actual, dict)
                    and not _shape_message(actual)
                    and chi_square(expected, actual, case) is not None
                ),
                checks=("sample",),
                presumes=("probs",),  # with a wrong sampling_probs, drawing from it is not the fix
            ),
            Probe(
                "top-p computed on probabilities in the sorted order but written back unsorted: scatter the mask back with the "
                "sort's indices",
                impl="wrong/sampling/unsorted_mask.py",
                checks=("top_p", "probs"),
            ),
        ),
    )
)
