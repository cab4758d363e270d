"""Wrong: the video's start padding (a context of token 0 before the first character), so every position is an
example, N = len(tokens); the task's text is one stream without a start token."""

import torch

from reference_impls.torch.char_mlp import CharMLP, bigram_nll, bigram_probs, split_loss, train_mlp  # noqa: F401

EXPECTED_HINT = "no start padding here"


def build_dataset(tokens, block_size):
    X, Y = [], []
    context = [0] * block_size  # the mistake: padding; the first example is at position block_size
    for ix in tokens.tolist():
        X.append(context)
        Y.append(ix)
        context = context[1:] + [ix]
    return torch.tensor(X, dtype=torch.int64), torch.tensor(Y, dtype=torch.int64)
