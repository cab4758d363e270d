"""LeNet-5, AlexNet and VGG at the scale of 8x8 digits, trained alike and compared (module 0.3's project).

Module 0.3 compares classic CNN architectures on CIFAR-10. At a CPU's scale, on scikit-learn's 8x8
digits (shipped), each architecture keeps its idea and shrinks its sizes; every convolution is 3x3 with
padding 1 (an 8x8 image has no room for LeNet's 5x5 or AlexNet's 11x11 stride 4):

- `LeNet5`: LeCun et al. 1998: two conv + subsampling stages (tanh, 2x2 average pooling), then 120 - 84
  - classes fully connected. 19,754 parameters.
- `AlexNet`: Krizhevsky et al. 2012's ingredients: ReLU, max pooling, three convolutions (16, 32, 32
  channels), a classifier with dropout before each of its two Linears (128 -> 64 -> classes). 22,954.
- `VGG`: Simonyan and Zisserman 2014's design: stages of two 3x3 convolutions (two of them see 5x5, with
  fewer weights than one 5x5 layer) and a 2x2 max pool, channels doubling (8, 16), one Linear. 4,802.
- `shift`: translation by whole pixels with zero fill, the augmentation (a 1-pixel jitter is to 8x8
  what AlexNet's random 224 crops of 256 are to ImageNet).
- `compare`: each model trained with the same seed, optimizer, schedule and batches (one generator
  seeded with `seed` per run draws the order and the shifts), then its parameter count, test accuracy,
  training time and per-epoch training loss (the convergence curve).

With the defaults (3 epochs of Adam, lr 1e-2, batch 32, no shifts) the three reach 0.87-0.96 test
accuracy (a 1-pixel shift is an eighth of an 8x8 image: with max_shift=1 they need more epochs).
tests/reference/test_digits_cnn_zoo.py checks the parameter counts against the closed forms, the
layers' shapes against torch, `shift` against numpy.
"""

import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.conv2 = nn.Conv2d(6, 16, 3, padding=1)
        self.fc1 = nn.Linear(16 * 2 * 2, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):  # (N, 1, 8, 8) -> (N, num_classes)
        x = F.avg_pool2d(torch.tanh(self.conv1(x)), 2)
        x = F.avg_pool2d(torch.tanh(self.conv2(x)), 2)
        return self.fc3(torch.tanh(self.fc2(torch.tanh(self.fc1(x.flatten(1))))))


class AlexNet(nn.Module):
    def __init__(self, num_classes=10, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 8x8 -> 4x4
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 4x4 -> 2x2
        )  # fmt: skip
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Dropout(dropout), nn.Linear(64, num_classes)
        )

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class VGG(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        layers, channels = [], 1
        for width in (8, 16):
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU()]
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            channels = width
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(16 * 2 * 2, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def shift(images, dx, dy):
    """(N, C, H, W) moved dx pixels right and dy down (negative: left, up); vacated pixels 0."""
    H, W = images.shape[-2:]
    out = torch.zeros_like(images)
    if abs(dx) >= W or abs(dy) >= H:
        return out
    out[..., max(dy, 0) : H + min(dy, 0), max(dx, 0) : W + min(dx, 0)] = images[
        ..., max(-dy, 0) : H + min(-dy, 0), max(-dx, 0) : W + min(-dx, 0)
    ]
    return out


def compare(models, X, y, X_test, y_test, epochs=3, batch_size=32, lr=1e-2, max_shift=0, seed=0):
    """{name: {"parameters", "accuracy", "seconds", "epoch_losses"}}, every model trained alike.

    models: {name: a function of no arguments that builds the nn.Module}.
    """
    results = {}
    for name, build in models.items():
        torch.manual_seed(seed)
        model = build()
        data = torch.Generator().manual_seed(seed)  # the same order and shifts for every model
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        start, curve = time.perf_counter(), []
        for _ in range(epochs):
            model.train()
            order, total = torch.randperm(len(y), generator=data), 0.0
            for i in range(0, len(y), batch_size):
                batch = order[i : i + batch_size]
                dx, dy = torch.randint(-max_shift, max_shift + 1, (2,), generator=data).tolist()
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
        results[name] = {
            "parameters": sum(p.numel() for p in model.parameters()),
            "accuracy": accuracy,
            "seconds": seconds,
            "epoch_losses": curve,
        }
    return results
