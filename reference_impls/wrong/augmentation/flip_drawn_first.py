"""Wrong: random_crop_flip draws the flip before the crop offsets (another draw order)."""

from reference_impls.numpy.augmentation import *  # the rest is right
from reference_impls.numpy.augmentation import hflip, pad_crop

EXPECTED_HINT = "draw in the stated order"


def random_crop_flip(img, rng, padding=4):
    flip = rng.random() < 0.5
    top = rng.integers(0, 2 * padding + 1)
    left = rng.integers(0, 2 * padding + 1)
    out = pad_crop(img, padding, top, left, img.shape[:2])
    return hflip(out) if flip else out
