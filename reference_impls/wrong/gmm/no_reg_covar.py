"""Wrong: no reg_covar on the covariance diagonal."""

import numpy as np

from reference_impls.numpy.gmm import e_step, fit_gmm, log_gaussian  # noqa: F401 - right

EXPECTED_HINT = "reg_covar missing"


def m_step(X, resp, reg_covar=1e-6):
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = resp.T @ X / nk[:, None]
    covs = np.stack([(resp[:, k, None] * (X - means[k])).T @ (X - means[k]) / nk[k] for k in range(len(nk))])
    return nk / len(X), means, covs
