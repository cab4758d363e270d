"""Correct, in llm-awq's style (auto_scale.py / quantizer.py): a pseudo_quantize_tensor with in-place ops,
the scale search as a loop over the grid with the best kept as a clone, x_max from the
flattened activations, and the scales folded with in-place div_ / mul_ on copies."""

import torch


def pseudo_quantize(w, n_bit=4, group_size=128):
    org_shape = w.shape
    w = w.reshape(-1, group_size)
    max_val = w.amax(dim=1, keepdim=True)
    min_val = w.amin(dim=1, keepdim=True)
    max_int, min_int = 2**n_bit - 1, 0
    scales = (max_val - min_val).clamp(min=1e-5) / max_int
    zeros = (-torch.round(min_val / scales)).clamp_(min_int, max_int)
    w = (torch.clamp(torch.round(w / scales) + zeros, min_int, max_int) - zeros) * scales
    return w.reshape(org_shape)


def activation_scale(x):
    return x.abs().view(-1, x.shape[-1]).mean(0)


@torch.no_grad()
def search_scale(w, x, n_bit=4, group_size=128, n_grid=20):
    x = x.reshape(-1, x.shape[-1])
    x_max = activation_scale(x)
    org_out = x @ w.t()
    history, best_error, best_ratio, best_scales = [], float("inf"), -1, None
    for ratio in range(n_grid):
        ratio = ratio * 1 / n_grid
        scales = x_max.pow(ratio).clamp(min=1e-4).view(-1)
        scales = scales / (scales.max() * scales.min()).sqrt()
        w_q = pseudo_quantize(w * scales.view(1, -1), n_bit, group_size) / scales.view(1, -1)
        out = x @ w_q.t()
        loss = (org_out - out).float().pow(2).mean().to(x.dtype)
        history.append(loss)
        if loss < best_error:
            best_error, best_ratio, best_scales = loss, ratio, scales.clone()
    return best_scales, best_ratio, torch.stack(history)


@torch.no_grad()
def fold_scales(ln_weight, ln_bias, fc_weight, scales):
    ln_weight, ln_bias, fc_weight = ln_weight.clone(), ln_bias.clone(), fc_weight.clone()
    ln_weight.div_(scales)
    ln_bias.div_(scales)
    fc_weight.mul_(scales.view(1, -1))
    return ln_weight, ln_bias, fc_weight


def awq_quantize(w, x, n_bit=4, group_size=128, n_grid=20):
    scales, _, history = search_scale(w, x, n_bit, group_size, n_grid)
    return pseudo_quantize(w * scales, n_bit, group_size) / scales, history[0], history.min()
