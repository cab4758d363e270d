"""Exercise: speculative decoding: draft, verify, and a output distribution equal to the target's (chi-square)."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch import case, chi_square_test, fn_call, scoped, seeded

PREAMBLE = "import torch\n"

SAMPLES = 800
ALPHA = 1e-3  # significance level of the chi-square test (seeded generator: deterministic per solution)

TARGET = [[0.50, 0.30, 0.20], [0.15, 0.60, 0.25], [0.30, 0.30, 0.40]]
DRAFT = [[0.20, 0.20, 0.60], [0.50, 0.25, 0.25], [0.60, 0.20, 0.20]]


def _rows(rng, n, V):
    p = rng.random((n, V)) + 0.05
    return p / p.sum(axis=1, keepdims=True)


def residual_cases():
    import numpy as np

    for n in range(3):
        s = 58000 + n
        rng = seeded(s)
        p, q = _rows(rng, 2, 6)
        yield case(f"random_{n}", s, p=p, q=q)
    yield case(
        "hand_worked",
        p=np.array([0.2, 0.5, 0.3]),
        q=np.array([0.4, 0.1, 0.5]),
        note="max(0, p - q) = [0, 0.4, 0]: all on token 1",
    )
    for rng, (V,), _, s in fresh([(6,), (2,)], ("float64",), seed=58050, n=2):  # the vocabulary drawn afresh
        p, q = _rows(rng, 2, max(V, 2))
        yield case("fresh", s, p=p, q=q)


def verify_cases():
    import numpy as np

    all_accepted = "small uniforms: everything accepted, the next token comes from p[gamma]"
    for n, (gamma, V, u_scale, note) in enumerate(
        [(4, 6, 1.0, ""), (3, 5, 0.05, all_accepted), (5, 4, 1.0, ""), (1, 3, 1.0, "gamma = 1")]
    ):
        s = 58100 + n
        rng = seeded(s)
        q, p = _rows(rng, gamma, V), _rows(rng, gamma + 1, V)
        tokens = np.array([rng.choice(V, p=row) for row in q])
        yield case(
            f"gamma{gamma}_V{V}",
            s,
            draft_tokens=tokens,
            q_probs=q,
            p_probs=p,
            uniforms=rng.random(gamma) * u_scale,
            note=note,
        )
    yield case(
        "reject_first",
        draft_tokens=np.array([1, 1]),
        q_probs=np.array([[0.5, 0.5], [0.5, 0.5]]),
        p_probs=np.array([[0.8, 0.2], [0.4, 0.6], [0.3, 0.7]]),
        uniforms=np.array([0.5, 0.1]),
        note="p/q = 0.4 < u = 0.5: rejected at once; residual max(0, p - q) = [0.3, 0] -> [1, 0]",
    )
    yield case(
        "u_equals_the_ratio",
        draft_tokens=np.array([0]),
        q_probs=np.array([[0.5, 0.5]]),
        p_probs=np.array([[0.4, 0.6], [0.3, 0.7]]),
        uniforms=np.array([0.8]),
        note="u = p/q = 0.8 exactly (u * q == p in floats too): accepted, u <= p/q",
    )
    yield case(
        "accept_when_p_above_q",
        draft_tokens=np.array([0, 1]),
        q_probs=np.array([[0.5, 0.5], [0.5, 0.5]]),
        p_probs=np.array([[0.8, 0.2], [0.4, 0.6], [0.3, 0.7]]),
        uniforms=np.array([0.99, 0.99]),
        note="p >= q: always accepted, whatever u; then the extra token from p[2]",
    )
    for rng, (gamma, V), _, s in fresh([(4, 6), (1, 3)], ("float64",), seed=58150, n=2):  # drawn afresh
        V = max(V, 2)
        q, p = _rows(rng, gamma, V), _rows(rng, gamma + 1, V)
        tokens = np.array([rng.choice(V, p=row) for row in q])
        ratio = p[np.arange(gamma), tokens] / q[np.arange(gamma), tokens]
        u = rng.random(gamma)
        u = np.where(np.abs(u - ratio) < 1e-3, (u + 0.5) % 1.0, u)  # no u within rounding of p/q: a clear verdict
        yield case("fresh", s, draft_tokens=tokens, q_probs=q, p_probs=p, uniforms=u)


def verify_call(impl, draft_tokens, q_probs, p_probs, uniforms):
    import torch

    n, next_probs = impl.verify(*(torch.from_numpy(a) for a in (draft_tokens, q_probs, p_probs, uniforms)))
    return {"n_accepted": int(n), "next_probs": torch.as_tensor(next_probs).numpy()}


def distribution_cases():
    import numpy as np

    for n, (last, gamma, n_tokens) in enumerate([(0, 3, 2), (2, 1, 2), (1, 1, 3)]):
        s = 58200 + n
        yield case(
            f"after_{last}_gamma{gamma}" + ("_three_tokens" if n_tokens == 3 else ""),
            s,
            last_token=last,
            draft_table=np.array(DRAFT),
            target_table=np.array(TARGET),
            gamma=gamma,
            n_tokens=n_tokens,
            note=f"{SAMPLES} runs of speculative_generate(n_tokens=2), generator seeded with {s}: the (x1, x2) "
            f"counts against target[last, x1] * target[x1, x2], chi-square at level {ALPHA}"
            if n_tokens == 2
            else f"{SAMPLES} runs of speculative_generate(n_tokens=3) with gamma 1: a second round follows a first "
            "of 2 tokens; the (x2, x3) counts against the target's, chi-square",
        )


def distribution_call(impl, last_token, draft_table, target_table, gamma, n_tokens=2):
    """Counts of the last two of n_tokens generated tokens over SAMPLES seeded runs, flattened (V * V,)."""
    import torch

    V = target_table.shape[0]
    g = torch.Generator().manual_seed(int(1000 * last_token + gamma))
    draft, target = torch.from_numpy(draft_table), torch.from_numpy(target_table)
    counts = torch.zeros(V * V, dtype=torch.int64)
    for _ in range(SAMPLES):
        out = [int(t) for t in impl.speculative_generate(last_token, n_tokens, draft, target, gamma, generator=g)]
        if len(out) != n_tokens:
            raise ValueError(f"speculative_generate(n_tokens={n_tokens}) returned {len(out)} tokens")
        counts[out[-2] * V + out[-1]] += 1
    return counts.numpy()


def _joint(table, case):
    """P(x_{n-1}, x_n) when every token is drawn from `table`: the row of last_token pushed through the chain."""
    before = table[case.kwargs["last_token"]]  # the distribution of x1
    for _ in range(case.kwargs.get("n_tokens", 2) - 2):
        before = before @ table
    return (before[:, None] * table).reshape(-1)


def _expected(case):
    return _joint(case.kwargs["target_table"], case)


def chi_square(expected, actual, case):
    import torch

    probs = torch.from_numpy(_expected(case))
    counts = torch.as_tensor(actual, dtype=torch.float64).reshape(-1)
    if counts.shape != probs.shape or counts.sum() != SAMPLES:
        return f"expected {SAMPLES} pairs of tokens, got counts {counts.tolist()}"
    stat, p_value = chi_square_test(counts, probs)
    if p_value < ALPHA:
        return (
            f"the tokens do not follow the target model: chi-square {stat:.1f}, p-value {p_value:.2g} < {ALPHA}; "
            f"counts {counts.int().tolist()}, expected {[round(w, 1) for w in (probs * SAMPLES).tolist()]}"
        )
    return None


# -- known mistakes -----------------------------------------------------------------------------------


def _verify(rule="p_over_q", on_reject="residual", all_accepted_row="gamma", strict=False):
    def verify(draft_tokens, q_probs, p_probs, uniforms):
        from reference_impls.torch.speculative import residual_distribution

        for i, x in enumerate(draft_tokens.tolist()):
            ratio = p_probs[i, x] / q_probs[i, x] if rule == "p_over_q" else q_probs[i, x] / p_probs[i, x]
            if uniforms[i] > min(1.0, float(ratio)) or (strict and uniforms[i] == float(ratio)):
                return i, residual_distribution(p_probs[i], q_probs[i]) if on_reject == "residual" else p_probs[i]
        g = len(draft_tokens)
        return g, p_probs[g if all_accepted_row == "gamma" else g - 1]

    return {"verify": verify}


def _negative_or_nonfinite(case, actual, expected):
    """Without the clamp, p - q sums to 0: the 'distribution' has negative entries, or is inf / nan after / 0."""
    import numpy as np

    a = np.asarray(actual, dtype=float)
    return bool((~np.isfinite(a)).any() or (a < 0).any())


def _none_rejected_counted_zero(case, actual, expected):
    """Every draft token accepted, and the learner's n_accepted is 0 (argmax of an all-False mask)."""
    if not isinstance(actual, dict):
        return False
    gamma = len(case.kwargs["draft_tokens"])
    return expected["n_accepted"] == gamma > 0 and actual.get("n_accepted") == 0


