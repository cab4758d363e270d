"""Exercise: the transformer block, pre-norm and post-norm, checked against nn.TransformerEncoderLayer's math."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
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

BLOCKS = [  # name, init, x shape, dtype, padding lengths, is_causal, note
    (
        "gpt2_pre_norm_causal",
        {"n_embd": 16, "n_head": 4, "norm_first": True, "activation": "gelu_tanh"},
        (2, 6, 16),
        "float32",
        None,
        True,
        "GPT-2: x + attn(ln_1(x)), x + mlp(ln_2(x)); causal; GELU's tanh approximation",
    ),
    (
        "gpt2_pre_norm_float64",
        {"n_embd": 8, "n_head": 2, "norm_first": True, "activation": "gelu_tanh"},
        (2, 5, 8),
        "float64",
        None,
        True,
        "",
    ),
    (
        "vaswani_post_norm_relu",
        {"n_embd": 16, "n_head": 2, "d_ff": 24, "norm_first": False, "activation": "relu"},
        (2, 5, 16),
        "float32",
        None,
        False,
        "Vaswani: ln_1(x + attn(x)), ln_2(x + mlp(x)); ReLU; d_ff = 24",
    ),
    (
        "bert_post_norm_padding",
        {"n_embd": 12, "n_head": 3, "norm_first": False, "activation": "gelu"},
        (3, 6, 12),
        "float64",
        [6, 4, 1],
        False,
        "BERT: post-norm, exact GELU, padded keys ignored (key_padding_mask True = padding)",
    ),
    (
        "pre_norm_no_bias",
        {"n_embd": 8, "n_head": 2, "norm_first": True, "activation": "gelu", "bias": False},
        (1, 4, 8),
        "float32",
        None,
        False,
        "bias=False: no Linear bias and no LayerNorm bias (nn.LayerNorm(C, bias=False))",
    ),
]


def block_cases():
    import numpy as np

    from reference_impls.torch.blocks import Block

    for n, (name, init, shape, dtype, lengths, causal, note) in enumerate(BLOCKS):
        s = 48000 + n
        pad = None if lengths is None else ~(np.arange(shape[1])[None, :] < np.array(lengths)[:, None])
        yield case(
            name,
            s,
            init=init,
            params=random_params(Block(**init), s, 0.3, dtype),
            x=randn(seeded(s), shape, dtype, 2.0),
            key_padding_mask=pad,
            is_causal=causal,
            note=note,
        )
    # drawn afresh each run: sizes, heads, pre- or post-norm, activation, and causal or padded (one at a time)
    for rng, _, dtype, s in fresh([()], seed=48050, n=1):
        B, T, nh, hd = (int(v) for v in rng.integers(1, [4, 8, 5, 6]))
        init = {
            "n_embd": nh * hd,
            "n_head": nh,
            "d_ff": int(rng.integers(1, 4 * nh * hd + 1)),
            "norm_first": bool(rng.integers(2)),
            "activation": str(rng.choice(["relu", "gelu", "gelu_tanh"])),
        }
        causal = bool(rng.integers(2))
        pad = None if causal else np.arange(T)[None, :] >= rng.integers(1, T + 1, size=B)[:, None]
        yield case(
            "fresh",
            s,
            init=init,
            params=random_params(Block(**init), s, 0.3, dtype),
            x=randn(rng, (B, T, nh * hd), dtype, 2.0),
            key_padding_mask=pad,
            is_causal=causal,
            note=f"{init}, {'causal' if causal else 'padded keys'}",
        )


def block_call(impl, init, params, x, key_padding_mask=None, is_causal=False):
    import torch

    block = build(impl, "Block", init, params, str(x.dtype))
    with torch.no_grad():
        return to_numpy(block(to_torch(x), key_padding_mask=to_torch(key_padding_mask), is_causal=is_causal))


def mlp_cases():
    from reference_impls.torch.blocks import MLP

    for n, (C, d_ff, act, dtype) in enumerate(
        [(8, 32, "gelu", "float32"), (8, 16, "relu", "float64"), (6, 24, "gelu_tanh", "float32")]
    ):
        s = 48100 + n
        init = {"n_embd": C, "d_ff": d_ff, "activation": act}
        yield case(
            act,
            s,
            init=init,
            params=random_params(MLP(**init), s, 0.5, dtype),
            x=randn(seeded(s), (2, 3, C), dtype, 2.0),
        )


def mlp_call(impl, init, params, x):
    import torch

    mlp = build(impl, "MLP", init, params, str(x.dtype))
    with torch.no_grad():
        return to_numpy(mlp(to_torch(x)))


def _block_variant(kind):
    def make(n_embd, n_head, d_ff=None, norm_first=True, activation="gelu", bias=True):
        from reference_impls.torch.blocks import Block

        class Wrong(Block):
            def forward(self, x, key_padding_mask=None, is_causal=False):
                attn = lambda h: self.attn.self_attention(h, key_padding_mask, is_causal)
                if kind == "residual_from_normalized" and self.norm_first:
                    x = self.ln_1(x)
                    x = x + attn(x)
                    x = self.ln_2(x)
                    return x + self.mlp(x)
                if kind == "norm_inside_residual" and not self.norm_first:
                    x = x + self.ln_1(attn(x))
                    return x + self.ln_2(self.mlp(x))
                if kind == "mlp_residual_from_input":
                    h = x + attn(self.ln_1(x)) if self.norm_first else self.ln_1(x + attn(x))
                    return x + self.mlp(self.ln_2(h)) if self.norm_first else self.ln_2(x + self.mlp(h))
                if kind == "padding_inverted" and key_padding_mask is not None:
                    return super().forward(x, ~key_padding_mask, is_causal)
                if kind == "causal_ignored":
                    return super().forward(x, key_padding_mask, False)
                if kind == "mlp_first" and self.norm_first:
                    x = x + self.mlp(self.ln_2(x))
                    return x + attn(self.ln_1(x))
                if kind == "mlp_first":
                    x = self.ln_2(x + self.mlp(x))
                    return self.ln_1(x + attn(x))
                if kind == "final_norm" and self.norm_first:
                    return self.ln_2(super().forward(x, key_padding_mask, is_causal))
                if kind == "norm_first_ignored":
                    x = x + attn(self.ln_1(x))
                    return x + self.mlp(self.ln_2(x))
                return super().forward(x, key_padding_mask, is_causal)

        return Wrong(n_embd, n_head, d_ff, norm_first, activation, bias)

    return {"Block": make}


def _ff_shape(case, actual, expected):
    return getattr(actual, "type", None) == "ValueError" and "mlp.c_fc.weight` has shape" in getattr(
        actual, "message", ""
    )


EXERCISE = scoped(
    Exercise.of(
        info("transformer_block"),
        preamble=PREAMBLE,
        task="""A transformer block = attention + MLP, each wrapped in a residual connection and a LayerNorm:

    post-norm (Vaswani, BERT):  x = ln_1(x + attn(x));    x = ln_2(x + mlp(x))
    pre-norm  (GPT-2, LLMs):    x = x + attn(ln_1(x));    x = x + mlp(ln_2(x))

