"""The W8A16 exercise's expected outputs in plain PyTorch: the symmetric per-channel quantizer of
reference_impls/torch/quantize.py (module 1.1's), and dequantize-then-matmul in float64."""

import torch

from reference_impls.torch.quantize import quantize_symmetric


def quantize_weight_per_channel(w):
    q, scale = quantize_symmetric(w.to(torch.float32), axis=0)
    return q, scale.flatten()


def w8a16_matmul(x, w_q, scales):
    w = w_q.to(torch.float64) * scales.to(torch.float64)[:, None]
    return (x.to(torch.float64) @ w.T).to(x.dtype)
