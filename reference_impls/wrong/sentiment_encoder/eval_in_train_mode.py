"""Wrong: measures accuracy without model.eval(), so dropout is still on."""

import torch

from reference_impls.torch.sentiment_encoder import encode_batch, train_sentiment  # noqa: F401

EXPECTED_HINT = "the model was evaluated in train mode"


def accuracy(model, X, y):
    with torch.no_grad():  # the mistake: no model.eval()
        return (model(X).argmax(dim=-1) == y).double().mean().item()
