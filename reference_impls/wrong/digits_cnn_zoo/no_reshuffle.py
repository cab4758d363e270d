"""One permutation drawn before the epochs: every epoch sees the batches in the same order."""

import time

import torch
import torch.nn.functional as F

from reference_impls.torch.digits_cnn_zoo import VGG, AlexNet, LeNet5, shift  # noqa: F401

EXPECTED_HINT = "same order every epoch"


def compare(models, X, y, X_test, y_test, epochs=3, batch_size=32, lr=1e-2, max_shift=0, seed=0):
    results = {}
    for name, build in models.items():
        torch.manual_seed(seed)
        model = build()
        g = torch.Generator().manual_seed(seed)
        order = torch.randperm(len(y), generator=g)  # the mistake: drawn once, not per epoch
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        start, curve = time.perf_counter(), []
        for _ in range(epochs):
            model.train()
            total = 0.0
            for i in range(0, len(y), batch_size):
                batch = order[i : i + batch_size]
                dx, dy = torch.randint(-max_shift, max_shift + 1, (2,), generator=g).tolist()
                loss = F.cross_entropy(model(shift(X[batch], dx, dy)), y[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.item() * len(batch)
            curve.append(total / len(y))
        seconds = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            accuracy = (model(X_test).argmax(1) == y_test).double().mean().item()
        n_params = sum(p.numel() for p in model.parameters())
        results[name] = {"parameters": n_params, "accuracy": accuracy, "seconds": seconds, "epoch_losses": curve}
    return results
