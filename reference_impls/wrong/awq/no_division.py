"""Wrong: the quantized W * s is used as it is, without dividing by s (the activations' 1 / s forgotten)."""

import torch

from reference_impls.torch.awq import activation_scale, fold_scales, pseudo_quantize  # noqa: F401 - as the reference

EXPECTED_HINT = "was not divided back by s"


def search_scale(w, x, n_bit=4, group_size=128, n_grid=20):
    x = x.reshape(-1, x.shape[-1])
    x_mean, reference = activation_scale(x), x @ w.T
    errors, best = [], None
    for i in range(n_grid):
        s = x_mean.pow(i / n_grid).clamp(min=1e-4)
        s = s / (s.max() * s.min()).sqrt()
        w_q = pseudo_quantize(w * s, n_bit, group_size)  # the mistake: no / s, as if x were not divided by s
        err = ((x @ w_q.T - reference) ** 2).mean()
        errors.append(err)
        if best is None or err < best[2]:
            best = (s, i / n_grid, err)
    return best[0], best[1], torch.stack(errors)


def awq_quantize(w, x, n_bit=4, group_size=128, n_grid=20):
    s, _, errors = search_scale(w, x, n_bit, group_size, n_grid)
    return pseudo_quantize(w * s, n_bit, group_size), errors[0], errors.min()