def _residual_unnormalized(p, q):
    return (p - q).clamp(min=0)


def _residual_abs(p, q):
    r = (p - q).abs()
    return r / r.sum()


def _looks_like_the_draft(case, actual, expected):
    """The learner's tokens fit the DRAFT's joint distribution better than the target's."""
    import numpy as np

    try:
        counts = np.asarray(actual, dtype=float).reshape(-1)

        def fit(probs):
            return (((counts - probs * counts.sum()) ** 2) / (probs * counts.sum())).sum()

        return fit(_joint(case.kwargs["draft_table"], case)) < fit(_expected(case))
    except (TypeError, ValueError, KeyError, IndexError):  # not counts: not this mistake
        return False


EXERCISE = scoped(
    Exercise.of(
        info("speculative_decoding"),
        preamble=PREAMBLE,
        task="""Speculative sampling (Leviathan et al. 2023, Algorithm 1; Chen et al. 2023): a cheap draft model
proposes gamma tokens, the target model scores them all in one pass, and an accept / reject rule makes
the output distributed EXACTLY as the target's. Here the models are bigram tables: table[u] is the
distribution of the token after u (rows sum to 1).

1. residual_distribution(p, q): max(0, p - q) normalized to sum 1.
2. verify(draft_tokens (gamma,) int64, q_probs (gamma, V), p_probs (gamma + 1, V), uniforms (gamma,))
   -> (n_accepted: int, next_probs (V,)). For i = 0, 1, ...: accept x_i = draft_tokens[i] when
   uniforms[i] <= p_probs[i, x_i] / q_probs[i, x_i]; at the first rejection return (i,
   residual_distribution(p_probs[i], q_probs[i])); if all gamma are accepted return (gamma, p_probs[gamma]).
3. speculative_step(last_token, draft_table, target_table, gamma, generator=None) -> list of ints:
   draft gamma tokens one by one from draft_table (torch.multinomial(row, 1, generator=generator));
   p_probs = target_table[[last_token, x_1, ..., x_gamma]]; uniforms = torch.rand(gamma, generator=
   generator); verify; return the accepted tokens plus one token drawn from next_probs.
4. speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
   rounds of speculative_step (each continuing from the last token so far) until n_tokens, cut to n_tokens.
Checked: verify on given uniforms, and the (x1, x2) distribution of 800 seeded generations against
the target's by chi-square at level 0.001. Why is P(x) = min(p, q)(x) + max(0, p - q)(x) = p(x)?""",
        entry_points=(
            EntryPoint("residual_distribution", "(p, q)", "(V,) norm(max(0, p - q))."),
            EntryPoint("verify", "(draft_tokens, q_probs, p_probs, uniforms)", "(n_accepted int, next_probs (V,))."),
            EntryPoint(
                "speculative_step",
                "(last_token, draft_table, target_table, gamma, generator=None)",
                "A list of 1 to gamma + 1 ints.",
            ),
            EntryPoint(
                "speculative_generate",
                "(last_token, n_tokens, draft_table, target_table, gamma, generator=None)",
                "A list of n_tokens ints.",
            ),
        ),
        checks=(
            Check(
                "residual",
                "residual_distribution",
                residual_cases,
                call=fn_call("residual_distribution"),
                description="random rows; by hand",
            ),
            Check(
                "verify",
                "verify",
                verify_cases,
                call=verify_call,
                description="gamma 1-5 with given uniforms; all accepted; rejected at once; u exactly p/q; p >= q always "
                "accepted",
            ),
            Check(
                "distribution",
                "speculative_generate",
                distribution_cases,
                call=distribution_call,
                compare=chi_square,
                description=f"{SAMPLES} seeded generations of 2 tokens (and of 3, two rounds), chi-square against the "
                f"target at level {ALPHA}",
            ),
        ),
        probes=(
            Probe(
                "on a rejection, resample from the RESIDUAL norm(max(0, p - q)), not from p: sampling p again over-counts "
                "the tokens the draft already proposes",
                impl=_verify(on_reject="target"),
            ),
            Probe(
                "accept when u <= p/q, the equality included (u == p/q is accepted)",
                impl=_verify(strict=True),
                checks=("verify",),
            ),
            Probe(
                "the acceptance ratio is p / q (target over draft): accept when u <= p(x) / q(x)",
                impl=_verify(rule="q_over_p"),
            ),
            Probe(
                "all gamma accepted: the extra token comes from p_probs[gamma], the target's distribution AFTER the last draft token",
                impl=_verify(all_accepted_row="gamma_minus_1"),
            ),
            Probe(
                "nothing rejected: n_accepted is gamma when every draft token passes; an argmax over the rejection "
                "mask returns 0 when it is all False (test rejected.any() first)",
                when=_none_rejected_counted_zero,
                checks=("verify",),
            ),
            Probe(
                "the round's last token comes from verify's next_probs: after a rejection that is the residual "
                "norm(max(0, p - q)), not the target's row again",
                impl="wrong/speculative_decoding/next_token_from_target_row.py",
                checks=("distribution",),
                presumes=("verify",),  # a verify that returns p on a rejection makes the same tokens
            ),
            Probe(
                "every round continues from the last token generated (out[-1]), not from the original last_token",
                impl="wrong/speculative_decoding/stale_context.py",
                checks=("distribution",),
            ),
            Probe(
                "the residual keeps only the POSITIVE part of p - q: clamp(min=0) before normalizing",
                when=_negative_or_nonfinite,
                checks=("residual",),
            ),
            Probe(
                "normalize the residual: max(0, p - q) sums to 1 - sum(min(p, q)); divide it by its sum",
                impl={"residual_distribution": _residual_unnormalized},
            ),
            Probe(
                "|p - q| is not the residual: max(0, p - q), the mass the target has beyond the draft",
                impl={"residual_distribution": _residual_abs},
            ),
            Probe(
                "q_probs[i] must be the draft distribution x_i was drawn from, draft_table[previous token] "
                "(draft_table[x_i] is the distribution after it)",
                impl="wrong/speculative_decoding/draft_rows_shifted.py",
                checks=("distribution",),
            ),
            Probe(
                "the tokens follow the DRAFT model more than the target: draft tokens are accepted too often; check the "
                "u <= p/q test and the rows it compares",
                when=_looks_like_the_draft,
                checks=("distribution",),
            ),
            Probe(
                "the tokens do not follow the target model: check verify's accept / reject rule and that every round "
                "continues from the last token generated",
                when=lambda case, actual, expected: (
                    not hasattr(actual, "message") and chi_square(expected, actual, case) is not None
                ),
                checks=("distribution",),
            ),
        ),
        equivalent_mutants=(
            Equivalent(
                "speculative_step",
                "uniforms = torch.rand(gamma, generator=generator, dtype=p_rows.dtype)",
                "torch.rand(gamma, generator=generator)",
                "float32 uniforms are other draws from the same U(0, 1): the tokens keep the target's distribution, "
                "which is all the checks (and the algorithm) promise",
            ),
            Equivalent(
                "speculative_generate",
                "while len(out) < n_tokens:",
                "len(out) <= n_tokens",
                "one round more, then cut to n_tokens: the same first n_tokens tokens, only more work",
            ),
        ),
    )
)