1. MLP(n_embd, d_ff, activation="gelu", bias=True): nn.Module with c_fc = nn.Linear(n_embd, d_ff),
   c_proj = nn.Linear(d_ff, n_embd); forward(x) = c_proj(act(c_fc(x))), act one of "relu",
   "gelu" (exact erf GELU) and "gelu_tanh" (F.gelu(x, approximate="tanh"), GPT-2's).
2. Block(n_embd, n_head, d_ff=None, norm_first=True, activation="gelu", bias=True): nn.Module with
   ln_1, ln_2 = nn.LayerNorm(n_embd, bias=bias); attn = multi-head self-attention with
   nn.MultiheadAttention's layout: attn.in_proj = nn.Linear(C, 3C), attn.out_proj = nn.Linear(C, C)
   (your MultiHeadAttention from the multihead_attention exercise, copied here); mlp = MLP(n_embd,
   d_ff or 4 * n_embd, activation, bias). forward(x (B, T, C), key_padding_mask=None,
   is_causal=False) -> (B, T, C); key_padding_mask (B, T) True = a padded key to ignore.
The oracle is nn.TransformerEncoderLayer(batch_first=True, dropout=0, norm_first=...) with the
same weights. Why does pre-norm train deep stacks without warm-up? (Follow the residual stream.)""",
        entry_points=(
            EntryPoint(
                "MLP",
                "(self, n_embd, d_ff, activation='gelu', bias=True)",
                "nn.Module: c_fc, activation, c_proj.",
                kind="class",
                base="nn.Module",
                methods=(EntryPoint("forward", "(self, x)", "(..., n_embd) -> (..., n_embd)."),),
            ),
            EntryPoint(
                "Block",
                "(self, n_embd, n_head, d_ff=None, norm_first=True, activation='gelu', bias=True)",
                "nn.Module: ln_1, attn (in_proj, out_proj), ln_2, mlp (c_fc, c_proj).",
                kind="class",
                base="nn.Module",
                methods=(
                    EntryPoint(
                        "forward", "(self, x, key_padding_mask=None, is_causal=False)", "x (B, T, C) -> (B, T, C)."
                    ),
                ),
            ),
        ),
        checks=(
            Check(
                "mlp",
                "MLP",
                mlp_cases,
                call=mlp_call,
                tolerance=MODEL_TOL,
                description="gelu, relu, gelu_tanh; float32/64",
            ),
            Check(
                "block",
                "Block",
                block_cases,
                call=block_call,
                tolerance=MODEL_TOL,
                description="GPT-2 pre-norm causal (float32/64), Vaswani post-norm ReLU d_ff 24, BERT post-norm with padding, no bias",
            ),
        ),
        probes=(
            Probe(
                "pre-norm residual taken from the NORMALIZED x: keep the stream un-normalized, x = x + attn(ln_1(x)) "
                "(not x = ln_1(x); x = x + attn(x))",
                impl=_block_variant("residual_from_normalized"),
            ),
            Probe(
                "post-norm normalizes the SUM: x = ln_1(x + attn(x)), not x + ln_1(attn(x))",
                impl=_block_variant("norm_inside_residual"),
            ),
            Probe(
                "the MLP's residual adds to the stream AFTER attention: h = x + attn(...), then h + mlp(...) (adding "
                "the MLP to the block's input drops the attention output)",
                impl=_block_variant("mlp_residual_from_input"),
            ),
            Probe(
                "key_padding_mask inverted: True marks a PADDED key to ignore (nn.MultiheadAttention's convention, "
                "the opposite of F.scaled_dot_product_attention's boolean attn_mask)",
                impl=_block_variant("padding_inverted"),
            ),
            Probe(
                "is_causal ignored: with is_causal=True query t attends to keys 0..t only (a decoder block)",
                impl=_block_variant("causal_ignored"),
            ),
            Probe(
                "the MLP runs before attention: a block is attention first (tokens exchange information), then the "
                "MLP on each token",
                impl=_block_variant("mlp_first"),
            ),
            Probe(
                "a LayerNorm after the pre-norm block's last residual add: the block returns the raw stream "
                "x + mlp(ln_2(x)); GPT-2's final ln_f comes once, after the whole stack",
                impl=_block_variant("final_norm"),
            ),
            Probe(
                "norm_first=False ignored: a post-norm block applies LayerNorm after each residual add",
                impl=_block_variant("norm_first_ignored"),
            ),
            Probe(
                "the activation is wrong: 'gelu' is the exact (erf) GELU, 'gelu_tanh' F.gelu(x, approximate='tanh'), 'relu' ReLU",
                impl="wrong/transformer_block/gelu_always_tanh.py",
            ),
            Probe("d_ff defaults to 4 * n_embd (the MLP's hidden size) when None", when=_ff_shape),
            Probe(
                "not an nn.Module: write `class Block(nn.Module):` and call super().__init__() first", when=not_a_module
            ),
            Probe(
                "parameter names differ: ln_1, attn.in_proj, attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj (the checks load "
                "weights by name)",
                when=names_differ,
            ),
        ),
    )
)
