"""Exercise: single-head and multi-head attention modules, checked against nn.MultiheadAttention's layout."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch import (
    MODEL_TOL,
    build,
    case,
    names_differ,
    not_a_module,
    randn,
    random_params,
    scoped,
    seeded,
    to_numpy,
    to_torch,
)

PREAMBLE = "import math\n\nimport torch\nfrom torch import nn\nimport torch.nn.functional as F\n"


def _single_params(n_embd, head_size, seed, dtype):
    from reference_impls.torch.multihead import SingleHeadAttention

    return random_params(SingleHeadAttention(n_embd, head_size), seed, scale=0.5, dtype=dtype)


def _mha_params(E, nh, bias, seed, dtype):
    from reference_impls.torch.multihead import MultiHeadAttention

    return random_params(MultiHeadAttention(E, nh, bias), seed, scale=0.4, dtype=dtype)


def single_cases():
    for n, (B, T, C, hs, causal) in enumerate([(2, 5, 16, 8, True), (1, 1, 8, 4, True), (3, 6, 12, 12, False)]):
        for dtype in ("float32", "float64"):
            s = 41000 + 2 * n + (dtype == "float64")
            rng = seeded(s)
            yield case(
                "causal" if causal else "bidirectional",
                s,
                init={"n_embd": C, "head_size": hs},
                params=_single_params(C, hs, s, dtype),
                x=randn(rng, (B, T, C), dtype),
                is_causal=causal,
                note="T = 1: one token attends to itself" if T == 1 else "",
            )
    for rng, (B, T, C, hs), dtype, s in fresh([(2, 5, 16, 8), (1, 1, 3, 5)], seed=41050, n=1):  # drawn afresh
        causal = bool(rng.integers(2))
        yield case(
            "fresh",
            s,
            init={"n_embd": C, "head_size": hs},
            params=_single_params(C, hs, s, dtype),
            x=randn(rng, (B, T, C), dtype),
            is_causal=causal,
            note=f"is_causal={causal}",
        )


def single_call(impl, init, params, x, is_causal=True):
    import torch

    head = build(impl, "SingleHeadAttention", init, params, str(x.dtype))
    with torch.no_grad():
        return to_numpy(head(to_torch(x), is_causal=is_causal))


def mha_cases():
    import numpy as np

    for n, (E, nh) in enumerate([(16, 4), (12, 3), (8, 1)]):
        for dtype in ("float32", "float64"):
            s = 41100 + 2 * n + (dtype == "float64")
            rng = seeded(s)
            x = randn(rng, (2, 5, E), dtype)
            yield case(
                f"self_attention_{nh}_heads",
                s,
                init={"embed_dim": E, "num_heads": nh},
                params=_mha_params(E, nh, True, s, dtype),
                query=x,
                key=x.copy(),
                value=x.copy(),
                note="one head: the same as single-head attention plus out_proj" if nh == 1 else "",
            )
    s = 41200
    rng = seeded(s)
    x = randn(rng, (2, 6, 16), "float32")
    yield case(
        "causal",
        s,
        init={"embed_dim": 16, "num_heads": 4},
        params=_mha_params(16, 4, True, s, "float32"),
        query=x,
        key=x.copy(),
        value=x.copy(),
        is_causal=True,
    )
    s = 41201
    rng = seeded(s)
    pad = np.zeros((3, 7), dtype=bool)
    pad[1, 5:] = True
    pad[2, 2:] = True
    yield case(
        "cross_attention_with_padding",
        s,
        init={"embed_dim": 12, "num_heads": 2},
        params=_mha_params(12, 2, True, s, "float64"),
        query=randn(rng, (3, 4, 12), "float64"),
        key=(kv := randn(rng, (3, 7, 12), "float64")),
        value=kv.copy(),
        key_padding_mask=pad,
        note="queries (B, 4, E) attend to a memory (B, 7, E); key_padding_mask True = a padded key to ignore",
    )
    s = 41202
    rng = seeded(s)
    x = randn(rng, (2, 4, 8), "float32")
    yield case(
        "no_bias",
        s,
        init={"embed_dim": 8, "num_heads": 2, "bias": False},
        params=_mha_params(8, 2, False, s, "float32"),
        query=x,
        key=x.copy(),
        value=x.copy(),
        note="bias=False: in_proj and out_proj have no bias",
    )
    # drawn afresh each run: batch, lengths, heads and head size; self-attention, causal, or cross with padding
    for rng, _, dtype, s in fresh([()], seed=41250, n=2):
        B, T, S, nh, hd = (int(v) for v in rng.integers(1, [4, 8, 8, 5, 7]))
        kind, E = int(rng.integers(3)), nh * hd
        x = randn(rng, (B, T, E), dtype)
        kv = randn(rng, (B, S, E), dtype) if kind == 2 else x
        pad = np.arange(S)[None, :] >= rng.integers(1, S + 1, size=B)[:, None]  # True = padded; key 0 is always real
        yield case(
            "fresh",
            s,
            init={"embed_dim": E, "num_heads": nh},
            params=_mha_params(E, nh, True, s, dtype),
            query=x,
            key=kv.copy(),
            value=kv.copy(),
            **({"is_causal": True} if kind == 1 else {"key_padding_mask": pad} if kind == 2 else {}),
            note=["self-attention", "causal self-attention", "cross-attention with key padding"][kind],
        )


def mha_call(impl, init, params, query, key, value, key_padding_mask=None, is_causal=False):
    import torch

    mha = build(impl, "MultiHeadAttention", init, params, str(query.dtype))
    with torch.no_grad():
        return to_numpy(
            mha(*to_torch([query, key, value]), key_padding_mask=to_torch(key_padding_mask), is_causal=is_causal)
        )


# -- known mistakes: variants of the reference, built in the child -------------------------------------


def _variant(split="heads_first", concat="transpose", scale="head_dim", weights="mean", pad="ignore_true"):
    def make(embed_dim, num_heads, bias=True):
        import math

        import torch

        from reference_impls.torch.multihead import MultiHeadAttention

        class Variant(MultiHeadAttention):
            def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
                B, L, E = query.shape
                S, nh, hs = key.size(1), self.num_heads, E // self.num_heads
                proj = [
                    torch.nn.functional.linear(t, w, b)
                    for t, w, b in zip(
                        (query, key, value),
                        self.in_proj.weight.chunk(3),
                        self.in_proj.bias.chunk(3) if self.in_proj.bias is not None else (None,) * 3,
                    )
                ]
                if split == "heads_first":
                    q, k, v = (p.view(B, -1, nh, hs).transpose(1, 2) for p in proj)
                else:  # view(B, T, hs, nh): every head gets a stride-nh slice of the features
                    q, k, v = (p.view(B, -1, hs, nh).permute(0, 3, 1, 2) for p in proj)
                scores = q @ k.transpose(-2, -1) / math.sqrt(hs if scale == "head_dim" else E)
                if is_causal:
                    scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
                if key_padding_mask is not None:
                    m = key_padding_mask if pad == "ignore_true" else ~key_padding_mask
                    scores = scores.masked_fill(m[:, None, None, :], float("-inf"))
                att = torch.softmax(scores, dim=-1)
                y = att @ v  # (B, nh, L, hs)
                y = y.transpose(1, 2).reshape(B, L, E) if concat == "transpose" else y.reshape(B, L, E)
                w = {"mean": att.mean(dim=1), "sum": att.sum(dim=1), "scores": scores.mean(dim=1)}[weights]
                return self.out_proj(y), w

        return Variant(embed_dim, num_heads, bias)

    return {"MultiHeadAttention": make}


def _single_scaled_by_n_embd(n_embd, head_size):
    import torch

    from reference_impls.torch.multihead import SingleHeadAttention

    class Wrong(SingleHeadAttention):
        def forward(self, x, is_causal=True):
            q, k, v = self.query(x), self.key(x), self.value(x)
            scores = q @ k.transpose(-2, -1) * x.size(-1) ** -0.5  # C ** -0.5: the embedding size
            if is_causal:
                T = x.size(1)
                scores = scores.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))
            return torch.softmax(scores, dim=-1) @ v

    return Wrong(n_embd, head_size)


EXERCISE = scoped(
    Exercise.of(
        info("multihead_attention"),
        preamble=PREAMBLE,
        task="""Attention as nn.Modules; the checks load their weights BY NAME, so keep the names below.
