"""Exercise: the original encoder-decoder Transformer (Vaswani et al. 2017) at a tiny size."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._precision import computed_in_float32, float32_hint
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

PREAMBLE = "import math\nfrom dataclasses import dataclass\n\nimport torch\nfrom torch import nn\nimport torch.nn.functional as F\n"

CONFIGS = {
    "small": {
        "src_vocab_size": 24,
        "tgt_vocab_size": 20,
        "d_model": 16,
        "n_head": 2,
        "n_layer": 2,
        "d_ff": 32,
        "max_len": 32,
        "pad_id": 0,
    },
    "one_layer": {
        "src_vocab_size": 10,
        "tgt_vocab_size": 12,
        "d_model": 8,
        "n_head": 2,
        "n_layer": 1,
        "d_ff": 16,
        "max_len": 16,
        "pad_id": 0,
    },
}


def _src(rng, cfg, lengths, S):
    import numpy as np

    src = rng.integers(1, cfg["src_vocab_size"], (len(lengths), S))
    src[np.arange(S)[None, :] >= np.array(lengths)[:, None]] = cfg["pad_id"]
    return src


def _params(cfg, seed, dtype):
    from reference_impls.torch.encoder_decoder import Transformer, TransformerConfig

    return random_params(Transformer(TransformerConfig(**cfg)), seed, 0.3, dtype)


def layer_cases():
    import numpy as np

    from reference_impls.torch.encoder_decoder import DecoderLayer

    for n, (d, nh, d_ff, dtype, pad) in enumerate([(16, 2, 32, "float32", False), (8, 2, 16, "float64", True)]):
        s = 50000 + n
        rng = seeded(s)
        init = {"d_model": d, "n_head": nh, "d_ff": d_ff}
        mask = np.array([[False] * 6, [False] * 3 + [True] * 3]) if pad else None
        yield case(
            "with_memory_padding" if pad else "no_padding",
            s,
            init=init,
            params=random_params(DecoderLayer(**init), s, 0.3, dtype),
            x=randn(rng, (2, 4, d), dtype),
            memory=randn(rng, (2, 6, d), dtype),
            memory_key_padding_mask=mask,
            note="memory_key_padding_mask: True = a padded source position, ignored by cross-attention" if pad else "",
        )


def layer_call(impl, init, params, x, memory, memory_key_padding_mask=None):
    import torch

    layer = build(impl, "DecoderLayer", init, params, str(x.dtype))
    with torch.no_grad():
        return to_numpy(layer(*to_torch([x, memory]), memory_key_padding_mask=to_torch(memory_key_padding_mask)))


def model_cases():
    for n, (name, lengths, S, T, dtype) in enumerate(
        [
            ("small", [7, 5, 2], 7, 5, "float32"),
            ("small", [4, 4], 4, 1, "float64"),
            ("one_layer", [6, 3], 6, 4, "float32"),
        ]
    ):
        s = 50100 + n
        cfg = CONFIGS[name]
        rng = seeded(s)
        yield case(
            f"{name}_S{S}_T{T}_{dtype}",
            s,
            config=cfg,
            params=_params(cfg, s, dtype),
            dtype=dtype,
            src=_src(rng, cfg, lengths, S),
            tgt=rng.integers(1, cfg["tgt_vocab_size"], (len(lengths), T)),
            note="source padding (pad_id 0) on the right" if min(lengths) < S else "T = 1: the first target token",
        )


def model_call(impl, config, params, dtype, src, tgt):
    """The logits, and the encoder's memory at the real (non-padding) source positions."""
    import torch

    model = build(impl, "Transformer", {"config": impl.TransformerConfig(**config)}, params, dtype)
    src_t, tgt_t = torch.from_numpy(src), torch.from_numpy(tgt)
    with torch.no_grad():
        memory = model.encode(src_t)
        return {
            "memory_at_real_tokens": to_numpy(memory[src_t != config["pad_id"]]),
            "logits": to_numpy(model(src_t, tgt_t)),
        }


# -- known mistakes -----------------------------------------------------------------------------------


