"""Wrong: CutMix mixes the labels with the lam it was given, not the lam of the box actually pasted (a
box clipped at the image border covers less than 1 - lam)."""

from reference_impls.numpy.mixup import cutmix_box, mixup  # noqa: F401 - right

EXPECTED_HINT = "recomputes lam from the box actually pasted"


def cutmix(x, y, lam, perm, cy, cx):
    h, w = x.shape[2:]
    y0, y1, x0, x1 = cutmix_box(h, w, lam, cy, cx)
    out = x.copy()
    out[:, :, y0:y1, x0:x1] = x[perm][:, :, y0:y1, x0:x1]
    return out, lam * y + (1 - lam) * y[perm], lam  # the mistake: lam = 1 - box area / (h w)
