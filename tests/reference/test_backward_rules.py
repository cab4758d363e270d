"""backward_rules.py against torch.autograd, broadcasting included."""

import pytest
import torch

from reference_impls.torch import backward_rules as br

PAIRS = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((3, 4), (3, 1)),
    ((2, 3, 4), (1, 4)),
    ((5,), ()),
    ((1, 4), (3, 1)),
    ((2, 1, 3), (4, 1)),
]


@pytest.mark.parametrize("a_shape, b_shape", PAIRS)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_binary_ops_match_autograd(op, a_shape, b_shape):
    g = torch.Generator().manual_seed(len(a_shape) * 7 + len(b_shape))
    a = torch.randn(a_shape, generator=g, dtype=torch.float64).requires_grad_()
    b = (torch.rand(b_shape, generator=g, dtype=torch.float64) + 0.5).requires_grad_()
    z = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}[op](a, b)
    dz = torch.randn(z.shape, generator=g, dtype=torch.float64)
    z.backward(dz)
    if op in ("add", "sub"):
        da, db = getattr(br, f"{op}_backward")(dz, a.shape, b.shape)
    else:
        da, db = getattr(br, f"{op}_backward")(dz, a.detach(), b.detach())
    assert da.shape == a.shape and db.shape == b.shape
    torch.testing.assert_close(da, a.grad)
    torch.testing.assert_close(db, b.grad)


@pytest.mark.parametrize(
    "name, fn",
    [("relu", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("silu", torch.nn.functional.silu)],
)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_activation_derivatives_match_autograd(name, fn, dtype):
    g = torch.Generator().manual_seed(0)
    x = torch.cat(
        [torch.randn(50, generator=g, dtype=dtype) * 4, torch.tensor([0.0, -30.0, 30.0], dtype=dtype)]
    ).requires_grad_()
    dy = torch.randn(x.shape, generator=g, dtype=dtype)
    fn(x).backward(dy)
    torch.testing.assert_close(getattr(br, f"{name}_backward")(dy, x.detach()), x.grad)


def test_swiglu_matches_autograd():
    g = torch.Generator().manual_seed(1)
    gate, up = (torch.randn(4, 6, generator=g, dtype=torch.float64).requires_grad_() for _ in range(2))
    dy = torch.randn(4, 6, generator=g, dtype=torch.float64)
    (torch.nn.functional.silu(gate) * up).backward(dy)
    dg, du = br.swiglu_backward(dy, gate.detach(), up.detach())
    torch.testing.assert_close(dg, gate.grad)
    torch.testing.assert_close(du, up.grad)


def test_unbroadcast_hand_worked():
    g = torch.ones(2, 3, 4)
    assert br.unbroadcast(g, (4,)).tolist() == [6.0] * 4
    assert br.unbroadcast(g, (3, 1)).tolist() == [[8.0]] * 3
    assert br.unbroadcast(g, ()).item() == 24.0
    assert br.relu_backward(torch.ones(3), torch.tensor([-1.0, 0.0, 1.0])).tolist() == [0, 0, 1]  # 0 at 0, as torch
