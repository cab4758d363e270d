"""Image augmentations against torch equivalents (torchvision is not a dependency: its tensor
formulas, _blend / rgb_to_grayscale / pad + crop, are written out in torch here) and against
properties that pin the conventions (rotation direction, where a crop starts, no wrap-around)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.numpy import augmentation as aug


def image(shape=(6, 5, 3), dtype=np.float64, seed=0):
    return np.random.default_rng(seed).random(shape).astype(dtype)


def chw(img):
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))  # torchvision's (C, H, W)


def hwc(t):
    return t.numpy().transpose(1, 2, 0)


def tv_gray(t):  # torchvision.transforms._functional_tensor.rgb_to_grayscale
    r, g, b = t.unbind(dim=-3)
    return (0.2989 * r + 0.587 * g + 0.114 * b).unsqueeze(-3)


def tv_blend(a, b, ratio):  # torchvision's _blend for float images
    return (ratio * a + (1.0 - ratio) * b).clamp(0, 1.0).to(a.dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_geometric_transforms_match_torch(dtype):
    img = image(dtype=dtype)
    t = chw(img)
    np.testing.assert_array_equal(aug.hflip(img), hwc(t.flip(-1)))
    np.testing.assert_array_equal(aug.vflip(img), hwc(t.flip(-2)))
    for k in (-1, 0, 1, 2, 3, 5):
        np.testing.assert_array_equal(aug.rotate90(img, k), hwc(torch.rot90(t, k, dims=(-2, -1))))
    for top, left in [(0, 0), (4, 4), (8, 3), (2, 7)]:
        want = F.pad(t, (4, 4, 4, 4))[:, top : top + 6, left : left + 5]  # torchvision: pad, then crop(i, j, h, w)
        np.testing.assert_array_equal(aug.pad_crop(img, 4, top, left, (6, 5)), hwc(want))
    for out in (aug.hflip(img), aug.rotate90(img), aug.pad_crop(img, 2, 1, 1, (3, 3))):
        assert out.dtype == dtype


def test_rotation_is_counter_clockwise_and_crop_at_padding_is_identity():
    img = np.arange(6.0).reshape(2, 3, 1)  # [[0 1 2], [3 4 5]]
    np.testing.assert_array_equal(
        aug.rotate90(img)[..., 0], [[2, 5], [1, 4], [0, 3]]
    )  # the top-right corner goes top-left
    np.testing.assert_array_equal(aug.rotate90(aug.rotate90(img, 3), 1), img)
    np.testing.assert_array_equal(aug.pad_crop(img, 4, 4, 4, (2, 3)), img)
    assert not aug.pad_crop(img, 4, 0, 0, (2, 3)).any()  # the top-left window is all padding


@pytest.mark.parametrize("dy, dx", [(0, 0), (2, -1), (-3, 4), (6, 0), (-1, -9)])
def test_translate_shifts_without_wrapping(dy, dx):
    img = image((6, 5, 2))
    out = aug.translate(img, dy, dx, fill=0.5)
    rolled = np.roll(img, (dy, dx), axis=(0, 1))
    ys, xs = np.arange(6)[:, None] - dy, np.arange(5)[None, :] - dx
    inside = (ys >= 0) & (ys < 6) & (xs >= 0) & (xs < 5)
    np.testing.assert_array_equal(out[inside], rolled[inside])
    assert (out[~inside] == 0.5).all()
    # torch: an integer shift is a pad then a crop
    t = F.pad(chw(img), (9, 9, 9, 9), value=0.5)[:, 9 - dy : 9 - dy + 6, 9 - dx : 9 - dx + 5]
    np.testing.assert_array_equal(out, hwc(t))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("factor", [0.0, 0.4, 1.0, 1.7])
def test_colour_transforms_match_torchvision_formulas(factor, dtype):
    img = image((7, 6, 3), dtype)
    t = chw(img)
    tol = {"rtol": 1e-6, "atol": 1e-7} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-14}
    np.testing.assert_allclose(aug.adjust_brightness(img, factor), hwc(tv_blend(t, torch.zeros_like(t), factor)), **tol)
    mean = torch.mean(tv_gray(t), dim=(-3, -2, -1), keepdim=True)
    np.testing.assert_allclose(aug.adjust_contrast(img, factor), hwc(tv_blend(t, mean, factor)), **tol)
    np.testing.assert_allclose(aug.adjust_saturation(img, factor), hwc(tv_blend(t, tv_gray(t), factor)), **tol)
    for f in (aug.adjust_brightness, aug.adjust_contrast, aug.adjust_saturation):
        out = f(img, factor)
        assert out.dtype == dtype and out.min() >= 0 and out.max() <= 1
        if factor == 1.0:
            np.testing.assert_allclose(out, img, rtol=1e-6)


def test_normalize_matches_torch_and_inverts():
    img = image((4, 4, 3), np.float32)
    mean, std = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)  # CIFAR-10's
    want = (chw(img) - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]
    out = aug.normalize(img, mean, std)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, hwc(want), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out * np.array(std) + np.array(mean), img, rtol=1e-5, atol=1e-6)


def test_random_pipelines_follow_their_draws():
    img = image((8, 8, 3))
    rng, draws = np.random.default_rng(3), np.random.default_rng(3)
    out = aug.random_crop_flip(img, rng, padding=4)
    top, left, flip = draws.integers(0, 9), draws.integers(0, 9), draws.random() < 0.5
    want = aug.pad_crop(img, 4, top, left, (8, 8))
    np.testing.assert_array_equal(out, aug.hflip(want) if flip else want)
    rng, draws = np.random.default_rng(4), np.random.default_rng(4)
    b, c, s = draws.uniform(0.6, 1.4), draws.uniform(0.8, 1.2), draws.uniform(0.0, 2.5)
    np.testing.assert_allclose(
        aug.color_jitter(img, rng, 0.4, 0.2, 1.5),
        aug.adjust_saturation(aug.adjust_contrast(aug.adjust_brightness(img, b), c), s),
    )
