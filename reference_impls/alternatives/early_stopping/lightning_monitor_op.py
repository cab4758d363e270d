"""Correct, in the style of PyTorch Lightning's EarlyStopping callback: monitor_op = torch.lt or torch.gt,
min_delta signed by the mode (min_delta *= 1 if monitor_op == torch.gt else -1), best_score starting at
+inf / -inf as a tensor, an improvement when monitor_op(current - min_delta, best_score), wait_count against
patience; the best weights kept with copy.deepcopy(model.state_dict())."""

import copy

import torch


class EarlyStopping:
    mode_dict = {"min": torch.lt, "max": torch.gt}

    def __init__(self, patience=3, min_delta=0.0, mode="min"):
        self.patience = patience
        self.mode = mode
        self.monitor_op = self.mode_dict[mode]
        self.min_delta = min_delta * (1 if self.monitor_op == torch.gt else -1)
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
