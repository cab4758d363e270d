"""Wrong: the box's height taken from the image width and its width from the height (rand_bbox's W / H naming
read the other way round): right on square images only."""

import numpy as np

from reference_impls.numpy.mixup import cutmix, mixup  # noqa: F401 - right (cutmix is checked on square images)

EXPECTED_HINT = "cut_h from h"


def cutmix_box(h, w, lam, cy, cx):
    ratio = np.sqrt(1.0 - lam)
    cut_h, cut_w = int(w * ratio), int(h * ratio)  # the mistake: the sides swapped
    y0, y1 = np.clip(cy - cut_h // 2, 0, h), np.clip(cy + cut_h // 2, 0, h)
    x0, x1 = np.clip(cx - cut_w // 2, 0, w), np.clip(cx + cut_w // 2, 0, w)
    return int(y0), int(y1), int(x0), int(x1)
