"""Parameter counts in closed form, for the models of this package.

    Linear(d_in, d_out):       d_in d_out + d_out (bias)
    LayerNorm(d):              2 d  (weight and bias; d without the bias)
    multi-head attention(d):   4 d^2 + 4 d   (W^Q, W^K, W^V, W^O and their biases; the head count does not matter)
    GQA(d, nh, n_kv):          2 d^2 + 2 d (n_kv d / nh)   (no bias: q and o are d x d, k and v d x n_kv*hs)
    block(d, d_ff):            attention + Linear(d, d_ff) + Linear(d_ff, d) + 2 LayerNorms
                               = 4 d^2 + 2 d d_ff + 9 d + d_ff   (with biases)
    GPT:                       V d (wte) + block_size d (wpe) + L block(d, 4d) + 2 d (ln_f)
                               (+ V d if lm_head is not tied to wte)
    GPT-2 small (V 50257, block_size 1024, L 12, d 768):  124,439,808

Embeddings dominate small models (GPT-2 small: 38.6M of 124M is wte); for large d the blocks'
12 d^2 per layer dominate (~12 L d^2).

Source: counted from the modules of gpt.py, encoder_decoder.py, encoder_classifier.py and gqa.py
(tests/reference/test_param_count.py checks every formula against sum(p.numel() for p in
model.parameters()), which counts a tied weight once). Limits: dense models only (an MoE's experts
multiply the MLP term).
"""


def linear_params(d_in, d_out, bias=True):
    return d_in * d_out + (d_out if bias else 0)


def layer_norm_params(d, bias=True):
    return 2 * d if bias else d


def mlp_params(d_in, d_hidden, d_out, bias=True):
    """A 2-layer MLP: Linear(d_in, d_hidden) -> activation -> Linear(d_hidden, d_out)."""
    return linear_params(d_in, d_hidden, bias) + linear_params(d_hidden, d_out, bias)


def attention_params(d_model, bias=True):
    return linear_params(d_model, 3 * d_model, bias) + linear_params(d_model, d_model, bias)


def gqa_params(d_model, n_head, n_kv_head):
    kv_dim = n_kv_head * (d_model // n_head)
    return 2 * d_model * d_model + 2 * d_model * kv_dim


def block_params(d_model, d_ff, bias=True):
    return (
        attention_params(d_model, bias)
        + mlp_params(d_model, d_ff, d_model, bias)
        + 2 * layer_norm_params(d_model, bias)
    )


def gpt_params(vocab_size, block_size, n_layer, n_embd, bias=True, tied=True):
    embeddings = vocab_size * n_embd + block_size * n_embd
    head = 0 if tied else vocab_size * n_embd
    return embeddings + n_layer * block_params(n_embd, 4 * n_embd, bias) + layer_norm_params(n_embd, bias) + head


def encoder_decoder_params(src_vocab_size, tgt_vocab_size, d_model, n_layer, d_ff):
    """Vaswani's model as encoder_decoder.Transformer: untied embeddings, a generator with a bias."""
    encoder_layer = block_params(d_model, d_ff)
    decoder_layer = encoder_layer + attention_params(d_model) + layer_norm_params(d_model)  # + cross-attention, ln_3
    embeddings = (src_vocab_size + tgt_vocab_size) * d_model
    return embeddings + n_layer * (encoder_layer + decoder_layer) + linear_params(d_model, tgt_vocab_size)


def encoder_classifier_params(vocab_size, max_len, d_model, n_layer, d_ff, n_classes):
    embeddings = (vocab_size + max_len) * d_model + layer_norm_params(d_model)
    head = linear_params(d_model, d_model) + linear_params(d_model, n_classes)  # pooler, classifier
    return embeddings + n_layer * block_params(d_model, d_ff) + head
