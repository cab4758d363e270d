"""Wrong: normalize written for torchvision's (C, H, W) tensors, mean[:, None, None], on an (H, W, C) image."""

import numpy as np

from reference_impls.numpy.augmentation import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "images here are (H, W, C)"


def normalize(img, mean, std):
    mean, std = np.asarray(mean, img.dtype), np.asarray(std, img.dtype)
    return (img - mean[:, None, None]) / std[:, None, None]  # the mistake: channels first
