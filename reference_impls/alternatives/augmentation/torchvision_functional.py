"""Correct, in the style of torchvision.transforms.functional (_blend with a ratio, rgb_to_grayscale as a weighted
sum, rot90 through transposes and flips), written for (H, W, C) arrays: the gray levels are computed in float64
with a matmul against the BT.601 weights and the blends cast back to the image's dtype; pad_crop pastes the
image into a zero canvas; translate works out the overlapping window with index arithmetic."""

import numpy as np

_WEIGHTS = np.array([0.2989, 0.587, 0.114])


def hflip(img):
    return np.flip(img, axis=1).copy()


def vflip(img):
    return np.flip(img, axis=0).copy()


def rotate90(img, k=1):
    k %= 4
    out = img
    for _ in range(k):  # one counter-clockwise quarter turn: transpose, then flip top <-> bottom
        out = np.swapaxes(out, 0, 1)[::-1]
    return np.ascontiguousarray(out)


def pad_crop(img, padding, top, left, size):
    H, W, C = img.shape
    canvas = np.zeros((H + 2 * padding, W + 2 * padding, C), dtype=img.dtype)
    canvas[padding : padding + H, padding : padding + W] = img
    h, w = size
    return canvas[top : top + h, left : left + w].copy()


def translate(img, dy, dx, fill=0.0):
    H, W = img.shape[:2]
    out = np.empty_like(img)
    out[...] = fill
    y0, y1 = max(dy, 0), min(H + dy, H)
    x0, x1 = max(dx, 0), min(W + dx, W)
    if y1 > y0 and x1 > x0:
        out[y0:y1, x0:x1] = img[y0 - dy : y1 - dy, x0 - dx : x1 - dx]
    return out


def _rgb_to_grayscale(img):
    return img.astype(np.float64) @ _WEIGHTS


def _blend(img1, img2, ratio):
    bound = 1.0
    return np.clip(ratio * img1 + (1.0 - ratio) * img2, 0, bound).astype(img1.dtype)


def adjust_brightness(img, brightness_factor):
    return _blend(img, 0.0, brightness_factor)


def adjust_contrast(img, contrast_factor):
    mean = np.mean(_rgb_to_grayscale(img))
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor):
    return _blend(img, _rgb_to_grayscale(img)[:, :, None], saturation_factor)


def normalize(img, mean, std):
    mean = np.asarray(mean, dtype=img.dtype).reshape(1, 1, -1)
    std = np.asarray(std, dtype=img.dtype).reshape(1, 1, -1)
    return (img - mean) / std


def random_crop_flip(img, rng, padding=4):
    i = int(rng.integers(0, 2 * padding + 1))
    j = int(rng.integers(0, 2 * padding + 1))
    flip = rng.random() < 0.5
    out = pad_crop(img, padding, i, j, img.shape[:2])
    return hflip(out) if flip else out


def color_jitter(img, rng, brightness=0.0, contrast=0.0, saturation=0.0):
    factors = [rng.uniform(max(0.0, 1 - s), 1 + s) for s in (brightness, contrast, saturation)]
    out = adjust_brightness(img, factors[0])
    out = adjust_contrast(out, factors[1])
    return adjust_saturation(out, factors[2])
