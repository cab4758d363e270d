"""Shared by the model tests: copy our blocks' weights into torch.nn's transformer layers."""

import torch
from torch import nn


def randomize(module, seed, scale=0.3):
    """Every parameter ~ N(0, scale^2), LayerNorm gains ~ 1 + N(0, scale^2): biases and gains all count."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            is_gain = p.dim() == 1 and any(n in name for n in ("ln", "norm")) and name.endswith("weight")
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) * scale + (1.0 if is_gain else 0.0))
    return module


def copy_attention(ours, theirs):
    theirs.in_proj_weight.copy_(ours.in_proj.weight)
    theirs.in_proj_bias.copy_(ours.in_proj.bias)
    theirs.out_proj.weight.copy_(ours.out_proj.weight)
    theirs.out_proj.bias.copy_(ours.out_proj.bias)


def copy_linear(ours, theirs):
    theirs.weight.copy_(ours.weight)
    theirs.bias.copy_(ours.bias)


@torch.no_grad()
def encoder_layer(block, activation, norm_first, dtype):
    """An nn.TransformerEncoderLayer holding the weights of blocks.Block `block`."""
    d, nh, d_ff = block.ln_1.normalized_shape[0], block.attn.num_heads, block.mlp.c_fc.out_features
    layer = nn.TransformerEncoderLayer(
        d, nh, d_ff, dropout=0.0, activation=activation, batch_first=True, norm_first=norm_first, dtype=dtype
    ).eval()
    copy_attention(block.attn, layer.self_attn)
    for ours, theirs in [
        (block.mlp.c_fc, layer.linear1),
        (block.mlp.c_proj, layer.linear2),
        (block.ln_1, layer.norm1),
        (block.ln_2, layer.norm2),
    ]:
        copy_linear(ours, theirs)
    return layer
