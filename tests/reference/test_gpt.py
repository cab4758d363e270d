"""gpt.py against a GPT built from nn.TransformerEncoderLayer (pre-norm, causal, tanh GELU) with copied weights."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.torch.gpt import GPT, GPTConfig
from reference_impls.torch.param_count import gpt_params
from tests.reference._torch_oracles import encoder_layer, randomize

GELU_TANH = lambda x: F.gelu(x, approximate="tanh")


def torch_gpt_logits(model, idx):
    t = model.transformer
    layers = [encoder_layer(block, GELU_TANH, norm_first=True, dtype=t.wte.weight.dtype) for block in t.h]
    T = idx.size(1)
    x = t.wte(idx) + t.wpe(torch.arange(T))
    mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=x.dtype)
    for layer in layers:
        x = layer(x, src_mask=mask)
    return F.layer_norm(x, x.shape[-1:], t.ln_f.weight, t.ln_f.bias) @ t.wte.weight.T  # tied head


@pytest.mark.parametrize("cfg", [GPTConfig(), GPTConfig(block_size=8, vocab_size=50, n_layer=3, n_head=4, n_embd=32)])
@pytest.mark.parametrize(
    "dtype, tol", [(torch.float32, dict(rtol=1e-4, atol=1e-5)), (torch.float64, dict(rtol=1e-10, atol=1e-11))]
)
def test_logits_and_loss_match_the_torch_layers(cfg, dtype, tol):
    model = randomize(GPT(cfg).to(dtype), seed=cfg.n_layer)
    g = torch.Generator().manual_seed(0)
    idx = torch.randint(cfg.vocab_size, (3, cfg.block_size), generator=g)
    targets = torch.randint(cfg.vocab_size, (3, cfg.block_size), generator=g)
    with torch.no_grad():
        logits, loss = model(idx, targets)
        want = torch_gpt_logits(model, idx)
        torch.testing.assert_close(logits, want, **tol)
        torch.testing.assert_close(loss, F.cross_entropy(want.flatten(0, 1), targets.flatten()), **tol)
        assert model(idx[:, :1])[1] is None


def test_causal_logits_do_not_see_the_future():
    model = randomize(GPT(GPTConfig()), seed=1)
    idx = torch.randint(32, (1, 10), generator=torch.Generator().manual_seed(2))
    changed = idx.clone()
    changed[0, 6:] = (changed[0, 6:] + 1) % 32
    with torch.no_grad():
        torch.testing.assert_close(model(idx)[0][:, :6], model(changed)[0][:, :6])


def test_weight_tying_and_parameter_count():
    model = GPT(GPTConfig())
    assert model.lm_head.weight is model.transformer.wte.weight
    assert sum(p.numel() for p in model.parameters()) == gpt_params(32, 16, 2, 16)
    assert "lm_head.weight" not in dict(model.named_parameters())


def test_generate_is_greedy_and_crops_the_context():
    cfg = GPTConfig(block_size=4)
    model = randomize(GPT(cfg), seed=3)
    idx = torch.tensor([[3, 1, 4]])
    out = model.generate(idx, 6)  # grows past block_size: the context is cropped to the last 4 tokens
    assert out.shape == (1, 9) and torch.equal(out[:, :3], idx)
    with torch.no_grad():
        for t in range(3, 9):
            ctx = out[:, max(0, t - 4) : t]
            assert out[0, t] == model(ctx)[0][0, -1].argmax()
