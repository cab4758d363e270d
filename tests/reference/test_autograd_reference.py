"""The micrograd-style scalar engine against torch.autograd on random expression graphs."""

import math
import random

import pytest
import torch

from reference_impls.numpy.autograd import Value


def test_micrograd_sanity_check():
    # micrograd's own test/test_engine.py::test_sanity_check
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xt = torch.tensor([-4.0], dtype=torch.double, requires_grad=True)
    zt = 2 * xt + 2 + xt
    qt = zt.relu() + zt * xt
    ht = (zt * zt).relu()
    yt = ht + qt + qt * xt
    yt.backward()
    assert y.data == yt.item()
    assert x.grad == xt.grad.item()


def test_micrograd_more_ops():
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert abs(g.data - 24.70408163265306) < 1e-6  # micrograd's README
    assert abs(a.grad - 138.83381924198252) < 1e-6
    assert abs(b.grad - 645.5772594752186) < 1e-6


def test_by_hand_and_reuse():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1 = 7: x feeds three edges, grads accumulate
    y.backward()
    assert (y.data, x.grad) == (12.0, 7.0)
    t = Value(0.5).tanh()
    t.backward()
    assert t.data == pytest.approx(math.tanh(0.5))


def random_graph(rng, n_leaves, n_ops, lib):
    """The same random expression in our Value (lib='ours') or torch (lib='torch'), with every
    operation's input kept in its domain (positive for log and fractional powers, nonzero for /)."""
    exp = (lambda v: v.exp()) if lib == "ours" else torch.exp
    tanh = (lambda v: v.tanh()) if lib == "ours" else torch.tanh
    relu = (lambda v: v.relu()) if lib == "ours" else torch.relu
    log = (lambda v: v.log()) if lib == "ours" else torch.log
    positive = lambda v: v * v + 0.5
    ops = [
        lambda a, b: a + b,
        lambda a, b: a * b,
        lambda a, b: a - b,
        lambda a, b: a / positive(b),
        lambda a, b: 2.0 - a * 0.5 + b,
        lambda a, b: 1.5 / positive(a),
        lambda a, b: a**2,
        lambda a, b: a**3,
        lambda a, b: positive(a) ** 0.5,
        lambda a, b: positive(a) ** -1.5,
        lambda a, b: tanh(a),
        lambda a, b: relu(a - b),
        lambda a, b: exp(tanh(a)),
        lambda a, b: log(positive(a)),
        lambda a, b: -a,
    ]
    leaves = [rng.uniform(-2, 2) for _ in range(n_leaves)]
    if lib == "ours":
        nodes = [Value(v) for v in leaves]
    else:
        nodes = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in leaves]
    inputs = list(nodes)
    for _ in range(n_ops):
        op = rng.choice(ops)
        a, b = rng.choice(nodes[-6:]), rng.choice(nodes)  # mostly recent nodes: deep graphs, with reuse
        out = op(a, b)
        if lib == "ours":
            out = out.tanh() * 3 if abs(out.data) > 50 else out  # keep magnitudes tame
        else:
            out = torch.tanh(out) * 3 if abs(out.item()) > 50 else out
        nodes.append(out)
    total = nodes[-1]
    for n in nodes[-5:-1]:
        total = total + n
    return inputs, total


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_match_torch(seed):
    n_leaves, n_ops = 2 + seed % 4, 5 + 3 * seed
    ours_in, ours = random_graph(random.Random(seed), n_leaves, n_ops, "ours")
    torch_in, theirs = random_graph(random.Random(seed), n_leaves, n_ops, "torch")
    ours.backward()
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-9, abs=1e-12)
    for a, b in zip(ours_in, torch_in):
        g = 0.0 if b.grad is None else b.grad.item()
        assert a.grad == pytest.approx(g, rel=1e-7, abs=1e-9)


def test_deep_chain_no_recursion_limit():
    x = Value(0.1)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