def _config(**kwargs):
    from reference_impls.torch.encoder_decoder import TransformerConfig

    return TransformerConfig(**kwargs)


def _variant(kind):
    def make(config):
        import math

        from reference_impls.torch.encoder_decoder import Transformer
        from reference_impls.torch.positions import sinusoidal_encoding

        class Wrong(Transformer):
            def embed(self, table, idx):
                T, d = idx.size(1), self.config.d_model
                pe = sinusoidal_encoding(T, d, dtype=table.weight.dtype)
                return table(idx) * (1.0 if kind == "no_sqrt_d" else math.sqrt(d)) + (
                    0 if kind == "no_positions" else pe
                )

            def decode(self, tgt, memory, src):
                x = self.embed(self.tgt_embed, tgt)
                for layer in self.decoder:
                    pad = None if kind == "cross_attention_sees_padding" else src == self.config.pad_id
                    if kind == "decoder_not_causal":
                        x = layer.ln_1(x + layer.attn.self_attention(x))
                        x = layer.ln_2(x + layer.cross_attn(x, memory, memory, key_padding_mask=pad)[0])
                        x = layer.ln_3(x + layer.mlp(x))
                    else:
                        x = layer(x, memory, memory_key_padding_mask=pad)
                return x

        return Wrong(config)

    return {"Transformer": make, "TransformerConfig": _config}


def _swapped_layer(d_model, n_head, d_ff):
    """Cross-attention with the queries from memory and the keys and values from x: cross_attn(memory, x, x)."""
    from reference_impls.torch.encoder_decoder import DecoderLayer

    class Wrong(DecoderLayer):
        def forward(self, x, memory, memory_key_padding_mask=None):
            x = self.ln_1(x + self.attn.self_attention(x, is_causal=True))
            x = self.ln_2(x + self.cross_attn(memory, x, x)[0])
            return self.ln_3(x + self.mlp(x))

    return Wrong(d_model, n_head, d_ff)


def _swapped_model(config):
    from torch import nn

    from reference_impls.torch.encoder_decoder import Transformer

    model = Transformer(config)
    model.decoder = nn.ModuleList(
        [_swapped_layer(config.d_model, config.n_head, config.d_ff) for _ in range(config.n_layer)]
    )
    return model


