"""Wrong: min_delta is subtracted in both modes: in mode "max" a metric min_delta BELOW the best counts as an improvement."""

import copy

import torch

EXPECTED_HINT = "min_delta was subtracted"
ALSO_APPLIES = ("min_delta ignored",)  # on a plateau the two give the same stops


class EarlyStopping:
    mode_dict = {"min": torch.lt, "max": torch.gt}

    def __init__(self, patience=3, min_delta=0.0, mode="min"):
        self.patience = patience
        self.mode = mode
        self.monitor_op = self.mode_dict[mode]
        self.min_delta = -min_delta  # the mistake: the sign of mode "min" for both modes
        torch_inf = torch.tensor(float("inf"), dtype=torch.float64)
        self.best_score = torch_inf if self.monitor_op == torch.lt else -torch_inf
        self.wait_count = 0
        self.best_state = None

    def step(self, metric, model):
        current = torch.as_tensor(metric, dtype=torch.float64)
        if self.monitor_op(current - self.min_delta, self.best_score) or self.best_state is None:
            self.best_score = current
            self.wait_count = 0
            self.best_state = copy.deepcopy(model.state_dict())
            return False
        self.wait_count += 1
        return self.wait_count >= self.patience

    def restore(self, model):
        model.load_state_dict(self.best_state)
