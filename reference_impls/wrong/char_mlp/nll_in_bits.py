"""Wrong: the bigram loss with log2 (bits); the task and F.cross_entropy use the natural log (nats)."""

import torch

from reference_impls.torch.char_mlp import CharMLP, bigram_probs, build_dataset, split_loss, train_mlp  # noqa: F401

EXPECTED_HINT = "the loss is in nats"


def bigram_nll(P, tokens):
    return -torch.log2(P[tokens[:-1], tokens[1:]]).mean().item()  # the mistake: torch.log