Do not call F.scaled_dot_product_attention or nn.MultiheadAttention (they are the oracles).

1. SingleHeadAttention(n_embd, head_size): Karpathy's `Head`. Parameters key, query, value =
   nn.Linear(n_embd, head_size, bias=False). forward(x (B, T, C), is_causal=True) ->
   softmax(q k^T / sqrt(head_size), causal mask when is_causal) @ v: (B, T, head_size).
2. MultiHeadAttention(embed_dim, num_heads, bias=True): torch.nn.MultiheadAttention's layout
   (batch_first=True). Parameters in_proj = nn.Linear(E, 3E, bias) holding W^Q, W^K, W^V stacked
   by rows (q = query @ W^Q^T + b^Q uses rows 0..E-1, k rows E..2E-1, v rows 2E..3E-1), and
   out_proj = nn.Linear(E, E, bias). forward(query (B, L, E), key (B, S, E), value (B, S, E),
   key_padding_mask=None, is_causal=False) -> (out (B, L, E), weights (B, L, S) averaged over
   heads). Split each projection into heads with view(B, T, nh, hs).transpose(1, 2); head h owns
   features h*hs..(h+1)*hs-1. key_padding_mask (B, S) is True where a key is PADDING (ignore it).
   Concatenate the heads back (transpose, then reshape to (B, L, E)) before out_proj.
