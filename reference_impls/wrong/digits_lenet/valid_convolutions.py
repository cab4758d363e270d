"""Wrong: unpadded 3x3 convolutions (8x8 -> 6x6 -> pool 3x3 -> 1x1), so fc1 gets 16 features, not 64."""

import torch.nn as nn
import torch.nn.functional as F

from reference_impls.torch.digits_lenet import predict  # noqa: F401
from reference_impls.torch.digits_lenet import train_baseline as _train_baseline

EXPECTED_HINT = "the 3x3 convolutions are not padded"


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=3)  # the mistake: no padding=1
        self.conv2 = nn.Conv2d(6, 16, kernel_size=3)
        self.fc1 = nn.Linear(16, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # 6x6 -> 3x3
        x = F.relu(self.conv2(x))  # 3x3 -> 1x1: no room for the second pool
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc3(F.relu(self.fc2(x)))


def train_baseline(X, y, epochs=4, batch_size=64, lr=1e-2, seed=0):
    return _train_baseline(X, y, epochs, batch_size, lr, seed)
