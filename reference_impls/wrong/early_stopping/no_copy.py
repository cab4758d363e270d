"""Wrong: keeps model.state_dict() itself as the "best" weights: live tensors that keep changing."""

EXPECTED_HINT = "not a copy"


class EarlyStopping:
    def __init__(self, patience=3, min_delta=0.0, mode="min"):
        self.patience, self.min_delta, self.mode = patience, min_delta, mode
        self.best, self.bad_epochs, self.best_state = None, 0, None

    def step(self, metric, model):
        better = self.best is None or (
            metric < self.best - self.min_delta if self.mode == "min" else metric > self.best + self.min_delta
        )
        if better:
            self.best, self.bad_epochs = metric, 0
            self.best_state = model.state_dict()
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience

    def restore(self, model):
        model.load_state_dict(self.best_state)
