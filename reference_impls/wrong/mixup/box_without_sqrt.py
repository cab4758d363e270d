"""Wrong: the box's sides scaled by 1 - lam instead of sqrt(1 - lam), so its AREA is (1 - lam)^2 of the image."""

import numpy as np

from reference_impls.numpy.mixup import cutmix, mixup  # noqa: F401 - right

EXPECTED_HINT = "the box's SIDES scale by sqrt(1 - lam)"


def cutmix_box(h, w, lam, cy, cx):
    cut_h, cut_w = int(h * (1 - lam)), int(w * (1 - lam))  # the mistake: no square root
    y0, y1 = np.clip(cy - cut_h // 2, 0, h), np.clip(cy + cut_h // 2, 0, h)
    x0, x1 = np.clip(cx - cut_w // 2, 0, w), np.clip(cx + cut_w // 2, 0, w)
    return int(y0), int(y1), int(x0), int(x1)
