"""Wrong: the smoothing constant replaces the zero counts only, instead of being added to every count."""

import torch

from reference_impls.torch.char_mlp import CharMLP, bigram_nll, build_dataset, split_loss, train_mlp  # noqa: F401

EXPECTED_HINT = "smoothing is added to EVERY count"


def bigram_probs(tokens, vocab_size, smoothing=1.0):
    counts = torch.zeros(vocab_size, vocab_size, dtype=torch.float64)
    for i, j in zip(tokens[:-1].tolist(), tokens[1:].tolist()):
        counts[i, j] += 1
    counts[counts == 0] = smoothing  # the mistake: counts += smoothing
    return counts / counts.sum(dim=1, keepdim=True)
