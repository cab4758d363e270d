"""Wrong: no optimizer.zero_grad(): each backward adds to the previous steps' gradients."""

import torch
import torch.nn.functional as F

from reference_impls.torch.char_mlp import CharMLP, bigram_nll, bigram_probs, build_dataset, split_loss  # noqa: F401

EXPECTED_HINT = "the gradients accumulate across steps"


def train_mlp(tokens, vocab_size, block_size=3, steps=300, batch_size=256, lr=1e-2, seed=0):
    torch.manual_seed(seed)
    model = CharMLP(vocab_size, block_size)
    X, Y = build_dataset(tokens, block_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        batch = torch.randint(len(Y), (batch_size,))
        F.cross_entropy(model(X[batch]), Y[batch]).backward()  # the mistake: optimizer.zero_grad() missing
        optimizer.step()
    return model
