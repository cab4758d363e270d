"""Image data augmentation in NumPy: geometric (flips, 90-degree rotations, padded crops, integer
translations) and colour (brightness, contrast, saturation, normalization) transforms, and the
two random pipelines built from them, deterministic given their parameters / Generator.

Images are (H, W, C) float arrays with values in [0, 1] (C = 3 for RGB; the geometric transforms
take any C). Every function returns a new array of the input's dtype.

    hflip        img[:, ::-1]              (left <-> right; torchvision's RandomHorizontalFlip)
    vflip        img[::-1]
    rotate90     k quarter turns COUNTER-clockwise: np.rot90(img, k, axes=(0, 1)) = torch.rot90
    pad_crop     zero-pad `padding` pixels on every side, then take the (h, w) window whose top-left
                 corner is (top, left) in the PADDED image (RandomCrop(32, padding=4))
    translate    content moves down by dy and right by dx (negative: up / left); vacated pixels = fill;
                 nothing wraps around
    colour transforms blend with a reference image and clip to [0, 1] (torchvision's _blend):
      adjust_brightness  blend(img, black, f)        = clip(f img, 0, 1)
      adjust_contrast    blend(img, mean gray, f)    mean of gray = 0.2989 R + 0.587 G + 0.114 B
      adjust_saturation  blend(img, gray(img), f)    per pixel, the same gray on every channel
      blend(a, b, f) = clip(f a + (1 - f) b, 0, 1)
    normalize    (img - mean) / std per channel (no clipping: the network's input)
    random_crop_flip(img, rng, padding): top = rng.integers(0, 2 padding + 1), then left likewise,
                 then flip = rng.random() < 0.5: the standard CIFAR-10 training augmentation
    color_jitter(img, rng, brightness, contrast, saturation): factors drawn in that order, each
                 rng.uniform(max(0, 1 - s), 1 + s), applied in that order (torchvision's ColorJitter
                 draws a random order too; a fixed one keeps this reproducible)

Source: torchvision.transforms.functional (hflip, vflip, pad, crop, adjust_brightness /
contrast / saturation with _blend and rgb_to_grayscale, normalize); the CIFAR recipe of He et al.
2016, section 4.2 (4-pixel padding, 32x32 random crops, horizontal flips).
Limits: one image at a time (loop or vectorize over a batch yourself); colour transforms need C = 3.
"""

import numpy as np

GRAY = (0.2989, 0.587, 0.114)  # torchvision's rgb_to_grayscale weights (ITU-R BT.601)


def hflip(img):
    return img[:, ::-1].copy()


def vflip(img):
    return img[::-1].copy()


def rotate90(img, k=1):
    return np.rot90(img, k, axes=(0, 1)).copy()


def pad_crop(img, padding, top, left, size):
    """size: (h, w) of the crop; (top, left) in the padded image's coordinates."""
    padded = np.pad(img, ((padding, padding), (padding, padding), (0, 0)))  # zeros
    h, w = size
    return padded[top : top + h, left : left + w].copy()


def translate(img, dy, dx, fill=0.0):
    H, W = img.shape[:2]
    out = np.full_like(img, fill)
    src_y, dst_y = slice(max(0, -dy), min(H, H - dy)), slice(max(0, dy), min(H, H + dy))
    src_x, dst_x = slice(max(0, -dx), min(W, W - dx)), slice(max(0, dx), min(W, W + dx))
    if src_y.start < src_y.stop and src_x.start < src_x.stop:  # else moved out of the frame entirely
        out[dst_y, dst_x] = img[src_y, src_x]
    return out


def grayscale(img):
    """(H, W, 3) -> (H, W) luma."""
    return img[..., 0] * GRAY[0] + img[..., 1] * GRAY[1] + img[..., 2] * GRAY[2]


def _blend(a, b, factor):
    return np.clip(factor * a + (1 - factor) * b, 0, 1).astype(a.dtype, copy=False)


def adjust_brightness(img, factor):
    return _blend(img, np.zeros_like(img), factor)


def adjust_contrast(img, factor):
    return _blend(img, grayscale(img).mean(), factor)  # one scalar: the mean gray level of the image


def adjust_saturation(img, factor):
    return _blend(img, grayscale(img)[..., None], factor)  # (H, W, 1): the same gray on every channel


def normalize(img, mean, std):
    mean, std = np.asarray(mean, img.dtype), np.asarray(std, img.dtype)
    return (img - mean) / std  # (C,) broadcasts over the last axis


def random_crop_flip(img, rng, padding=4):
    top = rng.integers(0, 2 * padding + 1)
    left = rng.integers(0, 2 * padding + 1)
    out = pad_crop(img, padding, top, left, img.shape[:2])
    return hflip(out) if rng.random() < 0.5 else out


def color_jitter(img, rng, brightness=0.0, contrast=0.0, saturation=0.0):
    b, c, s = (rng.uniform(max(0.0, 1 - v), 1 + v) for v in (brightness, contrast, saturation))
    return adjust_saturation(adjust_contrast(adjust_brightness(img, b), c), s)
