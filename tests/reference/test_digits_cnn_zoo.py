"""The digits_cnn_zoo reference: parameter counts by closed form, shift against numpy, the milestone."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from reference_impls.torch import digits_cnn_zoo as ref  # noqa: E402


def _conv(cin, cout):
    return cout * cin * 9 + cout


def _linear(fin, fout):
    return fout * fin + fout


@pytest.mark.parametrize(
    ("model", "closed_form"),
    [
        (ref.LeNet5(), _conv(1, 6) + _conv(6, 16) + _linear(64, 120) + _linear(120, 84) + _linear(84, 10)),
        (ref.AlexNet(), _conv(1, 16) + _conv(16, 32) + _conv(32, 32) + _linear(128, 64) + _linear(64, 10)),
        (ref.VGG(), _conv(1, 8) + _conv(8, 8) + _conv(8, 16) + _conv(16, 16) + _linear(64, 10)),
    ],
)
def test_parameter_counts_and_shapes(model, closed_form):
    assert sum(p.numel() for p in model.parameters()) == closed_form
    model.eval()
    assert model(torch.zeros(3, 1, 8, 8)).shape == (3, 10)


@pytest.mark.parametrize(("dx", "dy"), [(1, 0), (-1, 2), (0, -3), (7, -7), (8, 0), (0, 0)])
def test_shift_matches_numpy(dx, dy):
    images = np.random.default_rng(0).normal(size=(2, 3, 8, 8)).astype(np.float32)
    expected = np.zeros_like(images)
    for i in range(8):
        for j in range(8):
            if 0 <= i - dy < 8 and 0 <= j - dx < 8:
                expected[..., i, j] = images[..., i - dy, j - dx]
    np.testing.assert_array_equal(ref.shift(torch.from_numpy(images), dx, dy).numpy(), expected)


def test_dropout_only_in_alexnet():
    x = torch.randn(4, 1, 8, 8)
    for model, has_dropout in ((ref.LeNet5(), False), (ref.AlexNet(), True), (ref.VGG(), False)):
        model.train()
        torch.manual_seed(0)
        a = model(x)
        torch.manual_seed(1)
        assert (not torch.equal(a, model(x))) == has_dropout


def test_every_architecture_reaches_the_threshold():
    from reference_impls.exercises.digits_cnn_zoo import PARAMETERS, THRESHOLD
    from reference_impls.exercises.digits_lenet import _data

    X, y, X_test, y_test = _data()
    results = ref.compare({"LeNet5": ref.LeNet5, "AlexNet": ref.AlexNet, "VGG": ref.VGG}, X, y, X_test, y_test)
    for name, r in results.items():
        assert r["parameters"] == PARAMETERS[name]
        assert r["accuracy"] >= THRESHOLD
        assert len(r["epoch_losses"]) == 3 and r["epoch_losses"][-1] < r["epoch_losses"][0]
