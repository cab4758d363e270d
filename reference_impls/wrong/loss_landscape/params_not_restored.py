"""Wrong: writes each point's parameters into the model and never puts the original ones back."""

import numpy as np
import torch
from torch.nn.utils import vector_to_parameters

from reference_impls.torch.loss_landscape import (  # noqa: F401
    filter_normalize,
    hessian_vector_product,
    loss_surface,
    top_hessian_eigenvalue,
)

EXPECTED_HINT = "the model's parameters were left at the last point evaluated"


def loss_along_line(model, loss_fn, theta_a, theta_b, alphas):
    losses = []
    with torch.no_grad():
        for a in alphas:
            vector_to_parameters((1 - a) * theta_a + a * theta_b, model.parameters())  # the mistake: not restored
            losses.append(loss_fn(model).item())
    return np.array(losses)
