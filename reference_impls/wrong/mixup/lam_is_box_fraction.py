"""Wrong: lam' taken as the box's share of the image, the share of x[perm], instead of 1 - that share."""

from reference_impls.numpy.mixup import cutmix_box, mixup  # noqa: F401 - right

EXPECTED_HINT = "lam' is the share of the ORIGINAL image"


def cutmix(x, y, lam, perm, cy, cx):
    h, w = x.shape[2:]
    y0, y1, x0, x1 = cutmix_box(h, w, lam, cy, cx)
    out = x.copy()
    out[:, :, y0:y1, x0:x1] = x[perm][:, :, y0:y1, x0:x1]
    lam = (y1 - y0) * (x1 - x0) / (h * w)  # the mistake: the pasted share, not 1 - it
    return out, lam * y + (1 - lam) * y[perm], lam
