"""Exercise: grouped-query attention (GQA), and multi-query attention as its n_kv_head = 1 case."""

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._precision import computed_in_float32, float32_hint
from reference_impls.exercises._torch import (
    MODEL_TOL,
    build,
    case,
    fn_call,
    not_a_module,
    randn,
    random_params,
    scoped,
    seeded,
    to_numpy,
    to_torch,
)

PREAMBLE = "import math\n\nimport torch\nfrom torch import nn\n"

CONFIGS = [(16, 4, 2, "gqa"), (16, 4, 1, "multi_query"), (12, 3, 3, "multi_head"), (32, 8, 2, "gqa_8_heads")]


def repeat_cases():
    for n, (n_kv, n_rep) in enumerate([(2, 2), (3, 4), (1, 4), (4, 1)]):
        s = 42000 + n
        # positional: Hugging Face's repeat_kv names its input hidden_states
        yield Case(
            f"n_kv{n_kv}_rep{n_rep}",
            (randn(seeded(s), (2, n_kv, 3, 4), "float32"), n_rep),
            seed=s,
            note="n_rep = 1: unchanged" if n_rep == 1 else "",
        )


def gqa_cases():
    from reference_impls.torch.gqa import GroupedQueryAttention

    for n, (d, nh, n_kv, name) in enumerate(CONFIGS):
        for dtype in ("float32", "float64") if n < 2 else ("float32",):
            s = 42100 + 2 * n + (dtype == "float64")
            yield case(
                name,
                s,
                init={"d_model": d, "n_head": nh, "n_kv_head": n_kv},
                params=random_params(GroupedQueryAttention(d, nh, n_kv), s, scale=0.4, dtype=dtype),
                x=randn(seeded(s), (2, 6, d), dtype),
                is_causal=n != 3,
                note={
                    "multi_query": "n_kv_head = 1: every query head shares one key / value head",
                    "multi_head": "n_kv_head = n_head: plain multi-head attention",
                }.get(name, ""),
            )


def gqa_call(impl, init, params, x, is_causal=True):
    import torch

    m = build(impl, "GroupedQueryAttention", init, params, str(x.dtype))
    with torch.no_grad():
        return to_numpy(m(to_torch(x), is_causal=is_causal))


def _tile(x, n_rep):
    """kv heads tiled (0, 1, 0, 1): query head h reads kv head h % n_kv."""
    return x.repeat(1, n_rep, 1, 1)


def _gqa_tiled(d_model, n_head, n_kv_head):
    from reference_impls.torch.attention import scaled_dot_product_attention
    from reference_impls.torch.gqa import GroupedQueryAttention

    class Tiled(GroupedQueryAttention):
        def forward(self, x, is_causal=True):
            B, T, _ = x.shape
            q = self.q_proj(x).view(B, T, self.n_head, self.head_dim).transpose(1, 2)
            k, v = (p(x).view(B, T, self.n_kv_head, self.head_dim).transpose(1, 2) for p in (self.k_proj, self.v_proj))
            n_rep = self.n_head // self.n_kv_head
            y = scaled_dot_product_attention(q, _tile(k, n_rep), _tile(v, n_rep), is_causal=is_causal)
            return self.o_proj(y.transpose(1, 2).reshape(B, T, -1))

    return Tiled(d_model, n_head, n_kv_head)


def _repeat_meta_layout(x, n_rep):
    """Meta's llama repeat_kv, written for (B, T, n_kv, hs): on (B, n_kv, T, hs) it repeats the positions."""
    a, b, c, d = x.shape
    return x[:, :, :, None, :].expand(a, b, c, n_rep, d).reshape(a, b, c * n_rep, d)


def _kv_shape(case, actual, expected):
    return getattr(actual, "type", None) == "ValueError" and any(
        f"`{p}_proj.weight` has shape" in getattr(actual, "message", "") for p in ("k", "v")
    )


