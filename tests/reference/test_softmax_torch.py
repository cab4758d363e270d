"""softmax_torch.py against torch.softmax, F.cross_entropy and autograd."""

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.softmax_torch import (
    cross_entropy,
    cross_entropy_backward,
    log_softmax,
    softmax,
    softmax_backward,
)

TOL = {torch.float32: dict(rtol=1e-5, atol=1e-6), torch.float64: dict(rtol=1e-10, atol=1e-12)}


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape, dim", [((7,), -1), ((3, 5), -1), ((3, 5), 0), ((2, 3, 4), 1), ((4, 1), -1)])
@pytest.mark.parametrize("shift", [0.0, 1000.0, -1000.0])
def test_softmax_and_backward_match_autograd(shape, dim, dtype, shift):
    g = torch.Generator().manual_seed(len(shape))
    x = (torch.randn(shape, generator=g, dtype=dtype) * 4 + shift).requires_grad_()
    dy = torch.randn(shape, generator=g, dtype=dtype)
    want = torch.softmax(x, dim=dim)
    want.backward(dy)
    y = softmax(x.detach(), dim)
    torch.testing.assert_close(y, want.detach(), **TOL[dtype])
    torch.testing.assert_close(softmax_backward(dy, y, dim), x.grad, **TOL[dtype])
    torch.testing.assert_close(log_softmax(x.detach(), dim), torch.log_softmax(x.detach(), dim), **TOL[dtype])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("N, C, scale", [(8, 5, 3.0), (1, 3, 1.0), (6, 6, 3.0), (4, 10, 300.0)])
def test_cross_entropy_and_gradient_match_f_cross_entropy(N, C, scale, dtype):
    g = torch.Generator().manual_seed(N * C)
    logits = (torch.randn(N, C, generator=g, dtype=dtype) * scale).requires_grad_()
    targets = torch.randint(C, (N,), generator=g)
    want = F.cross_entropy(logits, targets)
    want.backward()
    got = cross_entropy(logits.detach(), targets)
    assert got.shape == () and got.dtype == dtype and torch.isfinite(got)
    torch.testing.assert_close(got, want.detach(), **TOL[dtype])
    torch.testing.assert_close(cross_entropy_backward(logits.detach(), targets), logits.grad, **TOL[dtype])


def test_it_is_minus_log_softmax_at_the_targets_mean():
    logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], dtype=torch.float64)
    targets = torch.tensor([0, 2])
    naive = -torch.log(torch.softmax(logits, -1))[torch.arange(2), targets].mean()
    torch.testing.assert_close(cross_entropy(logits, targets), naive)
    # the bug: [:, targets] picks a 2 x 2 block, whose mean is another number
    wrong = -torch.log(torch.softmax(logits, -1))[:, targets].mean()
    assert not torch.isclose(wrong, naive)
    # uniform logits: log C
    torch.testing.assert_close(cross_entropy(torch.zeros(4, 8), torch.arange(4)), torch.log(torch.tensor(8.0)))
