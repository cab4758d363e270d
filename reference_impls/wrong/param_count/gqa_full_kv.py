"""Wrong: GQA counted as multi-head attention (k_proj and v_proj d x d), and no biases anywhere else either."""

EXPECTED_HINT = "GQA shrinks them"


def mlp_params(d_in, d_hidden, d_out, bias=True):
    return d_in * d_hidden + d_hidden * d_out + ((d_hidden + d_out) if bias else 0)


def attention_params(d_model, bias=True):
    return 4 * d_model * d_model + (4 * d_model if bias else 0)


def gqa_params(d_model, n_head, n_kv_head):
    return 4 * d_model * d_model


def block_params(d_model, d_ff, bias=True):
    ln = 2 * d_model if bias else d_model
    return attention_params(d_model, bias) + mlp_params(d_model, d_ff, d_model, bias) + 2 * ln


def gpt_params(vocab_size, block_size, n_layer, n_embd, bias=True, tied=True):
    ln = 2 * n_embd if bias else n_embd
    return (
        (vocab_size + block_size) * n_embd
        + n_layer * block_params(n_embd, 4 * n_embd, bias)
        + ln
        + (0 if tied else vocab_size * n_embd)
    )


def encoder_decoder_params(src_vocab_size, tgt_vocab_size, d_model, n_layer, d_ff):
    enc = block_params(d_model, d_ff)
    dec = enc + attention_params(d_model) + 2 * d_model
    return (
        (src_vocab_size + tgt_vocab_size) * d_model + n_layer * (enc + dec) + d_model * tgt_vocab_size + tgt_vocab_size
    )


def encoder_classifier_params(vocab_size, max_len, d_model, n_layer, d_ff, n_classes):
    return (
        (vocab_size + max_len) * d_model
        + 2 * d_model
        + n_layer * block_params(d_model, d_ff)
        + d_model * d_model
        + d_model
        + d_model * n_classes
        + n_classes
    )
