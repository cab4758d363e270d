"""The learning-curve reference against torch's cross-entropy and a direct evaluation of the returned parameters."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.data import digits_split
from reference_impls.numpy import learning_curves as lc
from reference_impls.numpy.digits_mlp import forward


def _data(n=300):
    X, y, X_val, y_val = digits_split()
    return X.reshape(-1, 64).astype(np.float64)[:n], y[:n], X_val.reshape(-1, 64).astype(np.float64), y_val


def test_the_last_point_of_each_curve_is_the_returned_models():
    X, y, X_val, y_val = _data()
    params, curves = lc.train_with_curves(X, y, X_val, y_val, epochs=3)
    assert all(len(v) == 3 for v in curves.values())
    for data, labels, key in ((X, y, "train_loss"), (X_val, y_val, "val_loss")):
        logits = torch.from_numpy(forward(params, data))
        assert curves[key][-1] == pytest.approx(F.cross_entropy(logits, torch.from_numpy(labels)).item(), rel=1e-10)
    assert curves["val_accuracy"][-1] == pytest.approx(np.mean(forward(params, X_val).argmax(1) == y_val))
    assert curves["train_loss"][-1] < curves["train_loss"][0]


def test_the_sweep_reruns_from_the_same_seed():
    X, y, X_val, y_val = _data()
    scores = lc.lr_sensitivity(X, y, X_val, y_val, [0.001, 0.3, 5.0], epochs=2)
    for lr, score in zip([0.001, 0.3, 5.0], scores):
        assert score == lc.train_with_curves(X, y, X_val, y_val, epochs=2, lr=lr)[1]["val_accuracy"][-1]
    assert scores[1] > scores[0] and scores[1] > scores[2]
