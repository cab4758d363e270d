"""Batch norm, initialization and a WaveNet-style hierarchical character model (makemore parts 3 and 5).

Module 0.7's milestone 3, on the shipped Shakespeare (reference_impls/data), split 90 / 10:

- `init_weight_`: three initializations of a Linear weight (out, in), fan_in = in: "naive" N(0, gain^2),
  "kaiming" N(0, gain^2 / fan_in) (He et al. 2015; gain 5/3 for tanh keeps activations at unit scale),
  "xavier" U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio 2010).
- `BatchNorm1d` (Ioffe and Szegedy 2015), as torch's: in training, normalize with the batch's mean and
  biased variance over the batch dimension (and the time dimension of a (B, T, C) input, as in makemore
  part 5), then scale and shift; update running_mean / running_var (unbiased) by `momentum`; in eval mode,
  normalize with the running statistics.
- `activation_stats`: the statistics makemore part 3 plots to diagnose training: for each tanh layer the
  mean and std of its output, the fraction saturated (|t| > 0.97, where tanh's gradient 1 - t^2 is
  under 0.06), and the std of the loss's gradient with respect to it. A deep tanh stack initialized
  "naive" saturates almost completely; the same stack with batch norm before each tanh does not.
- `FlattenConsecutive(n)`: (B, T, C) -> (B, T / n, n C), consecutive time steps concatenated; the
  output squeezed to (B, n C) when one step is left. Stacked with Linear layers, it makes WaveNet's
  (van den Oord et al. 2016) tree of dilated causal convolutions of kernel 2: each level fuses pairs of
  the level below, so a block of 8 characters is read in 3 levels instead of in one flat layer.
- `WaveNet`: embeddings, log2(block_size) levels of FlattenConsecutive(2) -> Linear (no bias: batch norm
  follows) -> BatchNorm1d -> tanh, a Linear to the logits whose weight is scaled by 0.1 at init (the
  initial loss is then close to ln(vocab_size), the uniform guess). Hidden Linears "kaiming" with gain 5/3.
- `train_wavenet`: Adam on random mini-batches; 200 steps of 256 at lr 2e-2 reach ~2.2 nats on the held-out 10 %.

tests/reference/test_char_wavenet.py checks BatchNorm1d against torch.nn.BatchNorm1d, the
initializations against torch.nn.init, FlattenConsecutive against a Conv1d of kernel 2 and stride 2.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

TANH_GAIN = 5 / 3


def init_weight_(weight, strategy, gain=1.0):
    """Fill a Linear weight (fan_out, fan_in) in place by `strategy` ("naive", "kaiming", "xavier"); return it."""
    fan_out, fan_in = weight.shape
    with torch.no_grad():
        if strategy == "naive":
            return weight.normal_(0.0, gain)
        if strategy == "kaiming":
            return weight.normal_(0.0, gain / math.sqrt(fan_in))
        if strategy == "xavier":
            bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
            return weight.uniform_(-bound, bound)
    raise ValueError(f"unknown strategy {strategy!r}: use 'naive', 'kaiming' or 'xavier'")


class BatchNorm1d(nn.Module):
    def __init__(self, dim, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(dim))
        self.bias = nn.Parameter(torch.zeros(dim))
        self.register_buffer("running_mean", torch.zeros(dim))
        self.register_buffer("running_var", torch.ones(dim))

    def forward(self, x):  # (B, C) or (B, T, C)
        if self.training:
            dims = tuple(range(x.dim() - 1))  # every dimension but the features
            mean = x.mean(dim=dims)
            var = x.var(dim=dims, unbiased=False)
            n = x.numel() // x.shape[-1]
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * n / max(n - 1, 1))
        else:
            mean, var = self.running_mean, self.running_var
        return self.weight * (x - mean) / torch.sqrt(var + self.eps) + self.bias


def activation_stats(model, X, Y):
    """Per nn.Tanh of `model` (in order): output mean, std, fraction |t| > 0.97, std of dloss/dt; train mode."""
    outputs = []
    hooks = [
        m.register_forward_hook(lambda m, i, out: outputs.append(out))
        for m in model.modules()
        if isinstance(m, nn.Tanh)
    ]
    try:
        model.train()
        logits = model(X)
        for out in outputs:
            out.retain_grad()
        F.cross_entropy(logits, Y).backward()
    finally:
        for hook in hooks:
            hook.remove()
    with torch.no_grad():
        return {
            "mean": torch.stack([t.mean() for t in outputs]),
            "std": torch.stack([t.std() for t in outputs]),
            "saturated": torch.stack([(t.abs() > 0.97).float().mean() for t in outputs]),
            "grad_std": torch.stack([t.grad.std() for t in outputs]),
        }


class FlattenConsecutive(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):  # (B, T, C) -> (B, T // n, n * C), or (B, n * C) when T == n
        B, T, C = x.shape
        x = x.reshape(B, T // self.n, self.n * C)
        return x.squeeze(1) if x.shape[1] == 1 else x


class WaveNet(nn.Module):
    def __init__(self, vocab_size, block_size=8, n_embd=10, n_hidden=64):
        super().__init__()
        self.block_size = block_size
        layers, width = [nn.Embedding(vocab_size, n_embd)], n_embd
        for _ in range(int(math.log2(block_size))):
            linear = nn.Linear(2 * width, n_hidden, bias=False)
            init_weight_(linear.weight, "kaiming", TANH_GAIN)
            layers += [FlattenConsecutive(2), linear, BatchNorm1d(n_hidden), nn.Tanh()]
            width = n_hidden
        out = nn.Linear(width, vocab_size)
        with torch.no_grad():
            out.weight.mul_(0.1)  # a near-uniform first prediction: the initial loss is about ln(vocab_size)
        self.layers = nn.Sequential(*layers, out)

    def forward(self, X):  # (N, block_size) int64 -> (N, vocab_size) logits
        return self.layers(X)


def train_wavenet(tokens, vocab_size, block_size=8, steps=200, batch_size=256, lr=2e-2, seed=0):
    """A WaveNet trained with Adam on random mini-batches of `tokens` (torch.manual_seed(seed) first)."""
    torch.manual_seed(seed)
    model = WaveNet(vocab_size, block_size)
    idx = torch.arange(block_size, len(tokens))
    X, Y = tokens[idx[:, None] - torch.arange(block_size, 0, -1)], tokens[idx]
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        batch = torch.randint(len(Y), (batch_size,))
        optimizer.zero_grad()
        F.cross_entropy(model(X[batch]), Y[batch]).backward()
        optimizer.step()
    return model
