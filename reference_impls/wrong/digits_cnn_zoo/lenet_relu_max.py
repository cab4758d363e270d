"""LeNet-5 written with the modern ReLU and max pooling, not the original's tanh and average pooling."""

import torch.nn.functional as F

from reference_impls.torch.digits_cnn_zoo import VGG, AlexNet, compare, shift  # noqa: F401
from reference_impls.torch.digits_cnn_zoo import LeNet5 as _LeNet5

EXPECTED_HINT = "tanh activations and average pooling"


class LeNet5(_LeNet5):
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # the mistake: AlexNet's ReLU and max pooling
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.flatten(1))))))
