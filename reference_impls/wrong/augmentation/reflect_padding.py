"""Wrong: pad_crop pads by reflection (RandomCrop(padding_mode='reflect'), common in CIFAR repos) instead of zeros."""

import numpy as np

from reference_impls.numpy.augmentation import *  # noqa: F403 - the rest is right
from reference_impls.numpy.augmentation import hflip

EXPECTED_HINT = "pad with ZEROS"


def pad_crop(img, padding, top, left, size):
    padded = np.pad(img, ((padding, padding), (padding, padding), (0, 0)), mode="reflect")  # the mistake
    h, w = size
    return padded[top : top + h, left : left + w].copy()


def random_crop_flip(img, rng, padding=4):
    top = rng.integers(0, 2 * padding + 1)
    left = rng.integers(0, 2 * padding + 1)
    out = pad_crop(img, padding, top, left, img.shape[:2])
    return hflip(out) if rng.random() < 0.5 else out