Then: why does the head count not change the parameter count (4 E^2 + 4 E)?""",
        entry_points=(
            EntryPoint(
                "SingleHeadAttention",
                "(self, n_embd, head_size)",
                "nn.Module: one attention head; parameters key, query, value = nn.Linear(n_embd, head_size, bias=False).",
                kind="class",
                base="nn.Module",
                methods=(EntryPoint("forward", "(self, x, is_causal=True)", "x (B, T, C) -> (B, T, head_size)."),),
            ),
            EntryPoint(
                "MultiHeadAttention",
                "(self, embed_dim, num_heads, bias=True)",
                "nn.Module with nn.MultiheadAttention's layout: in_proj = nn.Linear(E, 3E, bias), out_proj = nn.Linear(E, E, bias).",
                kind="class",
                base="nn.Module",
                methods=(
                    EntryPoint(
                        "forward",
                        "(self, query, key, value, key_padding_mask=None, is_causal=False)",
                        "query (B, L, E), key / value (B, S, E) -> (out (B, L, E), weights (B, L, S) averaged over heads).",
                    ),
                ),
            ),
        ),
        checks=(
            Check(
                "single_head",
                "SingleHeadAttention",
                single_cases,
                call=single_call,
                tolerance=MODEL_TOL,
                description="float32/64; causal and bidirectional; T = 1",
            ),
            Check(
                "multi_head",
                "MultiHeadAttention",
                mha_cases,
                call=mha_call,
                tolerance=MODEL_TOL,
                description="1, 3, 4 heads, float32/64; causal; cross-attention with key padding; bias=False",
            ),
        ),
        probes=(
            Probe(
                "heads split the wrong way: view(B, T, nh, hs) then transpose(1, 2), so head h owns a contiguous block "
                "of hs features (view(B, T, hs, nh) interleaves them)",
                impl=_variant(split="interleaved"),
            ),
            Probe(
                "heads concatenated without transposing back: (B, nh, L, hs).transpose(1, 2) to (B, L, nh, hs) BEFORE "
                "reshape(B, L, E)",
                impl="wrong/multihead_attention/no_transpose_back.py",
            ),
            Probe(
                "scaled by sqrt(embed_dim): each head's scores are q . k over head_dim = E / nh features, so divide by "
                "sqrt(head_dim)",
                impl=_variant(scale="embed_dim"),
            ),
            Probe(
                "K and V projected from the query: in_proj(query).chunk(3) is self-attention only; project key with "
                "W^K and value with W^V (rows E..2E-1 and 2E..3E-1 of in_proj.weight) so cross-attention works",
                impl="wrong/multihead_attention/projects_query_only.py",
            ),
            Probe(
                "attention weights summed over heads: nn.MultiheadAttention returns their MEAN",
                impl=_variant(weights="sum"),
            ),
            Probe(
                "the weights returned are the scores before the softmax: return the attention weights (each row sums "
                "to 1), averaged over the heads",
                impl=_variant(weights="scores"),
            ),
            Probe(
                "key_padding_mask inverted: here True marks PADDING to ignore (nn.MultiheadAttention's convention, the "
                "opposite of F.scaled_dot_product_attention's attn_mask)",
                impl=_variant(pad="keep_true"),
            ),
            Probe(
                "single head scaled by n_embd (C ** -0.5, as in the first take of 'Let's build GPT'): scale by "
                "head_size ** -0.5, the size of q and k",
                impl={"SingleHeadAttention": _single_scaled_by_n_embd},
            ),
            Probe(
                "not an nn.Module: write `class Name(nn.Module):` and call super().__init__() first in __init__, so the "
                "nn.Linear parameters register",
                when=not_a_module,
            ),
            Probe(
                "parameter names differ: the checks load weights by name (key / query / value; in_proj / out_proj)",
                when=names_differ,
            ),
        ),
        equivalent_mutants=tuple(
            Equivalent(
                "MultiHeadAttention.self_attention",
                "is_causal)[0]",
                f"is_causal)[{index}]",
                "self_attention is not part of this exercise's task (transformer_block's Block calls it, where returning the "
                "weights instead of the output breaks every case)",
            )
            for index in ("1", "-1")
        ),
    )
)
