"""Wrong: each context window ends at the target itself, so the model sees the character it must predict."""

import torch

from reference_impls.torch.char_mlp import CharMLP, bigram_nll, bigram_probs, split_loss, train_mlp  # noqa: F401

EXPECTED_HINT = "the contexts are off by one"


def build_dataset(tokens, block_size):
    idx = torch.arange(block_size, len(tokens))
    return tokens[idx[:, None] - torch.arange(block_size - 1, -1, -1)], tokens[idx]  # the mistake: ends at idx
