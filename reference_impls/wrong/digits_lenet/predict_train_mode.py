"""Wrong: predicts without switching to eval mode (batch norm normalizes with each batch's statistics)."""

import torch

from reference_impls.torch.digits_lenet import LeNet5, train_baseline  # noqa: F401

EXPECTED_HINT = "the model was run in train mode"


def predict(model, X, batch_size=128):
    with torch.no_grad():  # the mistake: no model.eval()
        return torch.cat([model(X[s : s + batch_size]).argmax(dim=1) for s in range(0, len(X), batch_size)])
