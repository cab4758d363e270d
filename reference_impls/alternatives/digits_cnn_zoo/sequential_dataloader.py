"""nn.Sequential models, a shift by padding and cropping, a DataLoader shuffling from a seeded generator."""

import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=3, padding=1),
            nn.Tanh(),
            nn.AvgPool2d(2),
            nn.Conv2d(6, 16, kernel_size=3, padding=1),
            nn.Tanh(),
            nn.AvgPool2d(2),
            nn.Flatten(),
            nn.Linear(64, 120),
            nn.Tanh(),
            nn.Linear(120, 84),
            nn.Tanh(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.net(x)


class AlexNet(nn.Module):
    def __init__(self, num_classes=10, dropout=0.5):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(32, 32, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Dropout(p=dropout),
            nn.Linear(128, 64),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(64, num_classes),
        )

    def forward(self, x):
        return self.net(x)


def _vgg_stage(cin, cout):
    return [
        nn.Conv2d(cin, cout, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
    ]


class VGG(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(*_vgg_stage(1, 8), *_vgg_stage(8, 16), nn.Flatten(), nn.Linear(64, num_classes))

    def forward(self, x):
        return self.net(x)


def shift(images, dx, dy):
    H, W = images.shape[-2:]
    p = max(abs(dx), abs(dy))
    padded = F.pad(images, (p, p, p, p))
    return padded[..., p - dy : p - dy + H, p - dx : p - dx + W].clone()


def compare(models, X, y, X_test, y_test, epochs=3, batch_size=32, lr=1e-2, max_shift=0, seed=0):
    table = {}
    for name, make in models.items():
        torch.manual_seed(seed)
        model = make()
        g = torch.Generator()
        g.manual_seed(seed)
        loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=g)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        losses = []
        t0 = time.time()
        for _ in range(epochs):
            model.train()
            running, count = 0.0, 0
            for xb, yb in loader:
                dx, dy = torch.randint(-max_shift, max_shift + 1, (2,), generator=g)
                out = model(shift(xb, int(dx), int(dy)))
                loss = F.cross_entropy(out, yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
                running += loss.item() * xb.size(0)
                count += xb.size(0)
            losses.append(running / count)
        elapsed = time.time() - t0
        model.eval()
        with torch.no_grad():
            acc = (model(X_test).argmax(dim=1) == y_test).float().mean().item()
        table[name] = {
            "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "accuracy": acc,
            "seconds": elapsed,
            "epoch_losses": losses,
        }
    return table
