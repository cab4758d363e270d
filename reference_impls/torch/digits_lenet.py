"""A LeNet-5 variant trained as an FP32 baseline on scikit-learn's 8x8 digits (module 1.1's step 1).

Module 1.1's capstone quantizes "a baseline FP32 CNN (LeNet-5 variant) trained on MNIST". Its first
step, at a CPU's scale: LeCun et al. 1998's layout (two conv + pool stages, then 120 - 84 - 10 fully
connected) sized for 8x8 images: 3x3 convolutions padded by 1 keep 8x8 and 4x4, each 2x2 max pool
halves them, so 16 channels of 2x2 = 64 features reach the first Linear. ReLU in place of the
original's scaled tanh, max pooling in place of its trainable subsampling, as modern variants do.
19,754 parameters (77 KiB in fp32: the size the later steps quantize to int8).

`predict` is the evaluation the later steps repeat on the quantized models: eval mode, no gradients,
in batches, the argmax over the classes. The reference reaches ~0.97 test accuracy in 4 epochs of Adam
(batch 64, lr 1e-2) on the standardized images (tests/reference/test_digits.py: predictions equal the
argmax of the model's logits over the whole set, and the layer shapes LeNet-5's).
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=3, padding=1)  # (N, 6, 8, 8) -> pool -> (N, 6, 4, 4)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=3, padding=1)  # (N, 16, 4, 4) -> pool -> (N, 16, 2, 2)
        self.fc1 = nn.Linear(16 * 2 * 2, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):  # (N, 1, 8, 8) -> (N, num_classes) logits
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc3(F.relu(self.fc2(x)))


def train_baseline(X, y, epochs=4, batch_size=64, lr=1e-2, seed=0):
    """A LeNet5 trained with Adam on shuffled mini-batches (torch.manual_seed(seed) first)."""
    torch.manual_seed(seed)
    model = LeNet5()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad()
            F.cross_entropy(model(X[batch]), y[batch]).backward()
            optimizer.step()
    return model


def predict(model, X, batch_size=128):
    """The predicted class of every image (int64), in eval mode, without gradients, in batches."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(X[start : start + batch_size]).argmax(dim=1) for start in range(0, len(X), batch_size)])
