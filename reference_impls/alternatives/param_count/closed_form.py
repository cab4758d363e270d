"""Correct, in the closed-form style of Kaplan et al. 2020 (Table 1) and nanoGPT's model.py comments: each
count expanded into powers of d (a GPT-2 block with biases is 12 d^2 + 13 d for d_ff = 4 d), a bias switch
b in {0, 1} multiplying every bias term, and the embeddings added apart (nanoGPT's get_num_params with
non_embedding=False: the position table counted too)."""


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
        n_params += vocab_size * d  # lm_head, no bias
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
