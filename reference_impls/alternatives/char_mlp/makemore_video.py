"""Correct, in the style of Karpathy's makemore videos (parts 1 and 2): the bigram counts N filled by a
Python loop over zip(tokens, tokens[1:]), P = (N + smoothing) normalized by P.sum(1, keepdims=True), the
loss as a log-likelihood accumulated pair by pair, the dataset built with a rolling `context` list, and
the MLP as raw tensors C, W1, b1, W2, b2 (emb = C[X]; h = tanh(emb.view(-1, ...) @ W1 + b1)). Adapted to
the task's contract: float64 bigram probabilities, no '.' start padding (the first example is at
position block_size), the tensors registered as nn.Parameters of an nn.Module, and Adam instead of the
video's hand-written SGD update."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def bigram_probs(tokens, vocab_size, smoothing=1.0):
    N = torch.zeros((vocab_size, vocab_size), dtype=torch.int64)
    for ix1, ix2 in zip(tokens.tolist(), tokens[1:].tolist()):
        N[ix1, ix2] += 1
    P = (N + smoothing).double()
    P /= P.sum(1, keepdims=True)
    return P


def bigram_nll(P, tokens):
    log_likelihood, n = 0.0, 0
    for ix1, ix2 in zip(tokens.tolist(), tokens[1:].tolist()):
        log_likelihood += torch.log(P[ix1, ix2]).item()
        n += 1
    return -log_likelihood / n


def build_dataset(tokens, block_size):
    X, Y = [], []
    stream = tokens.tolist()
    context = stream[:block_size]
    for ix in stream[block_size:]:
        X.append(context)
        Y.append(ix)
        context = context[1:] + [ix]  # crop and append
    return torch.tensor(X, dtype=torch.int64).reshape(-1, block_size), torch.tensor(Y, dtype=torch.int64)


class CharMLP(nn.Module):
    def __init__(self, vocab_size, block_size=3, n_embd=10, n_hidden=64):
        super().__init__()
        self.block_size = block_size
        fan_in = block_size * n_embd
        self.C = nn.Parameter(torch.randn((vocab_size, n_embd)))
        self.W1 = nn.Parameter(torch.randn((fan_in, n_hidden)) / fan_in**0.5)
        self.b1 = nn.Parameter(torch.randn(n_hidden) * 0.01)
        self.W2 = nn.Parameter(torch.randn((n_hidden, vocab_size)) * 0.01)
        self.b2 = nn.Parameter(torch.zeros(vocab_size))

    def forward(self, X):
        emb = self.C[X]  # (N, block_size, n_embd)
        h = torch.tanh(emb.view(emb.shape[0], -1) @ self.W1 + self.b1)
        return h @ self.W2 + self.b2


@torch.no_grad()
def split_loss(model, tokens, block_size):
    model.eval()
    X, Y = build_dataset(tokens, block_size)
    logits = model(X)
    return F.cross_entropy(logits, Y).item()


def train_mlp(tokens, vocab_size, block_size=3, steps=300, batch_size=256, lr=1e-2, seed=0):
    torch.manual_seed(seed)
    model = CharMLP(vocab_size, block_size)
    Xtr, Ytr = build_dataset(tokens, block_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        ix = torch.randint(0, Xtr.shape[0], (batch_size,))
        logits = model(Xtr[ix])
        loss = F.cross_entropy(logits, Ytr[ix])
        for p in model.parameters():
            p.grad = None
        loss.backward()
        optimizer.step()
    return model
