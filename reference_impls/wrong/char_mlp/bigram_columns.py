"""Wrong: normalizes the counts over columns, so P[:, j] sums to 1 instead of each row."""

import torch

from reference_impls.torch.char_mlp import CharMLP, bigram_nll, build_dataset, split_loss, train_mlp  # noqa: F401

EXPECTED_HINT = "the columns sum to 1, not the rows"


def bigram_probs(tokens, vocab_size, smoothing=1.0):
    counts = torch.zeros(vocab_size, vocab_size, dtype=torch.float64)
    counts.index_put_((tokens[:-1], tokens[1:]), torch.ones(len(tokens) - 1, dtype=torch.float64), accumulate=True)
    counts += smoothing
    return counts / counts.sum(dim=0, keepdim=True)  # the mistake: dim=0
