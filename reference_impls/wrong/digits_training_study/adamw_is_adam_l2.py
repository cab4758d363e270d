"""'adamw' built as Adam with weight_decay: L2 through Adam's scaling, not decoupled decay."""

import torch

from reference_impls.torch.digits_training_study import lr_at, make_cnn, summarize, train, welch_t_test  # noqa: F401

EXPECTED_HINT = "must decouple the weight decay"


def make_optimizer(name, params, lr, weight_decay=0.0):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    # the mistake: "adamw" is the same as "adam"
    return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