EXERCISE = scoped(
    Exercise.of(
        info("gqa"),
        preamble=PREAMBLE,
        task="""Grouped-query attention (Ainslie et al. 2023): n_head query heads share n_kv_head key/value
heads, n_head % n_kv_head == 0. n_kv_head = n_head is multi-head attention, n_kv_head = 1 is
multi-query attention (Shazeer 2019). The KV cache shrinks by n_head / n_kv_head.

1. repeat_kv(x, n_rep): (B, n_kv, T, hs) -> (B, n_kv * n_rep, T, hs) where kv head j serves the
   query heads j*n_rep .. (j+1)*n_rep - 1 (a contiguous group: torch.repeat_interleave on dim 1,
   or expand + reshape; NOT x.repeat, which tiles them).
2. GroupedQueryAttention(d_model, n_head, n_kv_head): an nn.Module with Llama's names, no biases:
   q_proj (d_model -> n_head * hs), k_proj and v_proj (d_model -> n_kv_head * hs), o_proj
   (n_head * hs -> d_model), hs = d_model // n_head. forward(x (B, T, d_model), is_causal=True)
   -> (B, T, d_model): project, split into heads, repeat k and v, causal attention scaled by
   1/sqrt(hs), concatenate, o_proj.
float32 and float64 in, the same dtype out, computed in the input's dtype (an upcast softmax must keep
float64 as float64: torch.promote_types(x.dtype, torch.float32)).
Oracle: F.scaled_dot_product_attention(q, k, v, enable_gqa=True) (do not call it here).""",
        entry_points=(
            EntryPoint(
                "repeat_kv",
                "(x, n_rep)",
                "(B, n_kv, T, hs) -> (B, n_kv * n_rep, T, hs), each kv head repeated n_rep times in place.",
            ),
            EntryPoint(
                "GroupedQueryAttention",
                "(self, d_model, n_head, n_kv_head)",
                "nn.Module with q_proj, k_proj, v_proj, o_proj (nn.Linear, bias=False).",
                kind="class",
                base="nn.Module",
                methods=(EntryPoint("forward", "(self, x, is_causal=True)", "x (B, T, d_model) -> (B, T, d_model)."),),
            ),
        ),
        checks=(
            Check("repeat_kv", "repeat_kv", repeat_cases, call=fn_call("repeat_kv"), description="n_kv 1-4, n_rep 1-4"),
            Check(
                "attention",
                "GroupedQueryAttention",
                gqa_cases,
                call=gqa_call,
                tolerance=MODEL_TOL,
                description="GQA 4/2 and 8/2, multi-query 4/1, multi-head 3/3; float32/64; causal and not",
            ),
        ),
        probes=(
            Probe(
                "kv heads tiled (x.repeat): query head h must read kv head h // n_rep, a contiguous group; use "
                "torch.repeat_interleave(x, n_rep, dim=1)",
                impl={"repeat_kv": _tile, "GroupedQueryAttention": _gqa_tiled},
            ),
            Probe(
                "repeat_kv repeated axis 2, the positions: Meta's llama code writes it for (B, T, n_kv, hs); here x is "
                "(B, n_kv, T, hs), so repeat axis 1 (x[:, :, None].expand(B, n_kv, n_rep, T, hs).reshape(...))",
                impl={"repeat_kv": _repeat_meta_layout},
                checks=("repeat_kv",),
            ),
            Probe(
                "k_proj / v_proj have the wrong size: they project to n_kv_head * head_dim features (fewer than q_proj), "
                "that is the point of GQA",
                when=_kv_shape,
            ),
            Probe(float32_hint("attention"), when=computed_in_float32, checks=("attention",)),
            Probe(
                "the scores are scaled by 1/sqrt(d_model): scale the scores by 1/sqrt(head_dim), the size of one "
                "head's q and k (d_model // n_head)",
                impl="wrong/gqa/scaled_by_d_model.py",
                checks=("attention",),
            ),
            Probe(
                "heads split by a bare view(B, n_head, T, head_dim) mix tokens into heads: split the heads with "
                "view(B, T, n_head, head_dim).transpose(1, 2)",
                impl="wrong/gqa/heads_without_transpose.py",
                checks=("attention",),
            ),
            Probe(
                "is_causal ignored: with is_causal=False every query attends to every key (an encoder); mask only "
                "when is_causal is True",
                impl="wrong/gqa/is_causal_ignored.py",
                checks=("attention",),
            ),
            Probe(
                "the heads are merged without transpose(1, 2): the attention output is (B, n_head, T, head_dim); "
                "y.transpose(1, 2).reshape(B, T, n_head * head_dim) puts each token's heads side by side",
                impl="wrong/gqa/heads_merged_without_transpose.py",
                checks=("attention",),
            ),
            Probe(
                "the causal mask hides the diagonal: query i sees keys 0..i, itself included "
                "(torch.triu(..., diagonal=1) marks the future; diagonal=0 also hides the present)",
                impl="wrong/gqa/mask_hides_diagonal.py",
                checks=("attention",),
            ),
            Probe(
                "not an nn.Module: write `class GroupedQueryAttention(nn.Module):` and call super().__init__() first",
                when=not_a_module,
            ),
        ),
        equivalent_mutants=(
            Equivalent(
                "repeat_kv",
                "if n_rep == 1:",
                "if n_rep == 0:",
                "the n_rep == 1 shortcut returns x; the expand + reshape path returns the same values for n_rep = 1",
            ),
        ),
    )
)
