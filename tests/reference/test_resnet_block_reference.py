"""The ResNet basic block against a torch.nn BasicBlock built as torchvision's (torchvision is not
a dependency: the block is written out here), forward in train / eval and backward by autograd;
the parameter counts against torch's numel()."""

import numpy as np
import pytest
import torch
from torch import nn

from reference_impls.numpy import resnet_block as rb


class BasicBlock(nn.Module):
    """torchvision.models.resnet.BasicBlock, with the same state_dict names."""

    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.downsample = None
        if stride != 1 or c_in != c_out:
            self.downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


def resnet(layers, num_classes=1000):
    """torchvision's ResNet with basic blocks (only built to count its parameters)."""
    modules, c_in = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)], 64
    for stage, blocks in enumerate(layers):
        for b in range(blocks):
            modules.append(BasicBlock(c_in, 64 * 2**stage, 2 if stage > 0 and b == 0 else 1))
            c_in = 64 * 2**stage
    return nn.Sequential(*modules, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, num_classes))


def random_block(c_in, c_out, stride, dtype, seed):
    """A torch block with random weights and running statistics, and the same weights as a NumPy dict."""
    torch.manual_seed(seed)
    block = BasicBlock(c_in, c_out, stride).to(torch.float64 if dtype == np.float64 else torch.float32)
    with torch.no_grad():
        for name, t in block.state_dict().items():
            if name.endswith("running_var"):
                t.uniform_(0.5, 2.0)
            elif name.endswith(("running_mean", "bias")):
                t.normal_(0, 0.3)
            elif name.startswith(("bn", "downsample.1")) and name.endswith("weight"):
                t.uniform_(0.5, 1.5)
    params = {k: v.numpy().copy() for k, v in block.state_dict().items() if not k.endswith("num_batches_tracked")}
    return block, params


CONFIGS = [(4, 4, 1), (4, 8, 2), (3, 6, 1), (6, 6, 2), (2, 5, 2)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c_in, c_out, stride", CONFIGS)
def test_block_matches_torch(c_in, c_out, stride, dtype):
    block, params = random_block(c_in, c_out, stride, dtype, seed=c_in * 10 + c_out)
    assert ("downsample.0.weight" in params) == rb.has_projection(c_in, c_out, stride)
    rng = np.random.default_rng(stride)
    x = rng.standard_normal((3, c_in, 7, 6)).astype(dtype)
    tol = {"rtol": 2e-4, "atol": 2e-5} if dtype == np.float32 else {"rtol": 1e-9, "atol": 1e-11}

    block.eval()
    np.testing.assert_allclose(
        rb.basic_block_forward(x, params, stride, training=False), block(torch.from_numpy(x)).detach().numpy(), **tol
    )

    block.train()
    tx = torch.tensor(x, requires_grad=True)
    out = block(tx)
    ours = rb.basic_block_forward(x, params, stride, training=True)
    assert ours.dtype == x.dtype and ours.shape == (3, c_out, (7 - 1) // stride + 1, (6 - 1) // stride + 1)
    np.testing.assert_allclose(ours, out.detach().numpy(), **tol)

    dout = rng.standard_normal(out.shape).astype(dtype)
    out.backward(torch.from_numpy(dout))
    dx, grads = rb.basic_block_backward(dout, x, params, stride)
    np.testing.assert_allclose(dx, tx.grad.numpy(), **tol)
    named = dict(block.named_parameters())
    assert set(grads) == set(named)
    for name, p in named.items():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), **tol, err_msg=name)


def test_identity_shortcut_is_a_gradient_highway():
    """With the residual branch's last BN scaled to 0, the block is relu(x) and dx = dout * (x > 0)."""
    _, params = random_block(4, 4, 1, np.float64, seed=0)
    params["bn2.weight"][:] = 0.0
    params["bn2.bias"][:] = 0.0
    x = np.random.default_rng(0).standard_normal((2, 4, 5, 5))
    dout = np.ones_like(x)
    np.testing.assert_allclose(rb.basic_block_forward(x, params), np.maximum(x, 0))
    np.testing.assert_allclose(rb.basic_block_backward(dout, x, params)[0], dout * (x > 0), atol=1e-12)


@pytest.mark.parametrize("c_in, c_out, stride", CONFIGS + [(64, 64, 1), (64, 128, 2), (256, 512, 2)])
def test_block_param_count_matches_torch(c_in, c_out, stride):
    with torch.device("meta"):
        block = BasicBlock(c_in, c_out, stride)
    assert rb.basic_block_param_count(c_in, c_out, stride) == sum(p.numel() for p in block.parameters())


@pytest.mark.parametrize(
    "layers, num_classes, expected",
    [
        ((2, 2, 2, 2), 1000, 11_689_512),  # torchvision's resnet18
        ((3, 4, 6, 3), 1000, 21_797_672),  # resnet34
        ((2, 2, 2, 2), 10, None),
        ((1, 1, 1, 1), 100, None),
    ],
)
def test_resnet_param_count_matches_torch(layers, num_classes, expected):
    with torch.device("meta"):  # shapes only: no memory, no initialization
        count = sum(p.numel() for p in resnet(layers, num_classes).parameters())
    assert rb.resnet_param_count(layers, num_classes) == count
    assert expected is None or count == expected
