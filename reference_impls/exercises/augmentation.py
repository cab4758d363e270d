"""Exercise: image data augmentation, geometric and colour, on (H, W, C) NumPy images, and the two
seeded pipelines built from them (Module 0.6, "Data augmentation")."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe

SHAPES = [(8, 8, 3), (5, 7, 3), (4, 6, 1)]
CIFAR_MEAN, CIFAR_STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)


def _image(seed, shape=(5, 7, 3), dtype="float64"):
    return np.random.default_rng(seed).random(shape).astype(dtype)


def _images(seed, shapes=SHAPES):
    for j, shape in enumerate(shapes):
        for k, dtype in enumerate(("float32", "float64")):
            s = seed + 2 * j + k
            yield s, shape, dtype, _image(s, shape, dtype)


def flip_cases():
    for s, shape, _dtype, img in _images(21000):
        yield Case(
            f"{shape[0]}x{shape[1]}x{shape[2]}",
            (img,),
            seed=s,
            note="non-square: H and W are easy to mix up" if shape[0] != shape[1] else "",
        )


def rotate_cases():
    for k in (1, 2, 3, -1, 5, 0):
        yield Case(
            f"k{k}",
            (_image(21100 + k % 7),),
            {"k": k},
            seed=21100 + k % 7,
            note={
                1: "one quarter turn COUNTER-clockwise: the top-right corner moves to the top-left",
                -1: "k = -1: one turn clockwise",
                5: "k = 5 is k = 1",
            }.get(k, ""),
        )


def crop_cases():
    img = _image(21200, (8, 8, 3), "float32")
    for top, left in [(4, 4), (0, 0), (8, 8), (1, 6)]:
        yield Case(
            f"top{top}_left{left}",
            (img, 4, top, left, (8, 8)),
            seed=21200,
            note={
                (4, 4): "top = left = padding: the original image",
                (0, 0): "the top-left window: 4 rows and columns of zero padding",
            }.get((top, left), ""),
        )
    yield Case(
        "smaller_crop_non_square",
        (_image(21201, (6, 9, 3)), 2, 3, 1, (4, 5)),
        seed=21201,
        note="(top, left) are coordinates in the PADDED image",
    )


def translate_cases():
    for j, (dy, dx, fill) in enumerate([(2, -1, 0.0), (-3, 4, 0.5), (0, 0, 0.0), (9, 0, 0.25), (1, 1, 0.0)]):
        shape = (6, 5, 3) if j != 4 else (4, 4, 1)
        yield Case(
            f"dy{dy}_dx{dx}",
            (_image(21300 + j, shape),),
            {"dy": dy, "dx": dx, "fill": fill},
            seed=21300 + j,
            note={3: "shifted past the edge: every pixel is fill"}.get(
                j, "nothing wraps around: vacated pixels get `fill`"
            ),
        )


def colour_cases(zero_target=False):
    """zero_target: the blend target is black (brightness), so factor 0 gives zeros on purpose."""

    def cases():
        for j, factor in enumerate((0.0, 0.4, 1.0, 1.8)):
            for k, dtype in enumerate(("float32", "float64")):
                s = 21400 + 2 * j + k
                yield Case(
                    f"factor{factor}",
                    (_image(s, (6, 5, 3), dtype), factor),
                    seed=s,
                    zero_ok=zero_target and factor == 0,
                    note={0.0: "factor 0: the blend target itself", 1.8: "factor 1.8: values past 1 are clipped"}.get(
                        factor, ""
                    ),
                )

    return cases


def normalize_cases():
    for s, _shape, dtype, img in _images(21500, [(4, 4, 3), (3, 5, 3)]):
        yield Case(
            f"cifar_stats_{dtype}",
            (img, CIFAR_MEAN, CIFAR_STD),
            seed=s,
            note="per-channel mean and std (the last axis)",
        )


def _with_rng(entry):
    def call(impl, img, seed, **kwargs):
        return getattr(impl, entry)(img, np.random.default_rng(seed), **kwargs)

    return call


def crop_flip_cases():
    for seed in range(21600, 21606):
        yield Case(
            f"seed{seed}",
            (_image(seed, (8, 8, 3), "float32"), seed),
            {"padding": 4},
            seed=seed,
            note="draw top, then left, then flip (rng.random() < 0.5), in that order",
        )
    yield Case("padding2_non_square", (_image(21610, (5, 7, 3)), 21610), {"padding": 2}, seed=21610)


def jitter_cases():
    for j, (b, c, s) in enumerate([(0.4, 0.4, 0.4), (0.8, 0.0, 0.0), (0.0, 0.5, 1.5), (0.2, 0.3, 0.0)]):
        seed = 21700 + j
        yield Case(
            f"b{b}_c{c}_s{s}",
            (_image(seed, (6, 6, 3)), seed),
            {"brightness": b, "contrast": c, "saturation": s},
            seed=seed,
            note="three draws every time, even for a strength of 0 (uniform(1, 1) = 1)",
        )


# -- known mistakes ----------------------------------------------------------------------------------------


def _clockwise(img, k=1):
    return np.rot90(img, -k, axes=(0, 1)).copy()


def _contrast_per_channel(img, factor):
    mean = img.mean(axis=(0, 1), keepdims=True)
    return np.clip(factor * img + (1 - factor) * mean, 0, 1).astype(img.dtype)


def _contrast_unclipped(img, factor):
    from reference_impls.numpy.augmentation import grayscale

    return (factor * img + (1 - factor) * grayscale(img).mean()).astype(img.dtype)


def _brightness_unclipped(img, factor):
    return (img * factor).astype(img.dtype)


def _saturation_with_mean(img, factor):
    from reference_impls.numpy.augmentation import grayscale

    return np.clip(factor * img + (1 - factor) * grayscale(img).mean(), 0, 1).astype(img.dtype)


def _crop_unpadded_coords(img, padding, top, left, size):
    from reference_impls.numpy.augmentation import pad_crop

    return pad_crop(img, padding, top + padding, left + padding, size)


def _normalize_swapped(img, mean, std):
    return ((img - np.asarray(std, img.dtype)) / np.asarray(mean, img.dtype)).astype(img.dtype)


def _padded_by(mode):
    """pad_crop and random_crop_flip with np.pad's `mode` instead of zeros."""

    def pad_crop(img, padding, top, left, size):
        padded = np.pad(img, ((padding, padding), (padding, padding), (0, 0)), mode=mode)
        return padded[top : top + size[0], left : left + size[1]].copy()

    def random_crop_flip(img, rng, padding=4):
        top, left = rng.integers(0, 2 * padding + 1), rng.integers(0, 2 * padding + 1)
        out = pad_crop(img, padding, top, left, img.shape[:2])
        return out[:, ::-1].copy() if rng.random() < 0.5 else out

    return {"pad_crop": pad_crop, "random_crop_flip": random_crop_flip}


