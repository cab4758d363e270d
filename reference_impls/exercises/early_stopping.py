"""Exercise: early stopping with patience and min_delta, restoring the best weights."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe


def _run(impl, metrics, **kwargs):
    """Epoch e sets every weight to e (in place, as an optimizer would), then step(metric, model); after
    the stop (or the last epoch) restore(model). Returns step()'s answers and the restored weights."""
    import torch

    model = torch.nn.Linear(3, 2)
    stopper = impl.EarlyStopping(**kwargs)
    answers = []
    for epoch, metric in enumerate(metrics):
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(float(epoch + 1))
        answers.append(bool(stopper.step(float(metric), model)))
        if answers[-1]:
            break
    stopper.restore(model)
    return {"stop": np.array(answers), "restored": model.weight.detach().numpy().copy()}


RUNS = [
    (
        "improves_then_plateaus",
        [1.0, 0.8, 0.7, 0.71, 0.72, 0.70, 0.9, 0.5],
        {"patience": 3},
        "best 0.7 at epoch 2; 0.70 again at epoch 5 is a tie, not an improvement: stop at epoch 5",
    ),
    (
        "min_delta",
        [1.0, 0.9, 0.86, 0.87, 0.855, 0.7, 0.71, 0.72, 0.73, 0.74],
        {"patience": 3, "min_delta": 0.05},
        "improvements of 0.05 or less do not count: best 0.9 at epoch 1, stop at epoch 4",
    ),
    (
        "mode_max",
        [0.1, 0.3, 0.2, 0.35, 0.34, 0.33],
        {"patience": 2, "mode": "max"},
        "accuracy: higher is better; best 0.35 at epoch 3, stop at epoch 5",
    ),
    (
        "mode_max_tie",
        [0.3, 0.5, 0.5, 0.4, 0.45],
        {"patience": 2, "mode": "max"},
        "mode max: 0.5 again at epoch 2 is a tie, not an improvement: stop at epoch 3, restore epoch 1",
    ),
    (
        "mode_max_min_delta",
        [0.5, 0.53, 0.56, 0.57, 0.58, 0.59],
        {"patience": 2, "mode": "max", "min_delta": 0.05},
        "mode max with min_delta 0.05: only 0.56 counts (above 0.5 + 0.05); stop at epoch 4, restore epoch 2",
    ),
    (
        "never_stops",
        [5.0, 4.0, 4.5, 3.0, 3.1, 2.0],
        {"patience": 2},
        "never 2 bad epochs in a row: no stop; restore the best (epoch 5)",
    ),
    ("patience_1", [1.0, 1.2, 0.5], {"patience": 1}, "one bad epoch is enough: stop at epoch 1"),
    (
        "noisy",
        list(5 + np.cumsum(np.random.default_rng(7).normal(0, 0.3, 25))),
        {"patience": 4, "min_delta": 0.01},
        "a random walk (seed 7), patience 4",
    ),
]


def cases():
    for name, metrics, kwargs, note in RUNS:
        yield Case(name, (metrics,), kwargs, note=note)


# -- known mistakes ---------------------------------------------------------------------------------


def _stopper(copy_state=True, tie_improves=False, reset=True, late=False, use_delta=True, delta_as_min=False):
    class Wrong:
        def __init__(self, patience=3, min_delta=0.0, mode="min"):
            self.patience, self.min_delta, self.sign = (
                patience,
                min_delta if use_delta else 0.0,
                1 if mode == "min" else -1,
            )
            self.best, self.bad, self.state = None, 0, None

        def step(self, metric, model):
            import copy

            gain = None if self.best is None else self.sign * (self.best - metric)
            delta = -self.min_delta if delta_as_min and self.sign == -1 else self.min_delta  # max: best - min_delta
            if gain is None or gain > delta or (tie_improves and gain >= delta):
                self.best = metric
                if reset:
                    self.bad = 0
                self.state = copy.deepcopy(model.state_dict()) if copy_state else model.state_dict()
            else:
                self.bad += 1
            return self.bad > self.patience if late else self.bad >= self.patience

        def restore(self, model):
            model.load_state_dict(self.state)

    return Wrong


EXERCISE = Exercise.of(
    info("early_stopping"),
    preamble="import copy\n\nimport torch\n",
    task="""Stop training when the validation metric has not improved for `patience` epochs in a row, and
go back to the best weights seen.

`EarlyStopping(patience=3, min_delta=0.0, mode="min")`:
- `step(metric, model) -> bool`, after every epoch. An improvement is a metric below the best so far
  by MORE than min_delta (mode="max": above it); the first metric always is. On an improvement, keep
  the metric and a copy of the model's weights, and reset the count of bad epochs; otherwise add
  one. Return True when the count reaches `patience` (stop now).
- `restore(model)`: load the best weights back into the model.

The check changes the weights in place every epoch (as optimizer.step() does), so what you keep
must be a real copy: model.state_dict() returns the live tensors. Keras' and PyTorch Lightning's
EarlyStopping behave this way (tests/reference/test_early_stopping.py checks the reference against
the definition on random metric sequences).""",
    entry_points=(
        EntryPoint(
            "EarlyStopping",
            '(self, patience=3, min_delta=0.0, mode="min")',
            "Early stopping on a validation metric, keeping a copy of the best weights.",
            kind="class",
            methods=(
                EntryPoint("step", "(self, metric, model)", "Record this epoch; True when training should stop."),
                EntryPoint("restore", "(self, model)", "Load the best weights seen into the model."),
            ),
        ),
    ),
    checks=(
        Check(
            "stopping",
            "EarlyStopping",
            cases,
            call=_run,
            description=(
                "8 metric sequences: plateau with a tie, min_delta 0.05, mode max (a tie, min_delta), never stops, "
                "patience 1, a random walk: when it stops and the weights restored"
            ),
        ),
    ),
    probes=(
        Probe(
            "the best weights are the live tensors, not a copy: model.state_dict() returns references that the "
            "training loop keeps changing; keep copy.deepcopy(model.state_dict())",
            impl={"EarlyStopping": _stopper(copy_state=False)},
        ),
        Probe(
            "a tie counted as an improvement: improving means better than the best by MORE than min_delta",
            impl={"EarlyStopping": _stopper(tie_improves=True)},
        ),
        Probe(
            "the count of bad epochs was not reset on an improvement: patience counts bad epochs IN A ROW",
            impl={"EarlyStopping": _stopper(reset=False)},
        ),
        Probe(
            "stopped one epoch late: return True as soon as the count reaches patience (>=, not >)",
            impl={"EarlyStopping": _stopper(late=True)},
        ),
        Probe(
            "min_delta ignored: an improvement of min_delta or less does not count",
            impl={"EarlyStopping": _stopper(use_delta=False)},
        ),
        Probe(
            'in mode "max" min_delta was subtracted (metric > best - min_delta): an improvement must EXCEED the best by '
            "min_delta, metric > best + min_delta (the sign of min_delta follows the mode)",
            impl={"EarlyStopping": _stopper(delta_as_min=True)},
        ),
    ),
)
