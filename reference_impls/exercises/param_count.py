"""Exercise: parameter counts in closed form (a 2-layer MLP, attention, blocks, GPT-2's 124M, Vaswani's model)."""

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe


def _cases(rows):
    def make():
        for name, kwargs, note in rows:
            yield Case(name, (), kwargs, note=note)

    return make


MLP = [
    ("mnist", dict(d_in=784, d_hidden=128, d_out=10), "the classic MNIST MLP: 101,770"),
    ("no_bias", dict(d_in=3, d_hidden=5, d_out=2, bias=False), ""),
    ("ones", dict(d_in=1, d_hidden=1, d_out=1), ""),
]
ATTENTION = [
    ("d768", dict(d_model=768), "GPT-2 small's attention: 2,362,368"),
    ("d16_no_bias", dict(d_model=16, bias=False), ""),
]
GQA = [
    ("llama2_70b", dict(d_model=8192, n_head=64, n_kv_head=8), "Llama-2-70B's attention: 8 kv heads of 128"),
    ("multi_query", dict(d_model=64, n_head=8, n_kv_head=1), ""),
    ("multi_head", dict(d_model=32, n_head=4, n_kv_head=4), ""),
]
BLOCK = [
    ("gpt2_small", dict(d_model=768, d_ff=3072), "12 d^2 + 13 d = 7,087,872"),
    ("d_ff_24", dict(d_model=16, d_ff=24), ""),
    ("no_bias", dict(d_model=8, d_ff=32, bias=False), "no biases: the LayerNorms keep only their weight"),
]
GPT = [
    ("gpt2_small", dict(vocab_size=50257, block_size=1024, n_layer=12, n_embd=768), "124,439,808 with the tied head"),
    ("gpt2_medium", dict(vocab_size=50257, block_size=1024, n_layer=24, n_embd=1024), ""),
    (
        "untied",
        dict(vocab_size=32, block_size=16, n_layer=2, n_embd=16, tied=False),
        "an untied lm_head adds vocab_size * n_embd",
    ),
    ("tiny_no_bias", dict(vocab_size=50, block_size=8, n_layer=3, n_embd=32, bias=False), ""),
]
ENC_DEC = [
    (
        "vaswani_base_layers",
        dict(src_vocab_size=0, tgt_vocab_size=0, d_model=512, n_layer=6, d_ff=2048),
        "the base model's 6 + 6 layers: 44,138,496",
    ),
    ("tiny", dict(src_vocab_size=24, tgt_vocab_size=20, d_model=16, n_layer=2, d_ff=32), ""),
]
ENC_CLS = [
    ("tiny", dict(vocab_size=32, max_len=16, d_model=16, n_layer=2, d_ff=64, n_classes=3), ""),
    (
        "bert_base_shape",
        dict(vocab_size=30522, max_len=512, d_model=768, n_layer=12, d_ff=3072, n_classes=2),
        "BERT-base's shapes (no token types): ~109M",
    ),
]


def _drop(**changes):
    """A variant of the reference with one term wrong, as the probes' impl."""

    def linear(d_in, d_out, bias=True):
        return d_in * d_out + (d_out if bias and changes.get("bias", True) else 0)

    def ln(d, bias=True):
        return 0 if not changes.get("layer_norm", True) else (2 * d if bias and changes.get("bias", True) else d)

    def mlp(d_in, d_hidden, d_out, bias=True):
        return linear(d_in, d_hidden, bias) + linear(d_hidden, d_out, bias)

    def attention(d_model, bias=True):
        return linear(d_model, (3 if changes.get("qkv", True) else 1) * d_model, bias) + linear(d_model, d_model, bias)

    def block(d_model, d_ff, bias=True):
        return attention(d_model, bias) + mlp(d_model, d_ff, d_model, bias) + 2 * ln(d_model, bias)

    def gpt(vocab_size, block_size, n_layer, n_embd, bias=True, tied=True):
        emb = vocab_size * n_embd + (block_size * n_embd if changes.get("wpe", True) else 0)
        head = vocab_size * n_embd if (not tied or changes.get("count_head_twice")) else 0
        return emb + n_layer * block(n_embd, 4 * n_embd, bias) + ln(n_embd, bias) + head

    def enc_dec(src_vocab_size, tgt_vocab_size, d_model, n_layer, d_ff):
        dec_extra = attention(d_model) + ln(d_model) if changes.get("cross_attention", True) else 0
        return (
            (src_vocab_size + tgt_vocab_size) * d_model
            + n_layer * (2 * block(d_model, d_ff) + dec_extra)
            + linear(d_model, tgt_vocab_size)
        )

    def enc_cls(vocab_size, max_len, d_model, n_layer, d_ff, n_classes):
        return (
            (vocab_size + max_len) * d_model
            + ln(d_model)
            + n_layer * block(d_model, d_ff)
            + linear(d_model, d_model)
            + linear(d_model, n_classes)
        )

    return {
        "mlp_params": mlp,
        "attention_params": attention,
        "block_params": block,
        "gpt_params": gpt,
        "encoder_decoder_params": enc_dec,
        "encoder_classifier_params": enc_cls,
    }


def _layer_norm_bias_kept(case, actual, expected) -> bool:
    """bias=False, and the count is over by d per LayerNorm: each LayerNorm's bias counted anyway."""
    kw = case.kwargs
    if kw.get("bias", True) or not isinstance(actual, int) or isinstance(actual, bool):
        return False
    d = kw.get("d_model", kw.get("n_embd"))
    norms = 2 * kw["n_layer"] + 1 if "n_layer" in kw else 2
    return d is not None and actual - expected == norms * d