def _normalize_channels_first(img, mean, std):
    mean, std = np.asarray(mean, img.dtype), np.asarray(std, img.dtype)
    return (img - mean[:, None, None]) / std[:, None, None]


EXERCISE = Exercise.of(
    info("augmentation"),
    task="""The augmentations of a CIFAR-10 training pipeline, on one image: an (H, W, C) float32 or
float64 array with values in [0, 1]. Return new arrays of the input's dtype; never modify the input.

Geometric (any C):
1. hflip(img) (left <-> right), vflip(img) (top <-> bottom).
2. rotate90(img, k): k quarter turns COUNTER-clockwise (np.rot90 / torch.rot90's direction);
   any integer k. Write it with transposes and flips.
3. pad_crop(img, padding, top, left, size): zero-pad `padding` pixels on all four sides, then the
   size = (h, w) window whose top-left corner is (top, left) in the PADDED image.
4. translate(img, dy, dx, fill): content moves down dy and right dx (negative: up / left); the
   vacated pixels get `fill`; nothing wraps around (np.roll does: don't).
Colour (C = 3), torchvision's formulas: blend(a, b, f) = clip(f a + (1 - f) b, 0, 1) with
gray = 0.2989 R + 0.587 G + 0.114 B:
5. adjust_brightness(img, f) = blend(img, 0, f); adjust_contrast(img, f) = blend(img, mean of
   gray over the whole image, f); adjust_saturation(img, f) = blend(img, gray per pixel, f).
6. normalize(img, mean, std): (img - mean) / std per channel (not clipped).
Seeded pipelines (rng = np.random.default_rng(seed); draw exactly in this order):
7. random_crop_flip(img, rng, padding): top = rng.integers(0, 2 padding + 1), left likewise,
   flip = rng.random() < 0.5; pad_crop to the input's size, then hflip if flip.
8. color_jitter(img, rng, brightness, contrast, saturation): three factors, each
   rng.uniform(max(0, 1 - s), 1 + s) for its strength s (drawn even when s = 0), applied as
   brightness, then contrast, then saturation.""",
    entry_points=(
        EntryPoint("hflip", "(img)", "The image mirrored left <-> right."),
        EntryPoint("vflip", "(img)", "The image mirrored top <-> bottom."),
        EntryPoint("rotate90", "(img, k=1)", "k quarter turns counter-clockwise, (W, H, C) for odd k."),
        EntryPoint("pad_crop", "(img, padding, top, left, size)", "(h, w, C): a window of the zero-padded image."),
        EntryPoint("translate", "(img, dy, dx, fill=0.0)", "img's shape: shifted by (dy, dx), vacated pixels = fill."),
        EntryPoint("adjust_brightness", "(img, factor)", "clip(factor * img, 0, 1)."),
        EntryPoint("adjust_contrast", "(img, factor)", "Blend with the image's mean gray level, clipped."),
        EntryPoint("adjust_saturation", "(img, factor)", "Blend with the per-pixel gray image, clipped."),
        EntryPoint("normalize", "(img, mean, std)", "(img - mean) / std per channel."),
        EntryPoint(
            "random_crop_flip",
            "(img, rng, padding=4)",
            "A random padded crop (input's size), flipped with probability 0.5.",
        ),
        EntryPoint(
            "color_jitter",
            "(img, rng, brightness=0.0, contrast=0.0, saturation=0.0)",
            "Brightness, contrast and saturation by random factors.",
        ),
    ),
    checks=(
        Check("hflip", "hflip", flip_cases, description="8x8x3, 5x7x3, 4x6x1; float32/64"),
        Check("vflip", "vflip", flip_cases, description="the same images"),
        Check("rotate90", "rotate90", rotate_cases, description="k 1, 2, 3, -1, 5, 0 on a 5x7 image"),
        Check(
            "pad_crop",
            "pad_crop",
            crop_cases,
            description="padding 4: the centre, both corners, (1, 6); padding 2, a 4x5 crop",
        ),
        Check(
            "translate",
            "translate",
            translate_cases,
            description="(2, -1), (-3, 4) fill 0.5, (0, 0), past the edge, 1-channel",
        ),
        Check(
            "brightness",
            "adjust_brightness",
            colour_cases(zero_target=True),
            description="factor 0 / 0.4 / 1 / 1.8, float32/64",
        ),
        Check("contrast", "adjust_contrast", colour_cases(), description="the same factors"),
        Check("saturation", "adjust_saturation", colour_cases(), description="the same factors"),
        Check("normalize", "normalize", normalize_cases, description="CIFAR-10's mean and std, float32/64"),
        Check(
            "random_crop_flip",
            "random_crop_flip",
            crop_flip_cases,
            call=_with_rng("random_crop_flip"),
            description="seeds 21600-21605 (padding 4), padding 2 on a 5x7 image",
        ),
        Check(
            "color_jitter",
            "color_jitter",
            jitter_cases,
            call=_with_rng("color_jitter"),
            description="4 strength settings incl. zeros",
        ),
    ),
    probes=(
        Probe(
            "rotated clockwise: a positive k turns COUNTER-clockwise (np.rot90(img, k, axes=(0, 1)))",
            impl={"rotate90": _clockwise},
            checks=("rotate90",),
        ),
        Probe(
            "hflip and vflip are swapped: a horizontal flip mirrors left <-> right (reverses the columns, axis 1)",
            impl="wrong/augmentation/flips_swapped.py",
            checks=("hflip", "vflip"),
        ),
        Probe(
            "contrast blends with ONE number, the mean of the grayscale image (0.2989 R + 0.587 G + 0.114 B), "
            "not a mean per channel",
            impl={"adjust_contrast": _contrast_per_channel},
            checks=("contrast",),
        ),
        Probe(
            "clip the result to [0, 1] (torchvision's _blend clamps)",
            impl={"adjust_contrast": _contrast_unclipped, "adjust_brightness": _brightness_unclipped},
            checks=("contrast", "brightness"),
        ),
        Probe(
            "saturation blends each pixel with ITS gray value (a (H, W, 1) image), not with the mean gray",
            impl={"adjust_saturation": _saturation_with_mean},
            checks=("saturation",),
        ),
        Probe(
            "(top, left) are coordinates in the PADDED image: top = left = padding gives back the original",
            impl={"pad_crop": _crop_unpadded_coords},
            checks=("pad_crop",),
        ),
        Probe(
            "translation must not wrap around: pixels shifted out are lost and the vacated ones get `fill`",
            impl="wrong/augmentation/translate_wraps.py",
            checks=("translate",),
        ),
        *(
            Probe(
                "pad with ZEROS (np.pad's default mode='constant'): reflect / edge padding (RandomCrop's "
                "padding_mode='reflect') is another augmentation",
                impl=_padded_by(mode),
                checks=("pad_crop", "random_crop_flip"),
            )
            for mode in ("reflect", "edge", "symmetric")
        ),
        Probe(
            "images here are (H, W, C), channels LAST: the per-channel mean and std broadcast over the last axis "
            "as they are ((C,)); mean[:, None, None] is for torchvision's (C, H, W) tensors",
            impl={"normalize": _normalize_channels_first},
            checks=("normalize",),
        ),
        Probe("normalize is (img - mean) / std", impl={"normalize": _normalize_swapped}, checks=("normalize",)),
        Probe(
            "draw in the stated order: top, then left, then the flip (rng.random() < 0.5)",
            impl="wrong/augmentation/flip_drawn_first.py",
            checks=("random_crop_flip",),
        ),
    ),
)
