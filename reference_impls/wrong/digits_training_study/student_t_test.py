"""Student's t-test (pooled variance, n_a + n_b - 2 degrees of freedom) where Welch's was asked for."""

import math

import numpy as np
from scipy import stats

from reference_impls.torch.digits_training_study import lr_at, make_cnn, make_optimizer, train  # noqa: F401

EXPECTED_HINT = "Student's t-test with a pooled variance"
ALSO_APPLIES = ("part of the output is right",)


def welch_t_test(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n1, n2 = len(a), len(b)
    sp2 = ((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2)  # the mistake: pooled
    t = (a.mean() - b.mean()) / math.sqrt(sp2 * (1 / n1 + 1 / n2))
    df = n1 + n2 - 2
    return float(t), float(df), float(2 * stats.t.sf(abs(t), df))


def summarize(runs, baseline):
    out = {}
    for name, acc in runs.items():
        p = 1.0 if name == baseline else welch_t_test(acc, runs[baseline])[2]
        out[name] = (float(np.mean(acc)), float(np.std(acc, ddof=1)), p)
    return out
