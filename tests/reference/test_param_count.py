"""param_count.py: every closed form against sum(p.numel()) of the module it describes, and GPT-2's 124M."""

import pytest
from torch import nn

from reference_impls.torch import param_count as pc
from reference_impls.torch.blocks import Block
from reference_impls.torch.encoder_classifier import EncoderClassifier, EncoderClassifierConfig
from reference_impls.torch.encoder_decoder import Transformer, TransformerConfig
from reference_impls.torch.gpt import GPT, GPTConfig
from reference_impls.torch.gqa import GroupedQueryAttention
from reference_impls.torch.multihead import MultiHeadAttention


def count(module):
    return sum(p.numel() for p in module.parameters())  # a tied weight is one parameter: counted once


@pytest.mark.parametrize("d_in, d_h, d_out, bias", [(784, 128, 10, True), (3, 5, 2, False), (1, 1, 1, True)])
def test_mlp(d_in, d_h, d_out, bias):
    mlp = nn.Sequential(nn.Linear(d_in, d_h, bias=bias), nn.ReLU(), nn.Linear(d_h, d_out, bias=bias))
    assert pc.mlp_params(d_in, d_h, d_out, bias) == count(mlp)
    assert pc.mlp_params(784, 128, 10) == 101_770  # the classic MNIST MLP


@pytest.mark.parametrize("d, nh, bias", [(16, 4, True), (12, 1, False), (64, 8, True)])
def test_attention_and_block(d, nh, bias):
    assert pc.attention_params(d, bias) == count(MultiHeadAttention(d, nh, bias=bias))
    assert pc.attention_params(d, bias) == count(nn.MultiheadAttention(d, nh, bias=bias))
    assert pc.block_params(d, 3 * d, bias) == count(Block(d, nh, 3 * d, bias=bias))
    if bias:
        assert pc.block_params(d, 4 * d) == 12 * d * d + 13 * d


@pytest.mark.parametrize("n_head, n_kv_head", [(4, 4), (4, 2), (4, 1), (8, 2)])
def test_gqa(n_head, n_kv_head):
    assert pc.gqa_params(32, n_head, n_kv_head) == count(GroupedQueryAttention(32, n_head, n_kv_head))


@pytest.mark.parametrize("cfg", [GPTConfig(), GPTConfig(8, 50, 3, 4, 32, bias=False), GPTConfig(1, 2, 1, 1, 4)])
def test_gpt(cfg):
    assert pc.gpt_params(cfg.vocab_size, cfg.block_size, cfg.n_layer, cfg.n_embd, cfg.bias) == count(GPT(cfg))
    untied = pc.gpt_params(cfg.vocab_size, cfg.block_size, cfg.n_layer, cfg.n_embd, cfg.bias, tied=False)
    assert untied - count(GPT(cfg)) == cfg.vocab_size * cfg.n_embd


def test_gpt2_small_is_124m():
    assert pc.gpt_params(50257, 1024, 12, 768) == 124_439_808  # as Hugging Face's GPT2LMHeadModel.num_parameters()
    assert pc.gpt_params(50257, 1024, 24, 1024) == 354_823_168  # GPT-2 medium


def test_encoder_decoder_and_classifier():
    for c in [TransformerConfig(), TransformerConfig(10, 12, 8, 2, 3, 20)]:
        assert pc.encoder_decoder_params(c.src_vocab_size, c.tgt_vocab_size, c.d_model, c.n_layer, c.d_ff) == count(
            Transformer(c)
        )
    c = EncoderClassifierConfig(vocab_size=40, max_len=12, d_model=8, n_head=2, n_layer=3, d_ff=24, n_classes=5)
    assert pc.encoder_classifier_params(40, 12, 8, 3, 24, 5) == count(EncoderClassifier(c))
    # Vaswani's base model (d 512, 6 + 6 layers, d_ff 2048): 44,138,496 parameters in its layers (vocabulary 0)
    assert pc.encoder_decoder_params(0, 0, 512, 6, 2048) == 44_138_496
