"""Exercise: scaled dot-product attention with causal and padding masks, in PyTorch."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._precision import computed_in_float32, float32_hint
from reference_impls.exercises._torch import case, fn_call, randn, scoped, seeded

PREAMBLE = "import math\n\nimport torch\n"


def _qkv(rng, B, H, L, S, E, dtype, scale=1.0, Ev=None):
    return {
        "q": randn(rng, (B, H, L, E), dtype, scale),
        "k": randn(rng, (B, H, S, E), dtype, scale),
        "v": randn(rng, (B, H, S, E if Ev is None else Ev), dtype),  # Ev != E: d_k is q's and k's size, not v's
    }


def _pad(lengths, S):
    import numpy as np

    return (np.arange(S)[None, :] < np.asarray(lengths)[:, None])[:, None, None, :]  # (B, 1, 1, S), True = real


def sdpa_cases():
    seed = 40000
    for n, (B, H, L, S, E, Ev) in enumerate([(2, 3, 5, 5, 8, 8), (1, 1, 1, 6, 4, 3), (2, 2, 4, 7, 16, 5)]):
        for dtype in ("float32", "float64"):
            s = seed + 2 * n + (dtype == "float64")
            yield case(
                "no_mask" if L == S else "cross_lengths",
                s,
                **_qkv(seeded(s), B, H, L, S, E, dtype, Ev=Ev),
                note="L != S: queries and keys of different lengths; v's size Ev != E" if L != S else "",
            )
    for dtype in ("float32", "float64"):
        s = seed + 10 + (dtype == "float64")
        yield case(
            "causal",
            s,
            **_qkv(seeded(s), 2, 2, 6, 6, 8, dtype),
            is_causal=True,
            note="is_causal: query i sees keys 0..i (row 0 sees only itself)",
        )
    # L != S: the alignment matters. Top-left (F.sdpa's is_causal): query i sees keys 0..i. Bottom-right
    # (a KV cache's) would let query 0 of 3 see 4 of 6 keys, and leave query 0 of 5 no key at all over 3.
    for n, (L, S, dtype) in enumerate([(3, 6, "float32"), (5, 3, "float64")]):
        s = seed + 12 + n
        yield case(
            f"causal_L{L}_S{S}",
            s,
            **_qkv(seeded(s), 2, 2, L, S, 8, dtype),
            is_causal=True,
            note=f"L = {L} queries, S = {S} keys: the causal mask is aligned top-left, query i sees keys 0..i",
        )
    s = seed + 20
    yield case(
        "padding",
        s,
        **_qkv(seeded(s), 3, 2, 5, 5, 4, "float32"),
        attn_mask=_pad([5, 3, 1], 5),
        note="boolean mask (B, 1, 1, S), True = a real key that may be attended; False = padding",
    )
    s = seed + 21
    yield case(
        "causal_and_padding",
        s,
        **_qkv(seeded(s), 2, 2, 6, 6, 4, "float64"),
        attn_mask=_pad([6, 4], 6),
        is_causal=True,
        note="both: a key must be real AND not in the future",
    )
    s = seed + 22
    rng = seeded(s)
    yield case(
        "float_mask",
        s,
        **_qkv(rng, 2, 2, 4, 4, 8, "float32"),
        attn_mask=randn(rng, (2, 4, 4), "float32", 2.0),
        note="a float mask is ADDED to the scores (a bias, as ALiBi's)",
    )
    s = seed + 23
    yield case(
        "explicit_scale",
        s,
        **_qkv(seeded(s), 1, 2, 3, 5, 8, "float64"),
        scale=0.1,
        note="scale given: use it instead of 1 / sqrt(E)",
    )
    s = seed + 24
    yield case(
        "large_scores",
        s,
        **_qkv(seeded(s), 1, 2, 4, 4, 8, "float32", scale=20.0),
        is_causal=True,
        note="scores in the hundreds: exp overflows unless the softmax subtracts the row max",
    )
    # drawn afresh each run: sizes (1 and odd included); no mask, causal, or padding
    for rng, (B, H, L, S, E), dtype, s in fresh([(2, 3, 5, 5, 8), (1, 2, 3, 7, 4)], seed=seed + 50, n=2):
        kind = int(rng.integers(3))  # one mask at a time, so that a failure names one mistake
        masks = {"is_causal": True} if kind == 1 else {}
        if kind == 2:
            masks["attn_mask"] = _pad(rng.integers(1, S + 1, size=B), S)  # every row keeps key 0
        yield case("fresh", s, **_qkv(rng, B, H, L, S, E, dtype), **masks, note="shapes and masks drawn afresh")


def weights_cases():
    for c in sdpa_cases():
        kwargs = {k: v for k, v in c.kwargs.items() if k != "v"}
        yield case(c.name, c.seed, note=c.note, **kwargs)


def mask_cases():
    yield case("T5", T=5)
    yield case("T1", T=1, note="one position: [[True]]")


def padding_cases():
    import numpy as np

    yield case("lengths", lengths=np.array([4, 2, 0, 6]), S=6, note="length 0: no real token")
    yield case("full", lengths=np.array([3]), S=3)


# -- known mistakes -----------------------------------------------------------------------------------


def _weights(
    transform=None,
    fill=float("-inf"),
    inverted=False,
    scale_by=None,
    causal_diag=0,
    ignore_causal_with_mask=False,
    float_mask=None,
    dim=-1,
):
    def weights(q, k, attn_mask=None, is_causal=False, scale=None):
        import math

        import torch

        E = q.size(-1)
        s = (
            scale
            if scale is not None
            else (1.0 / (E if scale_by == "E" else math.sqrt(E)) if scale_by != "none" else 1.0)
        )
        scores = q @ k.transpose(-2, -1)
        if float_mask == "scaled" and attn_mask is not None and attn_mask.dtype != torch.bool:
            scores = scores + attn_mask  # scaled below with the scores
        scores = scores * s
        L, S = scores.shape[-2:]
        if is_causal and not (ignore_causal_with_mask and attn_mask is not None):
            keep = torch.ones(L, S, dtype=torch.bool).tril(causal_diag)
            scores = scores.masked_fill(~keep, fill) if transform != "after" else scores
        if attn_mask is not None:
            if attn_mask.dtype == torch.bool:
                m = attn_mask if inverted else ~attn_mask
                scores = scores.masked_fill(m, fill) if transform != "after" else scores
            elif float_mask == "as_bool":
                scores = scores.masked_fill(attn_mask == 0, fill)
            elif float_mask != "scaled":
                scores = scores + attn_mask
        w = torch.softmax(scores, dim=dim)
        if transform == "after":  # zero the masked weights after the softmax: rows no longer sum to 1
            if is_causal:
                w = w * torch.ones(L, S, dtype=w.dtype).tril()
            if attn_mask is not None and attn_mask.dtype == torch.bool:
                w = w * attn_mask.to(w.dtype)
        return w

    return weights


def _probe(**kwargs):
    w = _weights(**kwargs)
    return {
        "attention_weights": w,
        "scaled_dot_product_attention": lambda q, k, v, attn_mask=None, is_causal=False, scale=None: (
            w(q, k, attn_mask, is_causal, scale) @ v
        ),
    }


def _causal_wrong_diagonal(T):
    import torch

    return torch.ones(T, T, dtype=torch.bool).tril(-1)


def _padding_one_too_many(lengths, S):
    import torch

    return torch.arange(S)[None, :] <= lengths[:, None]


def _causal_upper(T):
    import torch

    return torch.ones(T, T, dtype=torch.bool).triu()


EXERCISE = scoped(
    Exercise.of(
        info("attention"),
        preamble=PREAMBLE,
        task="""Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k) + M) V   (Vaswani et al. 2017, Eq. 1), in
