"""MLP forward / manual backward against torch.nn + autograd, finite differences, and XOR."""

import numpy as np
import pytest
import torch

from reference_impls.numpy import mlp, xor
from reference_impls.numpy.gradcheck import (
    gradient_check,
    numerical_gradient,
    relative_error,
)

TOL = {np.float32: {"rtol": 1e-4, "atol": 1e-5}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}
SIZES = [[3, 2], [4, 5, 3], [6, 8, 8, 4], [2, 16, 1, 7, 3]]


def torch_mlp(weights, biases):
    layers = []
    for l, (W, b) in enumerate(zip(weights, biases)):
        lin = torch.nn.Linear(*W.shape).to(torch.from_numpy(W).dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T))  # torch stores (out, in)
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin, torch.nn.ReLU()] if l < len(weights) - 1 else [lin]
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("n", [1, 9])
def test_forward_backward_match_torch(sizes, n, dtype):
    rng = np.random.default_rng(len(sizes) * 10 + n)
    weights, biases = mlp.init_mlp(sizes, rng, dtype)
    biases = [rng.standard_normal(b.shape).astype(dtype) * 0.1 for b in biases]
    x = rng.standard_normal((n, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], n)

    net = torch_mlp(weights, biases)
    tx = torch.tensor(x, requires_grad=True)
    logits = net(tx)
    np.testing.assert_allclose(mlp.mlp_forward(x, weights, biases), logits.detach().numpy(), **TOL[dtype])

    g = rng.standard_normal(logits.shape).astype(dtype)
    logits.backward(torch.tensor(g))
    dW, db, dx = mlp.mlp_backward(x, weights, biases, g)
    np.testing.assert_allclose(dx, tx.grad.numpy(), **TOL[dtype])
    for l, lin in enumerate(m for m in net if isinstance(m, torch.nn.Linear)):
        np.testing.assert_allclose(dW[l], lin.weight.grad.numpy().T, **TOL[dtype])
        np.testing.assert_allclose(db[l], lin.bias.grad.numpy(), **TOL[dtype])

    net.zero_grad()
    loss_t = torch.nn.functional.cross_entropy(net(torch.tensor(x)), torch.tensor(y))
    loss_t.backward()
    loss, dW, db = mlp.mlp_loss_and_grads(x, y, weights, biases)
    np.testing.assert_allclose(loss, loss_t.item(), **TOL[dtype])
    np.testing.assert_allclose(dW[0], net[0].weight.grad.numpy().T, **TOL[dtype])


@pytest.mark.parametrize("sizes", SIZES)
def test_gradient_check_finite_differences(sizes):
    rng = np.random.default_rng(7)
    weights, biases = mlp.init_mlp(sizes, rng)
    biases = [b + 0.1 for b in biases]  # keep pre-activations off the ReLU kink
    x = rng.standard_normal((5, sizes[0]))
    y = rng.integers(0, sizes[-1], 5)
    _, dW, db = mlp.mlp_loss_and_grads(x, y, weights, biases)
    err = gradient_check(lambda: mlp.mlp_loss_and_grads(x, y, weights, biases)[0], weights + biases, dW + db)
    assert err < 1e-6
    # a wrong gradient is caught: drop the ReLU mask
    wrong = [g * 1.1 for g in dW]
    assert gradient_check(lambda: mlp.mlp_loss_and_grads(x, y, weights, biases)[0], weights, wrong) > 1e-2


def test_numerical_gradient_by_hand():
    x = np.array([1.0, -2.0, 3.0])
    g = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])  # restored
    assert relative_error(np.array([1.0]), np.array([1.0 + 1e-9])) < 1e-9


@pytest.mark.parametrize("sizes", SIZES + [[784, 128, 64, 10]])
def test_count_parameters_matches_torch(sizes):
    weights, biases = mlp.init_mlp(sizes)
    net = torch_mlp(weights, biases)
    assert mlp.count_parameters(sizes) == sum(p.numel() for p in net.parameters())
    assert mlp.count_parameters([784, 128, 64, 10]) == 100480 + 8256 + 650  # by hand


def test_xor_trains_to_full_accuracy():
    params, losses = xor.train_xor(hidden=4, lr=2.0, steps=500, seed=0)
    np.testing.assert_array_equal(xor.predict(xor.XOR_X, params), xor.XOR_Y.astype(int))
    assert losses[-1] < 0.05 < losses[0]


@pytest.mark.parametrize("seed", range(5))
def test_xor_converges_from_several_seeds(seed):
    params, _ = xor.train_xor(hidden=4, lr=2.0, steps=500, seed=seed)
    assert (xor.predict(xor.XOR_X, params) == xor.XOR_Y).all()


def test_xor_backward_matches_autograd():
    params = xor.init_params(hidden=3, seed=1)
    p = xor.forward(xor.XOR_X, params)
    grads = xor.backward(xor.XOR_X, xor.XOR_Y, params)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = torch.tanh(torch.tensor(xor.XOR_X) @ t["W1"] + t["b1"])
    pt = torch.sigmoid(h @ t["W2"] + t["b2"])
    loss = torch.nn.functional.binary_cross_entropy(pt, torch.tensor(xor.XOR_Y))
    loss.backward()
    assert xor.bce_loss(p, xor.XOR_Y) == pytest.approx(loss.item(), rel=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-14)
