"""Correct, the textbook / numpy-ml style: eigh of np.cov(Xc, rowvar=False) (np.atleast_2d for D = 1, where
np.cov returns a 0-d array), eigenpairs sorted by np.argsort(vals)[::-1]."""

import numpy as np


def pca_fit(X, n_components):
    mean = X.mean(axis=0)
    Xc = X - mean
    cov = np.atleast_2d(np.cov(Xc, rowvar=False))
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    components = vecs[:, :n_components].T
    ev = vals[:n_components]
    return mean, components, ev, ev / vals.sum()


def pca_transform(X, mean, components):
    return (X - mean) @ components.T


def pca_inverse_transform(Z, mean, components):
    return Z @ components + mean
