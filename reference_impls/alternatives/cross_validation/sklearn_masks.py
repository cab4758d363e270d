"""Correct, in the style of scikit-learn's own KFold (model_selection/_split.py): test folds cut with
fold sizes n // k + 1 for the first n % k, a boolean test mask per fold and train = the indices where
the mask is False (ascending, as sklearn's, even after shuffling), shuffling done in place on
np.arange(n) by a Generator (rng.shuffle(indices) permutes as rng.permutation(n) does); and a
GridSearchCV-like loop over sklearn's ParameterGrid order (itertools.product of the values, keys in
the order given). Written with np.array_split, which gives the first n % k parts the extra element."""

import itertools

import numpy as np


def kfold_indices(n, k, shuffle=False, seed=0):
    indices = np.arange(n)
    if shuffle:
        np.random.default_rng(seed).shuffle(indices)
    folds = []
    for test_index in np.array_split(indices, k):
        test_mask = np.zeros(n, dtype=bool)
        test_mask[test_index] = True
        folds.append((np.arange(n)[~test_mask], test_index))
    return folds


def cross_val_score(fit, score, X, y, k=5, shuffle=False, seed=0, **params):
    scores = []
    for train_index, test_index in kfold_indices(len(X), k, shuffle=shuffle, seed=seed):
        model = fit(X[train_index], y[train_index], **params)
        scores.append(score(model, X[test_index], y[test_index]))
    return np.asarray(scores)


def grid_search(fit, score, X, y, grid, k=5):
    keys = list(grid.keys())
    results = []
    best_params, best_score = None, -np.inf
    for values in itertools.product(*[grid[key] for key in keys]):
        params = dict(zip(keys, values))
        mean_score = float(np.mean(cross_val_score(fit, score, X, y, k, **params)))
        results.append(mean_score)
        if mean_score > best_score:
            best_params, best_score = params, mean_score
    return best_params, best_score, results
