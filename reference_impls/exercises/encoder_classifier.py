"""Exercise: an encoder-only (BERT-style) model with a classification head on [CLS]."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._torch import (
    MODEL_TOL,
    build,
    case,
    names_differ,
    not_a_module,
    random_params,
    scoped,
    seeded,
    to_numpy,
)

PREAMBLE = "import math\nfrom dataclasses import dataclass\n\nimport torch\nfrom torch import nn\nimport torch.nn.functional as F\n"

CONFIGS = {
    "small": {
        "vocab_size": 32,
        "max_len": 16,
        "d_model": 16,
        "n_head": 2,
        "n_layer": 2,
        "d_ff": 64,
        "n_classes": 3,
        "pad_id": 0,
    },
    "binary_one_layer": {
        "vocab_size": 20,
        "max_len": 8,
        "d_model": 8,
        "n_head": 2,
        "n_layer": 1,
        "d_ff": 16,
        "n_classes": 2,
        "pad_id": 0,
    },
}


def classifier_cases():
    import numpy as np

    from reference_impls.torch.encoder_classifier import EncoderClassifier, EncoderClassifierConfig

    for n, (name, lengths, T, dtype) in enumerate(
        [
            ("small", [9, 6, 3], 9, "float32"),
            ("small", [5, 5], 5, "float64"),
            ("binary_one_layer", [8, 2, 1], 8, "float32"),
        ]
    ):
        s = 51000 + n
        cfg = CONFIGS[name]
        rng = seeded(s)
        idx = rng.integers(1, cfg["vocab_size"], (len(lengths), T))
        idx[:, 0] = 1  # [CLS]
        idx[np.arange(T)[None, :] >= np.array(lengths)[:, None]] = cfg["pad_id"]
        params = random_params(EncoderClassifier(EncoderClassifierConfig(**cfg)), s, 0.3, dtype)
        yield case(
            f"{name}_{dtype}",
            s,
            config=cfg,
            params=params,
            dtype=dtype,
            idx=idx,
            note="padded on the right (pad_id 0); a sequence of length 1 is [CLS] alone"
            if min(lengths) < T
            else "no padding",
        )


def classifier_call(impl, config, params, dtype, idx):
    import torch

    model = build(impl, "EncoderClassifier", {"config": impl.EncoderClassifierConfig(**config)}, params, dtype)
    with torch.no_grad():
        return to_numpy(model(torch.from_numpy(idx)))


def _config(**kwargs):
    from reference_impls.torch.encoder_classifier import EncoderClassifierConfig

    return EncoderClassifierConfig(**kwargs)


def _variant(kind):
    def make(config):
        import torch

        from reference_impls.torch.encoder_classifier import EncoderClassifier

        class Wrong(EncoderClassifier):
            def forward(self, idx):
                T = idx.size(1)
                x = self.tok_emb(idx) + self.pos_emb(torch.arange(T))
                x = x if kind == "no_embedding_norm" else self.emb_ln(x)
                pad = None if kind == "no_padding_mask" else idx == self.config.pad_id
                for layer in self.layers:
                    x = layer(x, key_padding_mask=pad, is_causal=kind == "causal")
                if kind == "mean_pool":
                    real = (idx != self.config.pad_id).to(x.dtype)[..., None]
                    pooled = (x * real).sum(1) / real.sum(1)
                else:
                    pooled = x[:, 0]
                return self.classifier(pooled if kind == "no_pooler" else torch.tanh(self.pooler(pooled)))

        return Wrong(config)

    return {"EncoderClassifier": make, "EncoderClassifierConfig": _config}


def _additive_mask(config, kind="inverted"):
    """Hugging Face's additive mask gone wrong. inverted: attention_mask (1 = real token) added without (1 - mask),
    the real keys get finfo.min (a row without padding attends uniformly); over_queries: (1 - mask) shaped
    (B, 1, T, 1), the padded queries' rows masked and the padded keys seen."""
    import math

    import torch

    from reference_impls.torch.encoder_classifier import EncoderClassifier

    class Wrong(EncoderClassifier):
        def forward(self, idx):
            B, T = idx.shape
            x = self.emb_ln(self.tok_emb(idx) + self.pos_emb(torch.arange(T)))
            real = (idx != self.config.pad_id).to(x.dtype)
            if kind == "inverted":
                bias = real[:, None, None, :] * torch.finfo(x.dtype).min
            else:
                bias = (1 - real)[:, None, :, None] * torch.finfo(x.dtype).min
            for layer in self.layers:
                attn, nh = layer.attn, layer.attn.num_heads
                q, k, v = (t.view(B, T, nh, -1).transpose(1, 2) for t in attn.in_proj(x).chunk(3, dim=-1))
                scores = q @ k.transpose(-1, -2) / math.sqrt(q.size(-1)) + bias
                y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, -1)
                x = layer.ln_1(x + attn.out_proj(y))
                x = layer.ln_2(x + layer.mlp(x))
            return self.classifier(torch.tanh(self.pooler(x[:, 0])))

    return Wrong(config)


