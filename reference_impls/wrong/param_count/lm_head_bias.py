"""Wrong: the untied lm_head gets a bias of vocab_size; nanoGPT's lm_head has none."""

EXPECTED_HINT = "the untied lm_head has no bias"


def mlp_params(d_in, d_hidden, d_out, bias=True):
    b = int(bias)
    return d_hidden * (d_in + d_out) + b * (d_hidden + d_out)


def attention_params(d_model, bias=True):
    b = int(bias)
    return 4 * d_model**2 + 4 * b * d_model  # W_qkv (3 d^2 + 3 d) and W_o (d^2 + d)


def gqa_params(d_model, n_head, n_kv_head):
    head_dim = d_model // n_head
    return d_model * (2 * d_model + 2 * n_kv_head * head_dim)


def block_params(d_model, d_ff, bias=True):
    b = int(bias)
    d = d_model
    # attention 4 d^2 + 4 b d, MLP 2 d d_ff + b (d_ff + d), two LayerNorms (1 + b) 2 d
    return 4 * d * d + 2 * d * d_ff + b * (4 * d + d_ff + d) + 2 * (1 + b) * d


def gpt_params(vocab_size, block_size, n_layer, n_embd, bias=True, tied=True):
    d = n_embd
    n_params = n_layer * block_params(d, 4 * d, bias)
    n_params += (1 + int(bias)) * d  # ln_f
    n_params += vocab_size * d + block_size * d  # wte, wpe
    if not tied:
        n_params += vocab_size * d + vocab_size  # the mistake: a bias on lm_head
    return n_params


def encoder_decoder_params(src_vocab_size, tgt_vocab_size, d_model, n_layer, d_ff):
    d = d_model
    encoder = n_layer * block_params(d, d_ff)
    decoder = n_layer * (block_params(d, d_ff) + attention_params(d) + 2 * d)  # + cross-attention and ln_3
    return (src_vocab_size + tgt_vocab_size) * d + encoder + decoder + d * tgt_vocab_size + tgt_vocab_size


def encoder_classifier_params(vocab_size, max_len, d_model, n_layer, d_ff, n_classes):
    d = d_model
    embeddings = (vocab_size + max_len) * d + 2 * d
    return embeddings + n_layer * block_params(d, d_ff) + (d * d + d) + (d * n_classes + n_classes)
