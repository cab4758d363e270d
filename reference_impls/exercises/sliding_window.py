"""Exercise: sliding-window attention (Mistral's causal band, Longformer's two-sided one)."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch import case, fn_call, randn, scoped, seeded

PREAMBLE = "import math\n\nimport torch\n"


def mask_cases():
    yield case("causal_T6_W3", T=6, window=3, note="row i: keys i-2, i-1, i")
    yield case("causal_W1", T=4, window=1, note="window 1: each token sees only itself")
    yield case("causal_W_past_T", T=4, window=9, note="window >= T: plain causal")
    yield case("bidirectional_T7_r2", T=7, window=2, causal=False, note="radius 2 on both sides: up to 5 keys")
    yield case("bidirectional_T8_r3", T=8, window=3, causal=False, note="radius 3 on both sides: up to 7 keys")
    for rng, (T,), _, s in fresh([(6,), (1,), (11,)], ("bool",), seed=43050, n=2):  # drawn afresh
        yield case("fresh", s, T=T, window=int(rng.integers(1, T + 3)), causal=bool(rng.integers(2)))


def attention_cases():
    for n, (B, H, T, E, W, causal) in enumerate(
        [(2, 2, 8, 4, 3, True), (1, 3, 6, 8, 2, False), (2, 1, 5, 4, 1, True), (1, 2, 7, 4, 7, True)]
    ):
        for dtype in ("float32", "float64") if n < 2 else ("float32",):
            s = 43000 + 2 * n + (dtype == "float64")
            rng = seeded(s)
            q, k, v = (randn(rng, (B, H, T, E), dtype) for _ in range(3))
            yield case(
                f"{'causal' if causal else 'bidirectional'}_W{W}",
                s,
                q=q,
                k=k,
                v=v,
                window=W,
                causal=causal,
                note={1: "window 1: the output is v itself", 7: "window >= T: full causal attention"}.get(W, ""),
            )
    for rng, (B, H, T, E), dtype, s in fresh([(2, 2, 8, 4), (1, 3, 5, 3)], seed=43050, n=1):  # drawn afresh
        q, k, v = (randn(rng, (B, H, T, E), dtype) for _ in range(3))
        W, causal = int(rng.integers(1, T + 2)), bool(rng.integers(2))
        yield case("fresh", s, q=q, k=k, v=v, window=W, causal=causal, note=f"window {W}, causal={causal}")


def _mask(kind):
    def mask(T, window, causal=True, device=None):
        import torch

        i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
        if kind == "w_plus_one":
            return (j <= i) & (j >= i - window) if causal else (i - j).abs() <= window
        if kind == "no_window":
            return j <= i if causal else torch.ones(T, T, dtype=torch.bool)
        if kind == "inverted":
            return ~((j <= i) & (j > i - window) if causal else (i - j).abs() <= window)
        if kind == "total_width":
            return (j <= i) & (j > i - window) if causal else (i - j).abs() <= window // 2
        if kind == "radius_strict":
            return (j <= i) & (j > i - window) if causal else (i - j).abs() < window
        raise ValueError(kind)

    def attention(q, k, v, window, causal=True):
        from reference_impls.torch.attention import scaled_dot_product_attention

        band = mask(q.size(-2), window, causal)
        return scaled_dot_product_attention(q, k, v, attn_mask=~band if kind == "inverted" else band)

    return {"sliding_window_mask": mask, "sliding_window_attention": attention}


EXERCISE = scoped(
    Exercise.of(
        info("sliding_window"),
        preamble=PREAMBLE,
        task="""Each query sees only a band of nearby keys: O(T * window) work for a real kernel (here a mask).

1. sliding_window_mask(T, window, causal=True): (T, T) bool, True where query i may attend key j.
   causal (Mistral 7B): the `window` most recent tokens INCLUDING i itself: i - window < j <= i.
   bidirectional (causal=False, Longformer): a radius, |i - j| <= window.
2. sliding_window_attention(q, k, v, window, causal=True): q, k, v (..., T, E) -> (..., T, E),
   scaled dot-product attention (1/sqrt(E)) restricted to the band.
Counting matters: Mistral's first reference code used triu(diagonal=-W), W + 1 keys; Hugging Face
counts W including the query. With window >= T the causal band is plain causal attention.
How far can information travel through L stacked windowed layers?""",
        entry_points=(
            EntryPoint("sliding_window_mask", "(T, window, causal=True, device=None)", "(T, T) torch.bool band."),
            EntryPoint(
                "sliding_window_attention", "(q, k, v, window, causal=True)", "q, k, v (..., T, E) -> (..., T, E)."
            ),
        ),
        checks=(
            Check(
                "mask",
                "sliding_window_mask",
                mask_cases,
                call=fn_call("sliding_window_mask"),
                description="causal W 3 / 1 / past T, bidirectional radius 2",
            ),
            Check(
                "attention",
                "sliding_window_attention",
                attention_cases,
                call=fn_call("sliding_window_attention"),
                tolerance={"float32": (1e-5, 1e-6)},
                description="float32/64; causal W 1 / 3 / T, bidirectional radius 2",
            ),
        ),
        probes=(
            Probe(
                "one key too many: the causal window holds `window` keys counting the query itself, i - window < j <= i "
                "(j >= i - window is window + 1 keys)",
                impl=_mask("w_plus_one"),
            ),
            Probe(
                "no window: the band must also cut off keys more than window - 1 positions back",
                impl=_mask("no_window"),
            ),
            Probe(
                "the mask is inverted: True where query i MAY attend key j (F.scaled_dot_product_attention's boolean "
                "convention), False outside the band",
                impl=_mask("inverted"),
                checks=("mask",),
            ),
            Probe(
                "window read as the band's total width (Longformer's w, w/2 on each side): here it is the radius, "
                "|i - j| <= window on each side",
                impl=_mask("total_width"),
            ),
            Probe("the bidirectional radius includes its ends: |i - j| <= window", impl=_mask("radius_strict")),
            Probe(
                "the band's sides are swapped: a causal query sees itself and the past, j <= i",
                impl="wrong/sliding_window/future_band.py",
            ),
        ),
    )
)
