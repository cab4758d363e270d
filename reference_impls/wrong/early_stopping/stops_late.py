"""Wrong: stops when the bad-epoch count EXCEEDS patience (>), one epoch after it reaches it."""

from reference_impls.torch.early_stopping import EarlyStopping as _Ref

EXPECTED_HINT = "stopped one epoch late"


class EarlyStopping(_Ref):
    def step(self, metric, model):
        super().step(metric, model)
        return self.bad_epochs > self.patience  # the mistake: >= patience
