"""Exercise: ALiBi, attention with linear biases (slopes per the paper's code, non-powers of 2 included)."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._precision import computed_in_float32, float32_hint
from reference_impls.exercises._torch import case, fn_call, randn, scoped, seeded

PREAMBLE = "import math\n\nimport torch\n"


def slope_cases():
    for n in (8, 4, 1, 2):
        yield case(f"{n}_heads", n_heads=n, note="a power of 2: 2^(-8/n), 2^(-16/n), ..." if n == 8 else "")
    for n in (12, 6, 5, 24):
        yield case(
            f"{n}_heads",
            n_heads=n,
            note="not a power of 2: the closest smaller power's slopes, then every other slope of twice that power",
        )


def bias_cases():
    import torch

    yield case("4_heads_T5", n_heads=4, T=5)
    yield case("6_heads_T3_float64", n_heads=6, T=3, dtype=torch.float64)
    yield case("T1", n_heads=2, T=1, zero_ok=True, note="one position: the bias is 0")


def attention_cases():
    for n, (B, H, T, E) in enumerate([(2, 8, 6, 4), (1, 12, 5, 8), (2, 3, 7, 4)]):
        for dtype in ("float32", "float64") if n < 2 else ("float32",):  # 12 heads: slopes 2^(-k/2), inexact in float32
            s = 44000 + 2 * n + (dtype == "float64")
            rng = seeded(s)
            q, k, v = (randn(rng, (B, H, T, E), dtype, 2.0 if i < 2 else 1.0) for i in range(3))
            yield case(
                f"{H}_heads",
                s,
                q=q,
                k=k,
                v=v,
                note="causal, no position embeddings: the bias is the only position signal",
            )


# -- known mistakes -----------------------------------------------------------------------------------


def _slopes_naive(n_heads):
    """2^(-8 i / n) for every n: right for powers of 2 only."""
    import torch

    return torch.tensor([2 ** (-8 * (i + 1) / n_heads) for i in range(n_heads)], dtype=torch.float64)


def _slopes_from_one(n_heads):
    """The paper's sequence shifted by one: 1, r, r^2, ... (r = 2^(-8/n))."""
    import math

    from reference_impls.torch.alibi import alibi_slopes

    return alibi_slopes(n_heads) / 2 ** (-8 / 2 ** math.floor(math.log2(n_heads)))


def _with_slopes(slopes):
    def bias(n_heads, T, dtype=None):
        import torch

        pos = torch.arange(T, dtype=torch.float64)
        return (slopes(n_heads)[:, None, None] * (pos[None, :] - pos[:, None])).to(dtype or torch.float32)

    def attention(q, k, v):
        import torch

        from reference_impls.torch.attention import scaled_dot_product_attention

        T = q.size(-2)
        b = bias(q.size(1), T, q.dtype).masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))
        return scaled_dot_product_attention(q, k, v, attn_mask=b)

    return {"alibi_slopes": slopes, "alibi_bias": bias, "alibi_attention": attention}


def _bias_of_key_only(n_heads, T, dtype=None):
    """The paper's code: m * j for every query (a row shift of m * (j - i), which the softmax ignores)."""
    import torch

    from reference_impls.torch.alibi import alibi_slopes

    j = torch.arange(T, dtype=torch.float64)
    return (alibi_slopes(n_heads)[:, None, None] * j.expand(T, T)).to(dtype or torch.float32)


def _attention_bias_scaled(q, k, v):
    import math

    import torch

    from reference_impls.torch.alibi import alibi_bias

    T = q.size(-2)
    scores = (q @ k.transpose(-2, -1) + alibi_bias(q.size(1), T, q.dtype)) / math.sqrt(q.size(-1))
    scores = scores.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def _sign_flipped(n_heads, T, dtype=None):
    from reference_impls.torch.alibi import alibi_bias

    return -alibi_bias(n_heads, T) if dtype is None else -alibi_bias(n_heads, T, dtype)


def _symmetric(n_heads, T, dtype=None):
    from reference_impls.torch.alibi import alibi_bias

    return -(alibi_bias(n_heads, T) if dtype is None else alibi_bias(n_heads, T, dtype)).abs()


