"""makemore's style: torch.nn.init for the weights, explicit dims in batch norm, torch.cat of strided slices,
retain_grad() on each tanh's output recorded by the layer itself, a flat list of layers."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def init_weight_(weight, strategy, gain=1.0):
    if strategy == "kaiming":
        return nn.init.normal_(weight, std=gain / math.sqrt(weight.shape[1]))
    if strategy == "xavier":
        return nn.init.xavier_uniform_(weight, gain=gain)
    if strategy == "naive":
        return nn.init.normal_(weight, std=gain)
    raise ValueError(strategy)


class BatchNorm1d(nn.Module):
    def __init__(self, dim, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(dim))
        self.bias = nn.Parameter(torch.zeros(dim))
        self.register_buffer("running_mean", torch.zeros(dim))
        self.register_buffer("running_var", torch.ones(dim))

    def forward(self, x):
        if not self.training:
            xhat = (x - self.running_mean) / torch.sqrt(self.running_var + self.eps)
            return self.weight * xhat + self.bias
        dim = 0 if x.ndim == 2 else (0, 1)
        xmean = x.mean(dim, keepdim=True)
        xvar = x.var(dim, keepdim=True, correction=0)
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)
        n = x.numel() / x.shape[-1]
        with torch.no_grad():
            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean.flatten()
            unbiased = xvar.flatten() * n / (n - 1)
            self.running_var = (1 - self.momentum) * self.running_var + self.momentum * unbiased
        return self.weight * xhat + self.bias


def activation_stats(model, X, Y):
    tanhs = [m for m in model.modules() if isinstance(m, nn.Tanh)]
    outs = {}

    def keep(module, inputs, output):
        output.retain_grad()
        outs[module] = output

    handles = [t.register_forward_hook(keep) for t in tanhs]
    model.train()
    loss = F.cross_entropy(model(X), Y)
    for h in handles:
        h.remove()
    model.zero_grad()
    loss.backward()
    result = {"mean": [], "std": [], "saturated": [], "grad_std": []}
    for t in tanhs:
        out = outs[t]
        result["mean"].append(out.mean().item())
        result["std"].append(out.std().item())
        result["saturated"].append((out.abs() > 0.97).float().mean().item())
        result["grad_std"].append(out.grad.std().item())
    return {k: torch.tensor(v) for k, v in result.items()}


class FlattenConsecutive(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        x = torch.cat([x[:, i :: self.n, :] for i in range(self.n)], dim=2)
        if x.shape[1] == 1:
            x = x.squeeze(1)
        return x


class WaveNet(nn.Module):
    def __init__(self, vocab_size, block_size=8, n_embd=10, n_hidden=64):
        super().__init__()
        self.block_size = block_size
        self.embedding = nn.Embedding(vocab_size, n_embd)
        blocks = []
        fan_in = n_embd * 2
        for _ in range(round(math.log2(block_size))):
            linear = nn.Linear(fan_in, n_hidden, bias=False)
            init_weight_(linear.weight, "kaiming", 5 / 3)
            blocks.append(nn.Sequential(FlattenConsecutive(2), linear, BatchNorm1d(n_hidden), nn.Tanh()))
            fan_in = n_hidden * 2
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Linear(n_hidden, vocab_size)
        with torch.no_grad():
            self.head.weight *= 0.1

    def forward(self, X):
        x = self.embedding(X)
        for block in self.blocks:
            x = block(x)
        return self.head(x)


def train_wavenet(tokens, vocab_size, block_size=8, steps=200, batch_size=256, lr=2e-2, seed=0):
    torch.manual_seed(seed)
    xs, ys = [], []
    for i in range(block_size, len(tokens)):
        xs.append(tokens[i - block_size : i])
        ys.append(tokens[i])
    X, Y = torch.stack(xs), torch.stack(ys)
    model = WaveNet(vocab_size, block_size)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        ix = torch.randint(0, X.shape[0], (batch_size,))
        loss = F.cross_entropy(model(X[ix]), Y[ix])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model
