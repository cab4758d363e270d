"""Wrong: an improvement by exactly min_delta counts (<=, not <): the task asks for MORE than min_delta."""

import copy

import torch

EXPECTED_HINT = "a tie counted as an improvement"


class EarlyStopping:
    mode_dict = {"min": torch.le, "max": torch.ge}  # the mistake: by at least min_delta

    def __init__(self, patience=3, min_delta=0.0, mode="min"):
        self.patience = patience
        self.mode = mode
        self.monitor_op = self.mode_dict[mode]
        self.min_delta = min_delta * (1 if self.monitor_op == torch.ge else -1)
        torch_inf = torch.tensor(float("inf"), dtype=torch.float64)
        self.best_score = torch_inf if self.monitor_op == torch.le else -torch_inf
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
