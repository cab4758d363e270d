"""Correct, in the style of the authors' smooth.py (smooth_ln_fcs): weight scales as the max over the output
dim with keepdim, then [0]; act_scales.pow(alpha) / weight_scales.pow(1 - alpha); the division folded
with .div and the multiplication with .mul on views."""

import torch


@torch.no_grad()
def smooth_scales(act_absmax, weight, alpha=0.5):
    weight_scales = weight.abs().max(dim=0, keepdim=True)[0]
    weight_scales = weight_scales.max(dim=0)[0].clamp(min=1e-5)
    scales = (act_absmax.pow(alpha) / weight_scales.pow(1 - alpha)).clamp(min=1e-5)
    return scales.to(act_absmax.dtype)


@torch.no_grad()
def smooth(x, weight, s):
    return x.div(s.view(*([1] * (x.dim() - 1)), -1)), weight.mul(s.view(1, -1))


@torch.no_grad()
def smooth_linear(x, weight, alpha=0.5):
    act_scales = x.abs().view(-1, x.shape[-1]).max(dim=0)[0]
    return smooth(x, weight, smooth_scales(act_scales, weight, alpha))
