"""Correct, in scikit-learn's style: the SVD of the centered data (no covariance matrix), explained
variance S^2 / (n - 1), components = rows of Vt; signs made deterministic (largest-|.| entry positive)."""

import numpy as np


def pca_fit(X, n_components):
    mean_ = np.mean(X, axis=0)
    U, S, Vt = np.linalg.svd(X - mean_, full_matrices=False)
    max_abs_cols = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), max_abs_cols])
    Vt = Vt * signs[:, None]
    explained_variance_ = S**2 / (X.shape[0] - 1)
    total_var = explained_variance_.sum()
    k = n_components
    return mean_, Vt[:k], explained_variance_[:k], explained_variance_[:k] / total_var


def pca_transform(X, mean, components):
    return np.dot(X - mean, components.T)


def pca_inverse_transform(Z, mean, components):
    return np.dot(Z, components) + mean
