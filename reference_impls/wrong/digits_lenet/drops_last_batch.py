"""Wrong: len(X) // batch_size batches, so the last partial batch is never predicted."""

import torch

from reference_impls.torch.digits_lenet import LeNet5, train_baseline  # noqa: F401

EXPECTED_HINT = "the last, shorter batch was dropped"
ALSO_APPLIES = ("fewer predictions than images",)


def predict(model, X, batch_size=128):
    model.eval()
    with torch.no_grad():
        n_batches = len(X) // batch_size  # the mistake: drops the remainder
        chunks = [model(X[i * batch_size : (i + 1) * batch_size]).argmax(dim=1) for i in range(n_batches)]
    return torch.cat(chunks) if chunks else torch.empty(0, dtype=torch.int64)
