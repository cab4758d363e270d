"""The mini framework (Module 0.2's capstone) against torch.nn + autograd + torch.optim, and
against finite differences."""

import numpy as np
import pytest
import torch

from reference_impls.numpy import nn_framework as nf
from reference_impls.numpy.gradcheck import numerical_gradient

TOL = {"rtol": 1e-9, "atol": 1e-11}


class MaskDropout(torch.nn.Module):
    """Inverted dropout drawing its masks from the same NumPy Generator as DropoutLayer."""

    def __init__(self, p, rng):
        super().__init__()
        self.p, self.rng = p, rng

    def forward(self, x):
        if not self.training:
            return x
        keep = torch.from_numpy(self.rng.random(tuple(x.shape)) >= self.p)
        return x * keep / (1 - self.p)


def build(specs, seed):
    """The same network in both frameworks, with the same weights."""
    rng = np.random.default_rng(seed)
    ours, theirs = [], []
    for i, (kind, *args) in enumerate(specs):
        if kind == "linear":
            layer = nf.LinearLayer(*args, rng=rng)
            layer.b[...] = rng.standard_normal(args[1]) * 0.1
            lin = torch.nn.Linear(*args, dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(layer.W.T))
                lin.bias.copy_(torch.from_numpy(layer.b))
            ours.append(layer), theirs.append(lin)
        elif kind == "batchnorm":
            layer = nf.BatchNormLayer(args[0], momentum=0.2)
            layer.gamma[...], layer.beta[...] = (
                1 + 0.2 * rng.standard_normal(args[0]),
                0.1 * rng.standard_normal(args[0]),
            )
            bn = torch.nn.BatchNorm1d(args[0], momentum=0.2, dtype=torch.float64)
            with torch.no_grad():
                bn.weight.copy_(torch.from_numpy(layer.gamma))
                bn.bias.copy_(torch.from_numpy(layer.beta))
            ours.append(layer), theirs.append(bn)
        elif kind == "dropout":
            ours.append(nf.DropoutLayer(args[0], rng=np.random.default_rng(seed + i)))
            theirs.append(MaskDropout(args[0], np.random.default_rng(seed + i)))
        else:
            ours.append(nf.ActivationLayer(kind))
            theirs.append({"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[kind]())
    return nf.Network(ours), torch.nn.Sequential(*theirs)


def torch_params(model, grad=False):
    """torch's parameters (or their gradients) in our params() order and layout (Linear's weight transposed)."""
    out = []
    for m in model:
        if isinstance(m, torch.nn.Linear | torch.nn.BatchNorm1d):
            weight, bias = (m.weight.grad, m.bias.grad) if grad else (m.weight, m.bias)
            out += [(weight.T if isinstance(m, torch.nn.Linear) else weight).detach().numpy(), bias.detach().numpy()]
    return out


SPECS = [
    [("linear", 4, 8), ("relu",), ("linear", 8, 3)],
    [
        ("linear", 4, 10),
        ("batchnorm", 10),
        ("relu",),
        ("dropout", 0.25),
        ("linear", 10, 6),
        ("tanh",),
        ("linear", 6, 3),
    ],
    [("linear", 4, 5), ("sigmoid",), ("linear", 5, 5), ("relu",), ("linear", 5, 3)],
]


@pytest.mark.parametrize("specs", SPECS)
def test_network_forward_backward_match_autograd(specs):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((9, 4)), rng.integers(0, 3, 9)
    net, model = build(specs, 7)
    loss_fn = nf.SoftmaxCrossEntropy()
    logits = net.forward(x)
    loss = loss_fn.forward(logits, y)
    dx = net.backward(loss_fn.backward())

    tx = torch.tensor(x, requires_grad=True)
    t_logits = model(tx)
    t_loss = torch.nn.functional.cross_entropy(t_logits, torch.from_numpy(y))
    t_loss.backward()
    np.testing.assert_allclose(logits, t_logits.detach().numpy(), **TOL)
    np.testing.assert_allclose(loss, t_loss.item(), **TOL)
    np.testing.assert_allclose(dx, tx.grad.numpy(), **TOL)
    for ours, theirs in zip(net.grads(), torch_params(model, grad=True), strict=True):
        np.testing.assert_allclose(ours, theirs, **TOL)
    for ours, theirs in zip(net.layers, model):
        if isinstance(ours, nf.BatchNormLayer):
            np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), **TOL)
            np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), **TOL)
    model.eval()
    np.testing.assert_allclose(net.forward(x, training=False), model(torch.tensor(x)).detach().numpy(), **TOL)