PyTorch, with F.scaled_dot_product_attention's conventions (it is the oracle; do not call it).

1. causal_mask(T): (T, T) bool, True on and below the diagonal (torch.tril).
2. padding_mask(lengths, S): (B, S) bool, True for the first lengths[b] positions.
3. attention_weights(q, k, attn_mask, is_causal, scale): softmax(q k^T * scale + M) over the
   keys, scale = 1 / sqrt(E) unless given. M: -inf where a BOOLEAN attn_mask is False (True =
   may attend), a FLOAT attn_mask added as is, and -inf above the diagonal when is_causal.
   With L != S the causal mask is aligned top-left, as F.scaled_dot_product_attention's:
   query i sees keys 0..i (torch.ones(L, S).tril()), not the bottom-right alignment of a KV cache.
   Masks broadcast: (B, 1, 1, S) hides padded keys from every head and query. Both may be given.
4. scaled_dot_product_attention(q, k, v, ...) = attention_weights(...) @ v.

Mask BEFORE the softmax so that each row still sums to 1. Compare: causal (decoder) vs
bidirectional (encoder) masks on the same input; plot attention_weights as a heat map.
Shapes: q (..., L, E), k (..., S, E), v (..., S, Ev); float32 and float64 in, same dtype out.""",
        entry_points=(
            EntryPoint("causal_mask", "(T, device=None)", "(T, T) torch.bool, True where key j <= query i."),
            EntryPoint(
                "padding_mask", "(lengths, S)", "lengths (B,) int64 -> (B, S) torch.bool, True for real tokens."
            ),
            EntryPoint(
                "attention_weights",
                "(q, k, attn_mask=None, is_causal=False, scale=None)",
                "q (..., L, E), k (..., S, E) -> (..., L, S): each row a distribution over the keys.",
            ),
            EntryPoint(
                "scaled_dot_product_attention",
                "(q, k, v, attn_mask=None, is_causal=False, scale=None)",
                "q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev).",
            ),
        ),
        checks=(
            Check("causal_mask", "causal_mask", mask_cases, call=fn_call("causal_mask"), description="T = 5 and 1"),
            Check(
                "padding_mask",
                "padding_mask",
                padding_cases,
                call=fn_call("padding_mask"),
                description="lengths 4, 2, 0, 6 of S = 6",
            ),
            Check(
                "weights",
                "attention_weights",
                weights_cases,
                call=fn_call("attention_weights"),
                description="the cases below, without v",
            ),
            Check(
                "attention",
                "scaled_dot_product_attention",
                sdpa_cases,
                call=fn_call("scaled_dot_product_attention"),
                description=(
                    "float32/64; L != S; causal, also with L != S (top-left); padding (B, 1, 1, S); "
                    "causal + padding; float mask; scale; scores in the hundreds"
                ),
            ),
        ),
        probes=(
            Probe(float32_hint("attention"), when=computed_in_float32, checks=("weights", "attention")),
            Probe(
                "masked AFTER the softmax: zeroing weights leaves rows that no longer sum to 1; put -inf in the scores "
                "before the softmax (masked_fill(~mask, float('-inf')))",
                impl=_probe(transform="after"),
            ),
            Probe(
                "the boolean mask is inverted: in F.scaled_dot_product_attention True means 'may attend' (nn.MultiheadAttention's "
                "key_padding_mask is the opposite, True = ignore)",
                impl="wrong/attention/inverted_mask.py",
            ),
            Probe(
                "masked with 0 instead of -inf: a score of 0 still gets weight exp(0); use float('-inf')",
                impl=_probe(fill=0.0),
            ),
            Probe(
                "scaled by 1/E instead of 1/sqrt(E) (d_k is the query/key size, E = q.size(-1))",
                impl=_probe(scale_by="E"),
            ),
            Probe(
                "no scaling: divide the scores by sqrt(E) (q.size(-1)) unless `scale` is given",
                impl=_probe(scale_by="none"),
            ),
            Probe(
                "the causal mask hides the diagonal too (tril(-1)): query i must see key i itself",
                impl=_probe(causal_diag=-1),
            ),
            Probe(
                "the causal mask is aligned bottom-right (tril(S - L), a KV cache's convention): here it is top-left, "
                "as F.scaled_dot_product_attention's, query i sees keys 0..i (torch.ones(L, S).tril())",
                impl="wrong/attention/causal_bottom_right.py",
                checks=("weights", "attention"),
            ),
            Probe(
                "is_causal ignored when attn_mask is given: apply both (a key must be real AND not in the future)",
                impl=_probe(ignore_causal_with_mask=True),
            ),
            Probe(
                "scaled by 1/sqrt(v.size(-1)): d_k is the size of the queries and keys, q.size(-1); v's size Ev "
                "may differ",
                impl="wrong/attention/scale_from_v.py",
                checks=("attention",),
            ),
            Probe(
                "a float attn_mask is a bias ADDED to the scores (scores + attn_mask, as ALiBi's), not a 0/1 mask "
                "to masked_fill where it is 0; only a boolean mask marks keys to hide",
                impl=_probe(float_mask="as_bool"),
            ),
            Probe(
                "the float attn_mask was scaled with the scores: multiply q k^T by the scale first, then add the mask "
                "(softmax(q k^T * scale + attn_mask))",
                impl=_probe(float_mask="scaled"),
            ),
            Probe(
                "softmax over the queries (dim=-2): each row of the weights, one query, must be a distribution over "
                "the keys: softmax(scores, dim=-1)",
                impl=_probe(dim=-2),
            ),
            Probe(
                "padding_mask keeps one position too many (<=): the real tokens are positions 0..lengths[b]-1, "
                "torch.arange(S)[None, :] < lengths[:, None]",
                impl={"padding_mask": _padding_one_too_many},
            ),
            Probe(
                "causal_mask: True must be ON and BELOW the diagonal (torch.tril), query i sees keys 0..i",
                impl={"causal_mask": lambda T, device=None: _causal_wrong_diagonal(T)},
            ),
            Probe(
                "causal_mask is upper-triangular: that lets each query see the future; use torch.tril",
                impl={"causal_mask": lambda T, device=None: _causal_upper(T)},
            ),
        ),
    )
)
