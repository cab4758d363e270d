"""The shuffle and the shifts drawn from torch's global RNG: each model's init consumes it differently."""

import time

import torch
import torch.nn.functional as F

from reference_impls.torch.digits_cnn_zoo import VGG, AlexNet, LeNet5, shift  # noqa: F401

EXPECTED_HINT = "the models saw different batches"


def compare(models, X, y, X_test, y_test, epochs=3, batch_size=32, lr=1e-2, max_shift=0, seed=0):
    results = {}
    for name, build in models.items():
        torch.manual_seed(seed)
        model = build()
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        start, curve = time.perf_counter(), []
        for _ in range(epochs):
            model.train()
            order, total = torch.randperm(len(y)), 0.0  # the mistake: the global RNG, after the model's init
            for i in range(0, len(y), batch_size):
                batch = order[i : i + batch_size]
                dx, dy = torch.randint(-max_shift, max_shift + 1, (2,)).tolist()
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
