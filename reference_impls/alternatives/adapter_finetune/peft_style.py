"""Correct, in the style of Hugging Face PEFT's LoRA layer: lora_A and lora_B as bias-free nn.Linear
modules (B zero-initialized), the wrapped layer kept as `base_layer`, modules replaced through their
parent's name; training windows drawn with torch.randint from a seeded generator."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoraLinear(nn.Module):
    def __init__(self, base_layer, r, alpha):
        super().__init__()
        self.base_layer = base_layer
        self.lora_A = nn.Linear(base_layer.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base_layer.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.scaling = alpha / r

    def forward(self, x):
        return self.base_layer(x) + self.lora_B(self.lora_A(x)) * self.scaling


def add_lora(model, r=4, alpha=8.0):
    model.requires_grad_(False)
    targets = [name for name, module in model.named_modules() if isinstance(module, nn.Linear)]
    for name in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, LoraLinear(getattr(parent, child), r, alpha))
    return model


def _windows(tokens, context):
    X = tokens.unfold(0, context, 1)[:-1]  # every run of `context`, but the last (it has no next token)
    return X, tokens[context:]


def finetune(model, tokens, steps=100, lr=1e-2, batch_size=512, seed=0):
    g = torch.Generator().manual_seed(seed)
    X, Y = _windows(tokens, model.context)
    opt = torch.optim.AdamW(filter(lambda p: p.requires_grad, model.parameters()), lr=lr)
    model.train()
    for _ in range(steps):
        ix = torch.randint(0, len(Y), (batch_size,), generator=g)
        loss = F.cross_entropy(model(X[ix]), Y[ix])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return model


@torch.no_grad()
def perplexity(model, tokens, context, batch_size=256):
    model.eval()
    X, Y = _windows(tokens, context)
    nll, count = 0.0, 0
    for i in range(0, len(Y), batch_size):
        logits = model(X[i : i + batch_size])
        nll += F.cross_entropy(logits, Y[i : i + batch_size], reduction="sum").item()
        count += len(Y[i : i + batch_size])
    return math.exp(nll / count)


def qlora_memory_bytes(n_base, n_lora, bits=4, block_size=64, double_quant=True):
    blocks = -(-n_base // block_size)
    quant_constants = blocks * 1 + 4 * -(-blocks // 256) if double_quant else blocks * 4
    adapters = n_lora * (4 + 4 + 4 + 4)  # weight, grad, exp_avg, exp_avg_sq in fp32
    return -(-n_base * bits // 8) + quant_constants + adapters


def model_size_bytes(model, bits=4, group_size=128):
    bits_total = 0
    linear_weights = set()
    for module in model.modules():
        if isinstance(module, nn.Linear):
            n_out, n_in = module.weight.shape
            n_groups = n_out * -(-n_in // group_size)
            bits_total += n_out * n_in * bits + n_groups * (16 + bits)
            linear_weights.add(module.weight)
    bits_total += sum(16 * p.numel() for p in model.parameters() if all(p is not w for w in linear_weights))
    return -(-bits_total // 8)
