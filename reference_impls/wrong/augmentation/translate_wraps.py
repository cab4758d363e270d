"""Wrong: translate with np.roll: what leaves one edge comes back at the other."""

import numpy as np

from reference_impls.numpy.augmentation import *  # the rest is right

EXPECTED_HINT = "translation must not wrap around"


def translate(img, dy, dx, fill=0.0):
    return np.roll(img, (dy, dx), axis=(0, 1))
