"""Wrong: the sweep reports each run's best validation accuracy over the epochs, not its final one."""

import numpy as np

from reference_impls.numpy.learning_curves import train_with_curves  # noqa: F401 - right

EXPECTED_HINT = "lr_sensitivity reports each run's FINAL validation accuracy"


def lr_sensitivity(X, y, X_val, y_val, lrs, epochs=3, seed=0):
    scores = []
    for lr in lrs:
        with np.errstate(over="ignore", invalid="ignore"):
            _, curves = train_with_curves(X, y, X_val, y_val, epochs=epochs, lr=lr, seed=seed)
        scores.append(curves["val_accuracy"].max())  # the mistake: curves["val_accuracy"][-1]
    return np.array(scores, dtype=np.float64)
