"""AlexNet's classifier without its dropout layers."""

import torch.nn as nn

from reference_impls.torch.digits_cnn_zoo import VGG, LeNet5, compare, shift  # noqa: F401
from reference_impls.torch.digits_cnn_zoo import AlexNet as _AlexNet

EXPECTED_HINT = "dropout is missing"


class AlexNet(_AlexNet):
    def __init__(self, num_classes=10, dropout=0.5):
        super().__init__(num_classes, dropout)
        # the mistake: no nn.Dropout in the classifier
        self.classifier = nn.Sequential(nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, num_classes))