def _lm_head_bias(case, actual, expected) -> bool:
    kw = case.kwargs
    return not kw.get("tied", True) and isinstance(actual, int) and actual - expected == kw["vocab_size"]


EXERCISE = Exercise.of(
    info("param_count"),
    task="""Count parameters with formulas, then check them against sum(p.numel() for p in model.parameters())
on your own modules (a tied weight counts once). Every function returns an int.

    nn.Linear(d_in, d_out): d_in * d_out + d_out (bias)          nn.LayerNorm(d): 2 d (d without bias)

1. mlp_params(d_in, d_hidden, d_out, bias=True): Linear -> activation -> Linear.
2. attention_params(d_model, bias=True): multi-head attention with in_proj (d -> 3d) and out_proj
   (d -> d). Why does the number of heads not appear?
3. gqa_params(d_model, n_head, n_kv_head): Llama's attention without biases: q_proj and o_proj
   d x d, k_proj and v_proj d x (n_kv_head * d / n_head).
4. block_params(d_model, d_ff, bias=True): attention + MLP(d, d_ff, d) + 2 LayerNorms.
5. gpt_params(vocab_size, block_size, n_layer, n_embd, bias=True, tied=True): wte + wpe +
   n_layer blocks (d_ff = 4 n_embd) + ln_f, + lm_head (no bias) only if not tied. GPT-2 small: 124,439,808.
6. encoder_decoder_params(src_vocab_size, tgt_vocab_size, d_model, n_layer, d_ff): the
   encoder_decoder exercise's model: two embedding tables, n_layer encoder blocks, n_layer
   decoder layers (a block plus cross-attention plus a third LayerNorm), a generator with bias.
7. encoder_classifier_params(vocab_size, max_len, d_model, n_layer, d_ff, n_classes): embeddings,
   their LayerNorm, n_layer blocks, pooler (d x d + d) and classifier.""",
    entry_points=(
        EntryPoint("mlp_params", "(d_in, d_hidden, d_out, bias=True)", "Parameters of a 2-layer MLP."),
        EntryPoint(
            "attention_params", "(d_model, bias=True)", "Parameters of multi-head attention (in_proj, out_proj)."
        ),
        EntryPoint("gqa_params", "(d_model, n_head, n_kv_head)", "Parameters of grouped-query attention, no biases."),
        EntryPoint("block_params", "(d_model, d_ff, bias=True)", "Parameters of a transformer block."),
        EntryPoint(
            "gpt_params",
            "(vocab_size, block_size, n_layer, n_embd, bias=True, tied=True)",
            "Parameters of a GPT-2-style model.",
        ),
        EntryPoint(
            "encoder_decoder_params",
            "(src_vocab_size, tgt_vocab_size, d_model, n_layer, d_ff)",
            "Parameters of Vaswani's model.",
        ),
        EntryPoint(
            "encoder_classifier_params",
            "(vocab_size, max_len, d_model, n_layer, d_ff, n_classes)",
            "Parameters of the BERT-style classifier.",
        ),
    ),
    checks=(
        Check("mlp", "mlp_params", _cases(MLP), description="784-128-10, no bias, 1-1-1"),
        Check("attention", "attention_params", _cases(ATTENTION), description="d 768, d 16 without bias"),
        Check("gqa", "gqa_params", _cases(GQA), description="Llama-2-70B, multi-query, multi-head"),
        Check("block", "block_params", _cases(BLOCK), description="GPT-2 small, d_ff 24, no bias"),
        Check("gpt", "gpt_params", _cases(GPT), description="GPT-2 small (124,439,808) and medium, untied, no bias"),
        Check("encoder_decoder", "encoder_decoder_params", _cases(ENC_DEC), description="Vaswani base's layers, tiny"),
        Check(
            "encoder_classifier", "encoder_classifier_params", _cases(ENC_CLS), description="tiny, BERT-base's shapes"
        ),
    ),
    probes=(
        Probe(
            "with bias=False the LayerNorms lose their bias too (nn.LayerNorm(d, bias=False)): d parameters each, not 2 d",
            when=_layer_norm_bias_kept,
        ),
        Probe(
            "the untied lm_head has no bias (GPT-2's is nn.Linear(n_embd, vocab_size, bias=False)): vocab_size * n_embd",
            when=_lm_head_bias,
        ),
        Probe(
            "the biases are missing: every nn.Linear(d_in, d_out) has d_out of them (and LayerNorm a bias of d)",
            impl=_drop(bias=False),
        ),
        Probe(
            "the LayerNorms are missing: each has a weight and a bias of size d (2 per block, plus ln_f / emb_ln)",
            impl=_drop(layer_norm=False),
        ),
        Probe(
            "lm_head counted although tied: a tied head shares wte's weight, no new parameter",
            impl=_drop(count_head_twice=True),
            checks=("gpt",),
        ),
        Probe(
            "the position table is missing: wpe has block_size * n_embd parameters",
            impl=_drop(wpe=False),
            checks=("gpt",),
        ),
        Probe(
            "attention has THREE input projections (Q, K, V: d x 3d in total) plus the output projection",
            impl=_drop(qkv=False),
            checks=("attention", "block", "gpt", "encoder_decoder", "encoder_classifier"),
        ),
        Probe(
            "each decoder layer adds cross-attention and a third LayerNorm to an encoder block",
            impl=_drop(cross_attention=False),
            checks=("encoder_decoder",),
        ),
        Probe(
            "k_proj and v_proj are d x (n_kv_head * head_dim), head_dim = d / n_head: GQA shrinks them",
            impl="wrong/param_count/gqa_full_kv.py",
            checks=("gqa",),
        ),
    ),
)
