"""blocks.py against nn.TransformerEncoderLayer (pre-norm and post-norm) with copied weights."""

import pytest
import torch
from torch import nn

from reference_impls.torch.blocks import Block


def copy_to_torch(block, layer):
    """Our nanoGPT names -> nn.TransformerEncoderLayer's."""
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(block.attn.in_proj.weight)
        layer.self_attn.in_proj_bias.copy_(block.attn.in_proj.bias)
        layer.self_attn.out_proj.weight.copy_(block.attn.out_proj.weight)
        layer.self_attn.out_proj.bias.copy_(block.attn.out_proj.bias)
        for ours, theirs in [
            (block.mlp.c_fc, layer.linear1),
            (block.mlp.c_proj, layer.linear2),
            (block.ln_1, layer.norm1),
            (block.ln_2, layer.norm2),
        ]:
            theirs.weight.copy_(ours.weight)
            theirs.bias.copy_(ours.bias)


def randomize(module, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            gain = 1.0 if name.startswith("ln_") and name.endswith("weight") else 0.0  # LayerNorm gains near 1
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) * 0.3 + gain)


ACT = {"relu": "relu", "gelu": "gelu", "gelu_tanh": lambda x: nn.functional.gelu(x, approximate="tanh")}


@pytest.mark.parametrize("norm_first", [True, False])
@pytest.mark.parametrize("activation", ["relu", "gelu", "gelu_tanh"])
@pytest.mark.parametrize(
    "dtype, tol", [(torch.float32, dict(rtol=1e-4, atol=1e-5)), (torch.float64, dict(rtol=1e-10, atol=1e-12))]
)
def test_matches_transformer_encoder_layer(norm_first, activation, dtype, tol):
    block = Block(16, 4, 40, norm_first=norm_first, activation=activation).to(dtype)
    randomize(block, seed=7)
    layer = nn.TransformerEncoderLayer(
        16, 4, 40, dropout=0.0, activation=ACT[activation], batch_first=True, norm_first=norm_first, dtype=dtype
    ).eval()
    copy_to_torch(block, layer)
    x = torch.randn(3, 6, 16, generator=torch.Generator().manual_seed(1), dtype=dtype)
    pad = torch.tensor([[False] * 6, [False] * 4 + [True] * 2, [False] + [True] * 5])
    causal = nn.Transformer.generate_square_subsequent_mask(6, dtype=dtype)
    with torch.no_grad():
        torch.testing.assert_close(block(x), layer(x), **tol)
        torch.testing.assert_close(block(x, is_causal=True), layer(x, src_mask=causal), **tol)
        got, want = block(x, key_padding_mask=pad), layer(x, src_key_padding_mask=pad)
        real = ~pad  # the fast path of nn.TransformerEncoderLayer may zero padded positions: compare real tokens
        torch.testing.assert_close(got[real], want[real], **tol)


def test_pre_norm_keeps_the_identity_path():
    # Zero the output projections: a pre-norm block is then the identity, a post-norm one is not.
    block = Block(8, 2)
    with torch.no_grad():
        block.attn.out_proj.weight.zero_(), block.attn.out_proj.bias.zero_()
        block.mlp.c_proj.weight.zero_(), block.mlp.c_proj.bias.zero_()
    x = torch.randn(2, 5, 8) * 3 + 1
    torch.testing.assert_close(block(x), x)
    block.norm_first = False
    torch.testing.assert_close(block(x), nn.functional.layer_norm(x, (8,)))
