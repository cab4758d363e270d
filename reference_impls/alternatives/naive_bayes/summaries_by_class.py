"""Correct, in the style of the classic "naive Bayes from scratch" tutorials (Machine Learning Mastery's
separate_by_class / summarize_by_class / calculate_class_probabilities): rows grouped by class in a
dict, a (mean, variance, count) summary per class, and a Gaussian density per feature. Adapted to the
task's contract: GaussianNB's MLE variance (the tutorials' stdev divides by n - 1) plus var_smoothing
times the largest feature variance, and everything in log space (the tutorials multiply densities,
which underflow to 0 far from the data), normalised with np.logaddexp.reduce."""

import math

import numpy as np


def _separate_by_class(X, y):
    groups = {}
    for row, label in zip(X, y):
        groups.setdefault(int(label), []).append(row)
    return {label: np.array(rows) for label, rows in groups.items()}


def _summarize(rows):
    mean = rows.sum(axis=0) / len(rows)
    variance = ((rows - mean) ** 2).sum(axis=0) / len(rows)  # MLE, as GaussianNB
    return mean, variance, len(rows)


def fit_gaussian_nb(X, y, var_smoothing=1e-09):
    epsilon = var_smoothing * np.max(np.var(X, axis=0))
    groups = _separate_by_class(X, y)
    n_classes = max(groups) + 1
    priors = np.zeros(n_classes)
    means = np.zeros((n_classes, X.shape[1]))
    variances = np.zeros((n_classes, X.shape[1]))
    for label, rows in groups.items():
        mean, variance, count = _summarize(rows)
        priors[label] = count / len(X)
        means[label], variances[label] = mean, variance + epsilon
    return priors, means, variances


def _log_gaussian(x, mean, variance):
    return -((x - mean) ** 2) / (2 * variance) - 0.5 * np.log(2 * math.pi * variance)


def _class_log_probabilities(X, priors, means, variances):
    scores = np.empty((len(X), len(priors)))
    for k in range(len(priors)):
        scores[:, k] = math.log(priors[k]) + _log_gaussian(X, means[k], variances[k]).sum(axis=1)
    return scores


def predict_proba(X, priors, means, variances):
    scores = _class_log_probabilities(X, priors, means, variances)
    return np.exp(scores - np.logaddexp.reduce(scores, axis=1)[:, None])


def predict(X, priors, means, variances):
    return _class_log_probabilities(X, priors, means, variances).argmax(axis=1)