EXERCISE = scoped(
    Exercise.of(
        info("encoder_decoder"),
        preamble=PREAMBLE,
        task="""The Transformer of "Attention Is All You Need" (Sec. 3, Fig. 1): POST-norm layers, ReLU FFN, no dropout.
Weights are loaded by name; reuse your Block from transformer_block (copy it into this file).

1. TransformerConfig: a @dataclass with src_vocab_size=24, tgt_vocab_size=20, d_model=16, n_head=2,
   n_layer=2, d_ff=32, max_len=32, pad_id=0.
2. DecoderLayer(d_model, n_head, d_ff): nn.Module with attn (masked self-attention), ln_1,
   cross_attn (queries from x, keys and values from memory), ln_2, mlp (ReLU, d_ff), ln_3; both
   attentions with nn.MultiheadAttention's layout (in_proj, out_proj), mlp with c_fc / c_proj.
   forward(x (B, T, d), memory (B, S, d), memory_key_padding_mask=None):
       x = ln_1(x + causal_self_attn(x));  x = ln_2(x + cross_attn(x, memory));  x = ln_3(x + mlp(x))
   memory_key_padding_mask (B, S) True = a padded source position: cross-attention ignores it.
3. Transformer(config): src_embed, tgt_embed = nn.Embedding(vocab, d_model); encoder = ModuleList of
   n_layer Blocks (post-norm: norm_first=False, activation "relu", d_ff); decoder = ModuleList of
   n_layer DecoderLayers; generator = nn.Linear(d_model, tgt_vocab_size).
   embed: table(idx) * sqrt(d_model) + the sinusoidal encoding of positions 0..T-1 (Sec. 3.4, 3.5),
   computed in the weights' dtype (a float32 table cast to float64 keeps float32's precision).
   encode(src (B, S)) -> memory (B, S, d): padding (src == pad_id) ignored as a key.
   decode(tgt (B, T), memory, src) -> (B, T, d): causal self-attention, cross-attention that ignores
   src's padding. forward(src, tgt) = generator(decode(tgt, encode(src), src)) -> (B, T, tgt_vocab).
The oracle: nn.TransformerEncoderLayer / nn.TransformerDecoderLayer stacks with the same weights.""",
        entry_points=(
            EntryPoint(
                "TransformerConfig",
                "(self, src_vocab_size=24, tgt_vocab_size=20, d_model=16, n_head=2, n_layer=2, d_ff=32, "
                "max_len=32, pad_id=0)",
                "A @dataclass of the model's sizes (replace this class with one).",
                kind="class",
            ),
            EntryPoint(
                "DecoderLayer",
                "(self, d_model, n_head, d_ff)",
                "nn.Module: attn, ln_1, cross_attn, ln_2, mlp, ln_3.",
                kind="class",
                base="nn.Module",
                methods=(
                    EntryPoint(
                        "forward", "(self, x, memory, memory_key_padding_mask=None)", "x (B, T, d) -> (B, T, d)."
                    ),
                ),
            ),
            EntryPoint(
                "Transformer",
                "(self, config)",
                "nn.Module: src_embed, tgt_embed, encoder, decoder, generator.",
                kind="class",
                base="nn.Module",
                methods=(
                    EntryPoint("encode", "(self, src)", "src (B, S) int64 -> memory (B, S, d_model)."),
                    EntryPoint(
                        "decode",
                        "(self, tgt, memory, src)",
                        "tgt (B, T), memory (B, S, d), src (B, S) -> (B, T, d_model).",
                    ),
                    EntryPoint(
                        "forward", "(self, src, tgt)", "src (B, S), tgt (B, T) -> logits (B, T, tgt_vocab_size)."
                    ),
                ),
            ),
        ),
        checks=(
            Check(
                "decoder_layer",
                "DecoderLayer",
                layer_cases,
                call=layer_call,
                tolerance=MODEL_TOL,
                description="float32/64; with and without source padding",
            ),
            Check(
                "model",
                "Transformer",
                model_cases,
                call=model_call,
                tolerance=MODEL_TOL,
                description="2 layers float32/64, 1 layer; padded sources; T = 1; memory at real tokens and logits",
            ),
        ),
        probes=(
            Probe(
                "cross-attention's arguments are swapped: the queries come from the decoder's x, the keys and values "
                "from the encoder's memory, cross_attn(x, memory, memory)",
                impl={"DecoderLayer": _swapped_layer, "Transformer": _swapped_model, "TransformerConfig": _config},
            ),
            Probe(float32_hint("model"), when=computed_in_float32),
            Probe(
                "cross-attention sees the source padding: pass src's padding mask (src == pad_id) to every decoder layer's "
                "cross-attention too",
                impl=_variant("cross_attention_sees_padding"),
                checks=("model",),
            ),
            Probe(
                "embeddings not scaled: multiply by sqrt(d_model) before adding the positional encoding (Sec. 3.4)",
                impl=_variant("no_sqrt_d"),
                checks=("model",),
            ),
            Probe(
                "the sinusoidal positional encoding is missing (Sec. 3.5)",
                impl=_variant("no_positions"),
                checks=("model",),
            ),
            Probe(
                "the decoder's self-attention must be causal: target position t sees targets 0..t only",
                impl=_variant("decoder_not_causal"),
                checks=("model",),
            ),
            Probe(
                "pre-norm layers: the original Transformer is POST-norm, x = LayerNorm(x + sublayer(x))",
                impl="wrong/encoder_decoder/pre_norm.py",
            ),
            Probe(
                "not an nn.Module: write `class Name(nn.Module):` and call super().__init__() first", when=not_a_module
            ),
            Probe(
                "parameter names differ: src_embed, tgt_embed, encoder.0.(ln_1, attn, ln_2, mlp), decoder.0.(attn, ln_1, "
                "cross_attn, ln_2, mlp, ln_3), generator",
                when=names_differ,
            ),
        ),
    )
)
