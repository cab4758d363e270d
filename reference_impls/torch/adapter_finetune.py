"""QLoRA's capstone steps at a CPU's scale: adapters fine-tuned on instruction data, perplexity,
the training memory of a 4-bit base, and the size of a 4-bit quantized model.

Module 1.2's capstone fine-tunes OPT-2.7B / Llama-7B with QLoRA and quantizes it with GPTQ. The steps'
points survive on a tiny character-level language model (an MLP over the last `context` characters)
pretrained on the shipped Shakespeare, then adapted to an "instruction" text made from it ("Line: <a
line>", then "By: <its speaker>"):

- `add_lora`: every nn.Linear wrapped as W0 x + (alpha / r) B A x (Hu et al. 2021), everything else
  frozen; B starts at zero, so the model starts unchanged. `finetune` trains the adapters only.
- `perplexity`: exp of the mean next-character cross-entropy over every position of a text (each
  predicted from the `context` before it), batched: a weighted mean over batches of different sizes.
- `qlora_memory_bytes` (Dettmers et al. 2023, Sec. 3): the 4-bit NF4 base costs bits / 8 bytes per
  weight plus its quantization constants, an fp32 absmax per block of 64 (0.5 bit per weight) or,
  double-quantized, an 8-bit absmax per block plus an fp32 constant per 256 blocks (0.127 bit); the
  adapters train in fp32 with their gradients and AdamW's two moments (16 bytes per parameter).
  Activations are left out: they depend on the batch and the sequence length.
- `model_size_bytes`: a GPTQ-style 4-bit checkpoint: each Linear weight at `bits` with an fp16 scale
  and a `bits`-wide zero point per group of `group_size` input features; every other parameter fp16.

Perplexity equals exp(F.cross_entropy) over all positions at once; the memory and size formulas are
checked against counts by hand (tests/reference/test_adapter_finetune.py). Limits: no bias on the LoRA
branch, no dropout; sizes are the tensors' bytes, not a file format's headers.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

CONTEXT = 4


class TinyLM(nn.Module):
    """Next character from the last `context`: embedding, a hidden layer, logits."""

    def __init__(self, vocab_size, context=CONTEXT, n_embd=16, hidden=64):
        super().__init__()
        self.context = context
        self.embed = nn.Embedding(vocab_size, n_embd)
        self.hidden = nn.Linear(context * n_embd, hidden)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, idx):  # (N, context) int64 -> (N, vocab_size)
        return self.out(F.relu(self.hidden(self.embed(idx).flatten(1))))


def instruction_text(text):
    """'Line: <line>\\nBy: <speaker>\\n' for every line of every speech of a play's text."""
    pairs = []
    for speech in text.split("\n\n"):
        speaker, _, lines = speech.partition(":\n")
        pairs += [f"Line: {line}\nBy: {speaker}\n" for line in lines.splitlines() if line.strip()]
    return "".join(pairs)


def windows(tokens, context):
    """(inputs (N, context), targets (N,)): every position from `context` on, with the characters before it."""
    idx = torch.arange(context, len(tokens))
    return tokens[idx[:, None] - torch.arange(context, 0, -1)], tokens[idx]


def pretrain(model, tokens, steps=150, lr=1e-2, batch_size=512, seed=0):
    """Plain next-character training (the base model the adapters start from); in place."""
    return _train(model, tokens, steps, lr, batch_size, seed)


def add_lora(model, r=4, alpha=8.0):
    """Wrap every nn.Linear of `model` as a LoRA layer and freeze all but the adapters; in place."""
    for p in model.parameters():
        p.requires_grad_(False)
    for name, child in list(model.named_children()):
        if isinstance(child, nn.Linear):
            setattr(model, name, LoRAWrapped(child, r, alpha))
        else:
            add_lora(child, r, alpha)
    return model


class LoRAWrapped(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base  # frozen
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling


def finetune(model, tokens, steps=100, lr=1e-2, batch_size=512, seed=0):
    """Train the parameters that require a gradient (the adapters), on random windows of `tokens`."""
    return _train(model, tokens, steps, lr, batch_size, seed)


def _train(model, tokens, steps, lr, batch_size, seed):
    generator = torch.Generator().manual_seed(seed)
    X, Y = windows(tokens, model.context)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    for _ in range(steps):
        batch = torch.randint(len(Y), (batch_size,), generator=generator)
        optimizer.zero_grad()
        F.cross_entropy(model(X[batch]), Y[batch]).backward()
        optimizer.step()
    return model


def perplexity(model, tokens, context, batch_size=256):
    """exp(mean cross-entropy) of every character of `tokens` from the `context` before it, in eval
    mode, in batches: the mean is over characters, not over batches."""
    X, Y = windows(tokens, context)
    model.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(Y), batch_size):
            logits = model(X[start : start + batch_size])
            total += F.cross_entropy(logits, Y[start : start + batch_size], reduction="sum").item()
    return math.exp(total / len(Y))


def qlora_memory_bytes(n_base, n_lora, bits=4, block_size=64, double_quant=True):
    """Bytes to fine-tune: the quantized base and its constants, the adapters with gradients and AdamW."""
    n_blocks = math.ceil(n_base / block_size)
    if double_quant:  # 8-bit absmax per block, an fp32 scale per 256 of them
        constants = n_blocks + 4 * math.ceil(n_blocks / 256)
    else:
        constants = 4 * n_blocks  # an fp32 absmax per block
    return math.ceil(n_base * bits / 8) + constants + 16 * n_lora  # fp32 weight, gradient, two moments


def model_size_bytes(model, bits=4, group_size=128):
    """Bytes of a checkpoint with every nn.Linear weight quantized: `bits` per weight, an fp16 scale and a
    `bits`-wide zero point per group of `group_size` input features; every other parameter in fp16."""
    total = 0.0
    quantized = set()
    for module in model.modules():
        if isinstance(module, nn.Linear):
            out_features, in_features = module.weight.shape
            groups = out_features * math.ceil(in_features / group_size)
            total += out_features * in_features * bits / 8 + groups * (2 + bits / 8)
            quantized.add(id(module.weight))
    total += sum(2 * p.numel() for p in model.parameters() if id(p) not in quantized)
    return math.ceil(total)
