"""LoRA: starts as the frozen layer, merged equals unmerged, only A and B train (their gradients against the
explicit formula), the parameter counts of Module 1.3's exercise."""

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.lora import LoRALinear, lora_parameter_count


def _layer(seed=0, bias=True):
    torch.manual_seed(seed)
    layer = LoRALinear(12, 20, r=4, alpha=8.0, bias=bias)
    with torch.no_grad():
        if bias:
            layer.bias.normal_()
        layer.lora_B.normal_()  # as after some training
    return layer


def test_starts_as_the_frozen_linear():
    torch.manual_seed(0)
    layer = LoRALinear(12, 20, r=4)
    x = torch.randn(3, 12)
    torch.testing.assert_close(layer(x), F.linear(x, layer.weight, layer.bias), rtol=0, atol=0)


@pytest.mark.parametrize("bias", [True, False])
def test_merged_equals_unmerged_and_unmerge_restores(bias):
    layer = _layer(bias=bias)
    x = torch.randn(2, 5, 12)
    before, w0 = layer(x), layer.weight.clone()
    torch.testing.assert_close(before, F.linear(x, w0 + 2.0 * layer.lora_B @ layer.lora_A, layer.bias))  # alpha / r = 2
    layer.merge()
    torch.testing.assert_close(layer(x), before, rtol=1e-5, atol=1e-6)
    layer.unmerge()
    torch.testing.assert_close(layer.weight, w0, rtol=1e-6, atol=1e-6)


def test_only_a_and_b_train_with_the_right_gradients():
    layer = _layer()
    assert [n for n, p in layer.named_parameters() if p.requires_grad] == ["lora_A", "lora_B"]
    x, g = torch.randn(7, 12), torch.randn(7, 20)
    (layer(x) * g).sum().backward()
    A, B, s = layer.lora_A.detach(), layer.lora_B.detach(), layer.scaling
    torch.testing.assert_close(layer.lora_B.grad, s * g.T @ (x @ A.T))  # d/dB of s * x A^T B^T
    torch.testing.assert_close(layer.lora_A.grad, s * (g @ B).T @ x)
    assert layer.weight.grad is None


def test_parameter_counts():
    assert lora_parameter_count(2048, 8192, 16) == (163_840, 16_777_216)  # Module 1.3, exercise 3: 102.4x fewer
    layer = LoRALinear(2048, 8192, r=16, bias=False)
    trainable = sum(p.numel() for p in layer.parameters() if p.requires_grad)
    assert (trainable, layer.weight.numel()) == lora_parameter_count(2048, 8192, 16)