EXERCISE = scoped(
    Exercise.of(
        info("alibi"),
        preamble=PREAMBLE,
        task="""ALiBi (Press et al. 2022, "Train Short, Test Long"): no position embeddings; each head h adds
m_h * (j - i) to the score of query i for key j (0 on the diagonal, -m_h per step back).

1. alibi_slopes(n_heads): (n_heads,) float64. For n a power of 2: the geometric sequence that
   starts at 2^(-8/n) with ratio 2^(-8/n) (8 heads: 1/2, 1/4, ..., 1/256). Otherwise, as the
   paper's code (get_slopes): the slopes for the closest smaller power of 2, k, followed by the
   slopes for 2k taken at every other position ([0::2]), as many as are missing.
2. alibi_bias(n_heads, T, dtype=torch.float32): (n_heads, T, T), bias[h, i, j] = m_h * (j - i)
   for EVERY i, j (positive above the diagonal: the causal mask removes those).
3. alibi_attention(q, k, v): q, k, v (B, n_heads, T, E) -> (B, n_heads, T, E): causal attention,
   softmax(q k^T / sqrt(E) + bias + causal -inf) v.
The paper's implementation adds m * j instead of m * (j - i): why does the softmax not notice?""",
        entry_points=(
            EntryPoint("alibi_slopes", "(n_heads)", "(n_heads,) torch.float64 slopes m_h."),
            EntryPoint("alibi_bias", "(n_heads, T, dtype=torch.float32)", "(n_heads, T, T): m_h * (j - i)."),
            EntryPoint("alibi_attention", "(q, k, v)", "q, k, v (B, n_heads, T, E) -> (B, n_heads, T, E), causal."),
        ),
        checks=(
            Check(
                "slopes",
                "alibi_slopes",
                slope_cases,
                call=fn_call("alibi_slopes"),
                tolerance={"float64": (1e-12, 0.0)},
                description="1, 2, 4, 8 heads; 5, 6, 12, 24 heads (not powers of 2)",
            ),
            Check(
                "bias",
                "alibi_bias",
                bias_cases,
                call=fn_call("alibi_bias"),
                description="4 heads T 5, 6 heads float64, T 1",
            ),
            Check(
                "attention",
                "alibi_attention",
                attention_cases,
                call=fn_call("alibi_attention"),
                description="8 heads float32/64, 12 heads, 3 heads; causal",
            ),
        ),
        probes=(
            Probe(
                "slopes 2^(-8 i / n) for every n: right for powers of 2 only; for other n the paper's code takes the "
                "closest smaller power of 2, then every other slope of twice that power",
                impl=_with_slopes(_slopes_naive),
            ),
            Probe(
                "the slope sequence starts at 2^(-8/n), not at 1: m_1 = 2^(-8/n), m_h = m_1^h",
                impl=_with_slopes(_slopes_from_one),
            ),
            Probe(
                "the bias has the wrong sign: keys further back must get MORE negative scores, m * (j - i) with j < i",
                impl={"alibi_bias": _sign_flipped},
            ),
            Probe(
                "a symmetric -m |i - j| bias: the same under a causal mask, but alibi_bias is m * (j - i) everywhere "
                "(positive above the diagonal)",
                impl={"alibi_bias": _symmetric},
            ),
            Probe(
                "alibi_bias is m * (j - i), 0 on the diagonal: m * j (the paper's code) differs by m * i per row, which "
                "the softmax ignores but this bias matrix does not",
                impl={"alibi_bias": _bias_of_key_only},
                checks=("bias",),
            ),
            Probe(
                "the bias was divided by sqrt(E) with the scores: add it after the scaling, q k^T / sqrt(E) + bias",
                impl={"alibi_attention": _attention_bias_scaled},
                checks=("attention",),
            ),
            Probe(
                float32_hint("attention", "build the bias in q's dtype, alibi_bias(n_heads, T, q.dtype)"),
                when=computed_in_float32,
                checks=("attention",),
            ),
            Probe(
                "the causal mask is missing: ALiBi as in the paper is a decoder's, keys j > i get -inf",
                impl="wrong/alibi/no_causal_mask.py",
                checks=("attention",),
            ),
        ),
        equivalent_mutants=(
            Equivalent(
                "alibi_bias",
                "torch.arange(T, dtype=torch.float64)",
                "torch.arange(T)",
                "integer positions: j - i is exact as int64 and promotes to float64 when multiplied by the float64 slopes",
            ),
            Equivalent(
                "alibi_bias",
                "torch.arange(T, dtype=torch.float64)",
                "torch.arange(T, dtype=torch.float32)",
                "positions and their differences are small integers, exact in float32; the product with the float64 slopes is float64",
            ),
        ),
    )
)
