"""Wrong: mixes the inputs but keeps the original labels."""

from reference_impls.numpy.mixup import cutmix, cutmix_box  # noqa: F401 - right

EXPECTED_HINT = "the labels mix with the same lam"


def mixup(x, y, lam, perm):
    return lam * x + (1 - lam) * x[perm], y.copy()
