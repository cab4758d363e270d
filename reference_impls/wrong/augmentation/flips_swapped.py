"""Wrong: hflip reverses the rows and vflip the columns (the names swapped)."""

from reference_impls.numpy.augmentation import *  # the rest is right

EXPECTED_HINT = "hflip and vflip are swapped"


def hflip(img):
    return img[::-1].copy()


def vflip(img):
    return img[:, ::-1].copy()
