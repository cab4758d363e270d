"""Wrong: timesteps evenly spaced from T - 1 down to 0 (np.linspace(T - 1, 0, num_steps) rounded, diffusers'
"linspace" spacing) instead of the task's (T // num_steps) * [num_steps - 1, ..., 0] ("leading")."""

import numpy as np
import torch

from reference_impls.torch.ddim import ddim_sample, ddim_step  # noqa: F401 - right

EXPECTED_HINT = "(T // num_steps) * [num_steps - 1, ..., 1, 0]"


def ddim_timesteps(T, num_steps):
    return torch.from_numpy(np.linspace(T - 1, 0, num_steps).round().astype(np.int64))  # the mistake
