"""Wrong: an improvement does not reset the count of bad epochs, so patience counts every bad epoch of the
run instead of the bad epochs in a row."""

import copy

from reference_impls.torch.early_stopping import EarlyStopping as _Ref

EXPECTED_HINT = "patience counts bad epochs IN A ROW"


class EarlyStopping(_Ref):
    def __init__(self, patience=3, min_delta=0.0, mode="min"):
        super().__init__(patience, min_delta, mode)
        self.bad_epochs = 0

    def step(self, metric, model):
        if self.improved(metric):
            self.best = metric  # the mistake: bad_epochs = 0 missing
            self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience
