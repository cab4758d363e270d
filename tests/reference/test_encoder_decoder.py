"""encoder_decoder.py against nn.TransformerEncoderLayer / nn.TransformerDecoderLayer stacks with copied weights."""

import math

import pytest
import torch
from torch import nn

from reference_impls.torch.encoder_decoder import Transformer, TransformerConfig
from reference_impls.torch.param_count import encoder_decoder_params
from reference_impls.torch.positions import sinusoidal_encoding
from tests.reference._torch_oracles import copy_attention, copy_linear, encoder_layer, randomize


@torch.no_grad()
def torch_forward(model, src, tgt):
    c = model.config
    dtype = model.src_embed.weight.dtype
    enc = [encoder_layer(b, "relu", norm_first=False, dtype=dtype) for b in model.encoder]
    dec = []
    for ours in model.decoder:
        layer = nn.TransformerDecoderLayer(
            c.d_model, c.n_head, c.d_ff, dropout=0.0, batch_first=True, dtype=dtype
        ).eval()
        copy_attention(ours.attn, layer.self_attn)
        copy_attention(ours.cross_attn, layer.multihead_attn)
        for a, b in [
            (ours.mlp.c_fc, layer.linear1),
            (ours.mlp.c_proj, layer.linear2),
            (ours.ln_1, layer.norm1),
            (ours.ln_2, layer.norm2),
            (ours.ln_3, layer.norm3),
        ]:
            copy_linear(a, b)
        dec.append(layer)
    pe = sinusoidal_encoding(c.max_len, c.d_model, dtype=dtype)
    pad = src == c.pad_id
    x = model.src_embed(src) * math.sqrt(c.d_model) + pe[: src.size(1)]
    for layer in enc:
        x = layer(x, src_key_padding_mask=pad)
    memory = x
    y = model.tgt_embed(tgt) * math.sqrt(c.d_model) + pe[: tgt.size(1)]
    causal = nn.Transformer.generate_square_subsequent_mask(tgt.size(1), dtype=dtype)
    for layer in dec:
        y = layer(y, memory, tgt_mask=causal, memory_key_padding_mask=pad)
    return model.generator(y)


@pytest.mark.parametrize(
    "dtype, tol", [(torch.float32, dict(rtol=1e-4, atol=1e-5)), (torch.float64, dict(rtol=1e-10, atol=1e-11))]
)
def test_matches_the_torch_layers_with_source_padding(dtype, tol):
    model = randomize(Transformer(TransformerConfig()).to(dtype), seed=0)
    g = torch.Generator().manual_seed(1)
    src = torch.randint(1, 24, (3, 7), generator=g)
    src[1, 5:] = 0  # padding
    src[2, 2:] = 0
    tgt = torch.randint(1, 20, (3, 5), generator=g)
    with torch.no_grad():
        torch.testing.assert_close(model(src, tgt), torch_forward(model, src, tgt), **tol)


def test_padding_and_the_future_do_not_leak():
    model = randomize(Transformer(TransformerConfig()).double(), seed=2)
    src = torch.tensor([[5, 6, 7, 0, 0]])
    tgt = torch.tensor([[1, 2, 3, 4]])
    with torch.no_grad():
        base = model(src, tgt)
        torch.testing.assert_close(model(src[:, :3], tgt), base)  # padding changes nothing
        torch.testing.assert_close(model(src, torch.tensor([[1, 2, 9, 9]]))[:, :2], base[:, :2])  # causal


def test_parameter_count():
    c = TransformerConfig()
    assert sum(p.numel() for p in Transformer(c).parameters()) == encoder_decoder_params(24, 20, 16, 2, 32)
