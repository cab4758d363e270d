"""K-fold cross-validation and grid search, in NumPy (the capstone's step 5 of Module 0.1).

kfold_indices: folds of sizes n // k + 1 for the first n % k folds and n // k for the rest,
    consecutive (or over a permutation from np.random.default_rng(seed) when shuffle=True);
    exactly sklearn.model_selection.KFold(k, shuffle=False).split's test folds.
cross_val_score: for each fold, fit on the other k - 1 folds, score on it: k scores.
grid_search: the parameter combination (the product of the grid, in order) with the best mean
    cross-validation score; ties go to the first.

Source: sklearn.model_selection (KFold, cross_val_score, GridSearchCV). Limits: no stratification,
no refit; fit(X, y, **params) -> model and score(model, X, y) -> float are plain functions.
"""

import itertools

import numpy as np


def kfold_indices(n, k, shuffle=False, seed=0):
    """A list of k (train_idx, test_idx) pairs of int arrays."""
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    folds, start = [], 0
    for size in sizes:
        test = order[start : start + size]
        train = np.concatenate([order[:start], order[start + size :]])
        folds.append((train, test))
        start += size
    return folds


def cross_val_score(fit, score, X, y, k=5, shuffle=False, seed=0, **params):
    return np.array(
        [score(fit(X[tr], y[tr], **params), X[te], y[te]) for tr, te in kfold_indices(len(X), k, shuffle, seed)]
    )


def grid_search(fit, score, X, y, grid, k=5):
    """Returns (best params dict, best mean score, all mean scores in grid order)."""
    names = list(grid)
    combos = [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]
    means = [float(cross_val_score(fit, score, X, y, k, **params).mean()) for params in combos]
    best = int(np.argmax(means))
    return combos[best], means[best], means
