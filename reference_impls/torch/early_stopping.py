"""Early stopping on a validation metric, keeping (and restoring) the best weights.

After each epoch, step(metric, model): an improvement is a metric lower than the best so far by
more than min_delta (higher, for mode="max"); it resets the count of bad epochs and stores a COPY
of the weights. Training stops when patience epochs in a row brought no improvement. restore(model)
loads the best weights back.

The copy matters: model.state_dict() holds references to the live parameter tensors, which the
optimizer keeps updating in place; kept without copy.deepcopy (or {k: v.clone()}), the "best"
weights silently become the last ones.

Source: Keras' EarlyStopping (min_delta, patience, restore_best_weights) and PyTorch Lightning's
EarlyStopping (an absolute change of at most min_delta is no improvement). Limits: no baseline, no
warmup epochs before counting, no checkpoint on disk (see checkpoint.py for that).
"""

import copy


class EarlyStopping:
    def __init__(self, patience=3, min_delta=0.0, mode="min"):
        self.patience, self.min_delta, self.mode = patience, min_delta, mode
        self.best = None  # best metric so far; the first metric always improves on None, which
        self.best_state = None  # also starts bad_epochs (the epochs in a row without improvement) at 0

    def improved(self, metric):
        if self.best is None:
            return True
        if self.mode == "min":
            return metric < self.best - self.min_delta
        return metric > self.best + self.min_delta

    def step(self, metric, model):
        """Record this epoch's metric; True when training should stop now."""
        if self.improved(metric):
            self.best, self.bad_epochs = metric, 0
            self.best_state = copy.deepcopy(model.state_dict())  # a copy, not the live tensors
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience

    def restore(self, model):
        """Load the best weights seen into the model."""
        model.load_state_dict(self.best_state)