def _inverted_bool_mask(config):
    """key_padding_mask = idx != pad_id: True marks the real tokens as padding (a row without padding: NaN)."""
    import torch

    from reference_impls.torch.encoder_classifier import EncoderClassifier

    class Wrong(EncoderClassifier):
        def forward(self, idx):
            x = self.emb_ln(self.tok_emb(idx) + self.pos_emb(torch.arange(idx.size(1))))
            for layer in self.layers:
                x = layer(x, key_padding_mask=idx != self.config.pad_id)
            return self.classifier(torch.tanh(self.pooler(x[:, 0])))

    return Wrong(config)


INVERTED_MASK_HINT = (
    "the padding mask is inverted: the real tokens are masked and the padding attended; key_padding_mask is True "
    "at PADDING (idx == pad_id), and a Hugging Face attention_mask (1 = real) becomes (1 - mask) * finfo.min"
)

EXERCISE = scoped(
    Exercise.of(
        info("encoder_classifier"),
        preamble=PREAMBLE,
        task="""BERT's architecture (Devlin et al. 2019, Sec. 3) with a sentence-classification head, tiny.
Weights are loaded by name; reuse your post-norm Block from transformer_block (copy it here).

1. EncoderClassifierConfig: a @dataclass with vocab_size=32, max_len=16, d_model=16, n_head=2,
   n_layer=2, d_ff=64, n_classes=3, pad_id=0.
2. EncoderClassifier(config): nn.Module with tok_emb = nn.Embedding(vocab_size, d_model), pos_emb =
   nn.Embedding(max_len, d_model), emb_ln = nn.LayerNorm(d_model), layers = ModuleList of n_layer
   Blocks (POST-norm, exact "gelu", d_ff), pooler = nn.Linear(d_model, d_model), classifier =
   nn.Linear(d_model, n_classes).
   forward(idx (B, T) int64, [CLS] first, pad_id padding on the right) -> logits (B, n_classes):
       x = emb_ln(tok_emb(idx) + pos_emb(0..T-1))
       every layer: BIDIRECTIONAL self-attention (no causal mask), padded keys ignored
           (key_padding_mask = idx == pad_id)
       logits = classifier(tanh(pooler(x[:, 0])))          the [CLS] position
A padded batch must give each sequence the logits it gets alone. Compare with the decoder's mask:
what can the [CLS] token see here that a GPT's first token cannot?""",
        entry_points=(
            EntryPoint(
                "EncoderClassifierConfig",
                "(self, vocab_size=32, max_len=16, d_model=16, n_head=2, n_layer=2, d_ff=64, n_classes=3, pad_id=0)",
                "A @dataclass of the model's sizes (replace this class with one).",
                kind="class",
            ),
            EntryPoint(
                "EncoderClassifier",
                "(self, config)",
                "nn.Module: tok_emb, pos_emb, emb_ln, layers, pooler, classifier.",
                kind="class",
                base="nn.Module",
                methods=(EntryPoint("forward", "(self, idx)", "idx (B, T) int64 -> logits (B, n_classes)."),),
            ),
        ),
        checks=(
            Check(
                "logits",
                "EncoderClassifier",
                classifier_cases,
                call=classifier_call,
                tolerance=MODEL_TOL,
                description="2 layers float32/64, 1 layer binary; right padding down to [CLS] alone",
            ),
        ),
        probes=(
            Probe(
                "padding is attended: ignore padded keys in every layer (key_padding_mask = idx == pad_id, True = padding)",
                impl=_variant("no_padding_mask"),
            ),
            Probe(
                INVERTED_MASK_HINT,
                impl={"EncoderClassifier": _additive_mask, "EncoderClassifierConfig": _config},
            ),
            Probe(
                "the additive mask is shaped (B, 1, T, 1), over the queries: it must mask the padded KEYS, "
                "(1 - attention_mask)[:, None, None, :] * finfo.min, a (B, 1, 1, T) bias on the scores",
                impl={
                    "EncoderClassifier": lambda config: _additive_mask(config, "over_queries"),
                    "EncoderClassifierConfig": _config,
                },
            ),
            Probe(
                INVERTED_MASK_HINT,
                impl={"EncoderClassifier": _inverted_bool_mask, "EncoderClassifierConfig": _config},
            ),
            Probe(
                "a causal mask in an encoder: BERT's attention is bidirectional, every token sees every real token",
                impl=_variant("causal"),
            ),
            Probe(
                "mean pooling: BERT classifies from the [CLS] position, x[:, 0], through pooler and tanh",
                impl=_variant("mean_pool"),
            ),
            Probe("the pooler is skipped: logits = classifier(tanh(pooler(x[:, 0])))", impl=_variant("no_pooler")),
            Probe(
                "the embedding LayerNorm is missing: x = emb_ln(tok_emb(idx) + pos_emb(positions))",
                impl=_variant("no_embedding_norm"),
            ),
            Probe(
                "pre-norm layers: BERT's are post-norm, x = LayerNorm(x + sublayer(x))",
                impl="wrong/encoder_classifier/pre_norm.py",
            ),
            Probe(
                "not an nn.Module: write `class EncoderClassifier(nn.Module):` and call super().__init__() first",
                when=not_a_module,
            ),
            Probe(
                "parameter names differ: tok_emb, pos_emb, emb_ln, layers.0.(ln_1, attn.in_proj, attn.out_proj, ln_2, mlp.c_fc, "
                "mlp.c_proj), pooler, classifier",
                when=names_differ,
            ),
        ),
    )
)
