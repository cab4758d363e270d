"""The shipped digits and the compression references, against scikit-learn and torch.nn.utils.prune."""

from __future__ import annotations

import copy

import numpy as np
import pytest

torch = pytest.importorskip("torch")
sklearn_datasets = pytest.importorskip("sklearn.datasets")

from sklearn.metrics import accuracy_score  # noqa: E402
from torch.nn.utils import prune as torch_prune  # noqa: E402

from reference_impls.data import DIGITS, digits_split  # noqa: E402
from reference_impls.torch import digits_compression as ref  # noqa: E402


def test_the_shipped_digits_are_scikit_learns():
    digits = sklearn_datasets.load_digits()
    with np.load(DIGITS) as data:
        np.testing.assert_array_equal(data["images"], digits.images.astype(np.uint8))
        np.testing.assert_array_equal(data["labels"], digits.target)
        assert (digits.images == data["images"]).all()  # no pixel lost to the uint8


def test_the_split_is_a_seeded_shuffle_of_every_image():
    X_train, y_train, X_test, y_test = digits_split()
    assert X_train.shape == (1438, 8, 8) and X_test.shape == (359, 8, 8)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() == 1.0
    assert sorted(np.bincount(np.concatenate([y_train, y_test]))) == sorted(
        np.bincount(sklearn_datasets.load_digits().target)
    )
    again = digits_split()
    np.testing.assert_array_equal(again[0], X_train)


def test_magnitude_prune_equals_torch_l1_unstructured_per_layer():
    model = ref.mlp([64, 48, 32, 10], seed=3)
    expected = copy.deepcopy(model)
    ref.magnitude_prune(model, 0.3)
    ref.magnitude_prune(model, 0.5)
    for layer in expected:
        if isinstance(layer, torch.nn.Linear):
            torch_prune.l1_unstructured(layer, "weight", amount=0.5)
    mine = [m for m in model if isinstance(m, torch.nn.Linear)]
    theirs = [m for m in expected if isinstance(m, torch.nn.Linear)]
    for a, b in zip(mine, theirs):
        torch.testing.assert_close(a.weight, b.weight, rtol=0, atol=0)
        torch.testing.assert_close(a.bias, b.bias_orig if hasattr(b, "bias_orig") else b.bias, rtol=0, atol=0)


def test_evaluate_equals_accuracy_score_and_count_parameters_reads_the_masked_weight():
    X_train, y_train, X_test, y_test = (torch.from_numpy(a) for a in digits_split())
    model = ref.train_classifier(ref.mlp([64, 32, 10], dropout=0.2), X_train, y_train, steps=20)
    model.eval()
    with torch.no_grad():
        predicted = model(X_test).argmax(1).numpy()
    assert ref.evaluate(model, X_test, y_test) == pytest.approx(accuracy_score(y_test.numpy(), predicted))
    total = sum(p.numel() for p in model.parameters())
    torch_prune.l1_unstructured(model[1], "weight", amount=0.25)
    assert ref.count_parameters(model) == (total, total - round(0.25 * 64 * 32))


def test_the_pipeline_keeps_the_sparsity_and_the_accuracy():
    X_train, y_train, X_test, y_test = (torch.from_numpy(a) for a in digits_split())
    teacher = ref.train_classifier(ref.mlp([64, 64, 10], dropout=0.1), X_train, y_train)
    assert ref.evaluate(teacher, X_test, y_test) > 0.95
    before = copy.deepcopy(teacher.state_dict())
    snapshots = ref.iterative_prune(copy.deepcopy(teacher), X_train, y_train)
    for level, model in zip((0.3, 0.5, 0.7), snapshots):
        for layer in (model[1], model[4]):
            assert int((layer.weight == 0).sum()) == round(level * layer.weight.numel())
        assert ref.evaluate(model, X_test, y_test) > 0.93
    student = ref.distill(teacher, ref.mlp([64, 16, 10], seed=1), X_train, y_train)
    assert all(torch.equal(v, before[k]) for k, v in teacher.state_dict().items())
    assert ref.evaluate(student, X_test, y_test) > 0.9
    rows = ref.compare_variants(teacher, {"teacher": teacher, "pruned": snapshots[-1]}, X_test, y_test)
    assert rows["teacher"]["reduction_pct"] == 0 and rows["teacher"]["accuracy_drop"] == 0
    total, nonzero = ref.count_parameters(snapshots[-1])
    assert nonzero == total - round(0.7 * 64 * 64) - round(0.7 * 64 * 10)
    assert rows["pruned"]["reduction_pct"] == pytest.approx(100 * (1 - nonzero / 4810))


def test_lenet_has_lenet5s_layers_and_predict_is_the_argmax_in_eval_mode():
    from reference_impls.torch.digits_lenet import LeNet5, predict, train_baseline

    model = LeNet5()
    shapes = [tuple(p.shape) for p in model.parameters()]
    assert shapes == [(6, 1, 3, 3), (6,), (16, 6, 3, 3), (16,), (120, 64), (120,), (84, 120), (84,), (10, 84), (10,)]
    assert sum(p.numel() for p in model.parameters()) == 19_754
    X_train, y_train, X_test, y_test = (torch.from_numpy(a) for a in digits_split())
    mean, std = X_train.mean(), X_train.std()
    X_train, X_test = (X_train - mean)[:, None] / std, (X_test - mean)[:, None] / std
    trained = train_baseline(X_train, y_train, epochs=1)
    trained.train()
    predicted = predict(trained, X_test, batch_size=100)  # 359 = 3 x 100 + 59
    with torch.no_grad():
        expected = trained.eval()(X_test).argmax(dim=1)
    assert predicted.dtype == torch.int64 and torch.equal(predicted, expected)
    assert accuracy_score(y_test.numpy(), predicted.numpy()) > 0.6  # one epoch


def test_the_numpy_mlps_gradients_are_torch_autograds():
    from reference_impls.numpy.digits_mlp import backward, forward

    rng = np.random.default_rng(7)
    sizes = (64, 48, 32, 10)
    params = [(rng.standard_normal((i, o)) * 0.3, rng.standard_normal(o) * 0.1) for i, o in zip(sizes[:-1], sizes[1:])]
    X_train, y_train, _, _ = digits_split()
    X, y = X_train[:20].reshape(20, 64).astype(np.float64), y_train[:20]
    tensors = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in params]
    A = torch.tensor(X)
    for i, (W, b) in enumerate(tensors):
        A = A @ W + b
        if i < len(tensors) - 1:
            A = torch.relu(A)
    np.testing.assert_allclose(forward(params, X), A.detach().numpy(), rtol=1e-10)
    loss = torch.nn.functional.cross_entropy(A, torch.tensor(y))
    loss.backward()
    ours, grads = backward(params, X, y)
    assert ours == pytest.approx(loss.item(), rel=1e-10)
    for (dW, db), (W, b) in zip(grads, tensors):
        np.testing.assert_allclose(dW, W.grad.numpy(), rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(db, b.grad.numpy(), rtol=1e-8, atol=1e-12)
