"""Correct, in the style of the PyTorch tutorials: LeNet-5 as two nn.Sequential blocks, training through a
DataLoader over a TensorDataset (shuffle=True), prediction under torch.inference_mode."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def train_baseline(X, y, epochs=4, batch_size=64, lr=1e-2, seed=0):
    torch.manual_seed(seed)
    model = LeNet5()
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
    return model


def predict(model, X, batch_size=128):
    model.eval()
    predictions = []
    with torch.inference_mode():
        for (images,) in DataLoader(TensorDataset(X), batch_size=batch_size):
            predictions.append(model(images).argmax(1))
    return torch.cat(predictions)