def test_eval_mode_batchnorm_backward_matches_autograd():
    layer = nf.BatchNormLayer(3)
    layer.running_mean[...], layer.running_var[...] = [0.5, -1.0, 0.0], [2.0, 0.5, 1.0]
    layer.gamma[...], layer.beta[...] = [1.5, -0.5, 1.0], [0.1, 0.2, 0.3]
    bn = torch.nn.BatchNorm1d(3, dtype=torch.float64).eval()
    with torch.no_grad():
        for name, value in [
            ("running_mean", layer.running_mean),
            ("running_var", layer.running_var),
            ("weight", layer.gamma),
            ("bias", layer.beta),
        ]:
            getattr(bn, name).copy_(torch.from_numpy(value))
    x, dout = np.random.default_rng(2).standard_normal((2, 6, 3))
    tx = torch.tensor(x, requires_grad=True)
    bn(tx).backward(torch.from_numpy(dout))
    np.testing.assert_allclose(layer.forward(x, training=False), bn(torch.tensor(x)).detach().numpy(), **TOL)
    np.testing.assert_allclose(layer.backward(dout), tx.grad.numpy(), **TOL)
    np.testing.assert_allclose(layer.grads()[0], bn.weight.grad.numpy(), **TOL)
    np.testing.assert_allclose(layer.grads()[1], bn.bias.grad.numpy(), **TOL)


def test_mse_matches_torch():
    pred, target = np.random.default_rng(3).standard_normal((2, 5, 2))
    tp = torch.tensor(pred, requires_grad=True)
    t_loss = torch.nn.functional.mse_loss(tp, torch.from_numpy(target))
    t_loss.backward()
    loss_fn = nf.MSELoss()
    np.testing.assert_allclose(loss_fn.forward(pred, target), t_loss.item(), **TOL)
    np.testing.assert_allclose(loss_fn.backward(), tp.grad.numpy(), **TOL)


def test_gradients_match_finite_differences():
    specs = [("linear", 3, 6), ("batchnorm", 6), ("tanh",), ("linear", 6, 4), ("sigmoid",), ("linear", 4, 3)]
    net, _ = build(specs, 11)
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((7, 3)), rng.integers(0, 3, 7)
    loss_fn = nf.SoftmaxCrossEntropy()

    def loss_of():
        return loss_fn.forward(net.forward(x), y)  # BN's running stats drift; the loss does not read them

    loss_fn.forward(net.forward(x), y)
    net.backward(loss_fn.backward())
    for p, g in zip(net.params(), [g.copy() for g in net.grads()]):
        np.testing.assert_allclose(g, numerical_gradient(loss_of, p), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(
    "optimizer, kwargs, loss",
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9}, "cross_entropy"),
        ("Adam", {"lr": 0.01}, "cross_entropy"),
        ("SGD", {"lr": 0.05}, "mse"),
    ],
)
def test_training_run_matches_torch_optim(optimizer, kwargs, loss):
    specs = SPECS[1] if loss == "cross_entropy" else [("linear", 4, 8), ("tanh",), ("linear", 8, 2)]
    net, model = build(specs, 5)
    rng = np.random.default_rng(6)
    X = rng.standard_normal((50, 4))
    y = (
        np.argmax(X[:, :3] + 0.5 * X[:, 3:], axis=1)
        if loss == "cross_entropy"
        else np.stack([X[:, 0] - X[:, 1], X[:, 2]], axis=1)
    )
    loss_fn = nf.SoftmaxCrossEntropy() if loss == "cross_entropy" else nf.MSELoss()
    opt = getattr(nf, optimizer)(net.params(), **kwargs)
    losses = nf.train(net, loss_fn, opt, X, y, epochs=3, batch_size=16, rng=np.random.default_rng(8))

    t_opt = getattr(torch.optim, optimizer)(model.parameters(), **kwargs)
    t_loss_fn = torch.nn.functional.cross_entropy if loss == "cross_entropy" else torch.nn.functional.mse_loss
    t_losses, order_rng = [], np.random.default_rng(8)
    for _ in range(3):
        order = order_rng.permutation(50)
        for start in range(0, 50, 16):
            idx = order[start : start + 16]
            t_opt.zero_grad()
            value = t_loss_fn(model(torch.from_numpy(X[idx])), torch.from_numpy(y[idx]))
            value.backward()
            t_opt.step()
            t_losses.append(value.item())
    assert losses.shape == (12,)  # 4 batches (16, 16, 16, 2) x 3 epochs
    np.testing.assert_allclose(losses, t_losses, rtol=1e-8, atol=1e-10)
    for ours, theirs in zip(net.params(), torch_params(model), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9)
    if loss == "cross_entropy":
        assert losses[-4:].mean() < losses[:4].mean()


def test_base_layer_is_abstract_and_params_are_live():
    with pytest.raises(NotImplementedError):
        nf.Layer().forward(np.zeros((1, 2)))
    layer = nf.LinearLayer(3, 2, rng=np.random.default_rng(0))
    layer.params()[0][...] = 0.0
    assert not layer.W.any()
    assert nf.ActivationLayer("tanh").params() == [] and len(nf.BatchNormLayer(4).params()) == 2
