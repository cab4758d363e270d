"""Exercises of Module 0.3: conv2d (stride / padding / dilation / groups), pooling, receptive fields,
depthwise-separable convolutions."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE, randn
from reference_impls.exercises._fresh import fresh

CONV = [  # name, x shape, w shape, stride, padding, dilation, groups
    ("basic_3x3", (2, 3, 7, 7), (4, 3, 3, 3), 1, 0, 1, 1),
    ("stride_2_pad_1", (1, 2, 8, 6), (3, 2, 3, 2), 2, 1, 1, 1),
    ("dilation_2_pad_2", (2, 3, 9, 9), (2, 3, 3, 3), 1, 2, 2, 1),
    ("kernel_covers_input", (1, 1, 5, 5), (1, 1, 5, 5), 1, 0, 1, 1),
    ("per_axis_stride_dilation_groups_2", (2, 4, 6, 7), (6, 2, 3, 3), (2, 1), (1, 0), (1, 2), 2),
    ("depthwise_groups_4", (1, 4, 6, 6), (4, 1, 3, 3), 1, 1, 1, 4),
    ("pointwise_1x1", (3, 2, 4, 4), (5, 2, 1, 1), 1, 0, 1, 1),
]


def _conv_inputs(seed):
    for j, (name, xs, ws, stride, padding, dilation, groups) in enumerate(CONV):
        dtype = "float64" if j % 2 else "float32"
        rng = np.random.default_rng(seed + j)
        yield (
            name,
            seed + j,
            rng,
            randn(rng, xs, dtype),
            randn(rng, ws, dtype),
            randn(rng, (ws[0],), dtype),
            {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups},
        )


def conv_cases():
    for name, s, _, x, w, b, kw in _conv_inputs(21000):
        yield Case(name, (x, w, b), kw, seed=s)
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    yield Case(
        "by_hand_not_flipped",
        (x, np.array([[[[1.0, 0.0], [0.0, -1.0]]]])),
        note="x[i, j] - x[i + 1, j + 1] = -5: no kernel flip",
    )


def conv_backward_cases():
    from reference_impls.numpy.conv2d import conv2d

    for name, s, rng, x, w, b, kw in _conv_inputs(21100):
        dout = randn(rng, conv2d(x, w, b, **kw).shape, x.dtype)
        yield Case(name, (dout, x, w), kw, seed=s)


def size_cases():
    for args in [
        (32, 3, 1, 1, 1),
        (32, 3, 2, 1, 1),
        (32, 3, 1, 0, 2),
        (7, 7, 1, 0, 1),
        (224, 7, 2, 3, 1),
        (10, 4, 3, 0, 1),
    ]:
        yield Case("h{}_k{}_s{}_p{}_d{}".format(*args), args)


def _conv_flipped(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    from reference_impls.numpy.conv2d import conv2d

    return conv2d(x, w[:, :, ::-1, ::-1], b, stride, padding, dilation, groups)


def _conv_no_dilation(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    from reference_impls.numpy.conv2d import conv2d

    return conv2d(x, w, b, stride, padding, 1, groups)


def _conv_pair_swapped(which):
    """conv2d with one (h, w) pair (stride, padding or dilation) read as (w, h)."""

    def conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
        from reference_impls.numpy.conv2d import _pair, conv2d

        kw = {"stride": stride, "padding": padding, "dilation": dilation}
        kw[which] = _pair(kw[which])[::-1]
        return conv2d(x, w, b, groups=groups, **kw)

    return conv


def _conv_stride_ignored(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Windows one pixel apart (the stride left out of where they start), cut to the strided output's size."""
    from reference_impls.numpy.conv2d import conv2d

    out = conv2d(x, w, b, 1, padding, dilation, groups)
    strided = conv2d(x, w, b, stride, padding, dilation, groups)
    return out[:, :, : strided.shape[2], : strided.shape[3]]


def _conv_groups_interleaved(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Group g given the input channels g, g + G, g + 2G, ... instead of a contiguous block."""
    from reference_impls.numpy.conv2d import conv2d

    n, c = x.shape[:2]
    blocks = x.reshape(n, c // groups, groups, *x.shape[2:]).swapaxes(1, 2).reshape(x.shape)
    return conv2d(blocks, w, b, stride, padding, dilation, groups)


def _size_rounded_up(case, actual, expected):
    """The output's spatial size is ceil((H + 2 pad - dil (k - 1) - 1) / stride) + 1: rounded up, not down."""
    from reference_impls.numpy.conv2d import _pair

    shape = getattr(actual, "shape", ())
    if len(shape) != 4 or shape == getattr(expected, "shape", ()):
        return False
    x, w = case.args[0], case.args[1]
    kw = dict(zip(("b", "stride", "padding", "dilation", "groups"), case.args[2:])) | case.kwargs
    sizes = [
        -(-(h + 2 * p - d * (k - 1) - 1) // s) + 1
        for h, k, s, p, d in zip(
            x.shape[2:],
            w.shape[2:],
            _pair(kw.get("stride", 1)),
            _pair(kw.get("padding", 0)),
            _pair(kw.get("dilation", 1)),
        )
    ]
    return list(shape[2:]) == sizes


def _dx_empty(case, actual, expected):
    """dx has a size-0 spatial axis where x has none: x[:, :, p:-p] with p = 0."""
    dx, want = (actual[0], expected[0]) if isinstance(actual, (tuple, list)) and actual else (None, None)
    shape = getattr(dx, "shape", ())
    return len(shape) == 4 and 0 in shape[2:] and 0 not in getattr(want, "shape", (0,))


CONV2D = Exercise.of(
    info("conv2d"),
    task="""torch.nn.functional.conv2d in NumPy: a cross-correlation (no kernel flip), zero padding.

    x (N, C_in, H, W), w (C_out, C_in / groups, KH, KW), b (C_out,) or None
    H_out = floor((H + 2 pad - dil (KH - 1) - 1) / stride) + 1      (and W_out alike)
    out[n, o, i, j] = b[o] + sum_{c, p, q} xpad[n, c, i s + p d, j s + q d] w[o, c, p, q]

stride, padding and dilation are an int or an (h, w) pair; with groups = G the input channels
and the filters split into G groups that only see each other.

1. output_size(h, k, stride, padding, dilation) -> int.
2. conv2d(...) -> (N, C_out, H_out, W_out) in x's dtype. Loop over the KH x KW kernel offsets and
   use strided slices + einsum / tensordot (or im2col); avoid a Python loop over pixels.
3. conv2d_backward(dout, x, w, ...) -> (dx, dw, db): the same slices in reverse; dx ACCUMULATES
   where windows overlap.""",
    entry_points=(
        EntryPoint(
            "output_size", "(h, k, stride=1, padding=0, dilation=1)", "The output length along one axis, an int."
        ),
        EntryPoint(
            "conv2d",
            "(x, w, b=None, stride=1, padding=0, dilation=1, groups=1)",
            "The convolution output (N, C_out, H_out, W_out).",
        ),
        EntryPoint(
            "conv2d_backward",
            "(dout, x, w, stride=1, padding=0, dilation=1, groups=1)",
            "(dx, dw, db) of sum(dout * conv2d(...)).",
        ),
    ),
    checks=(
        Check(
            "output_size",
            "output_size",
            size_cases,
            description="6 configurations incl. ResNet's stem (224, k7, s2, p3)",
        ),
        Check(
            "forward",
            "conv2d",
            conv_cases,
            tolerance=LOOSE,
            description="stride 1/2, padding 0-2, dilation 1/2, per-axis pairs, groups 2 / depthwise, 1x1, kernel = input; by hand",
        ),
        Check(
            "backward", "conv2d_backward", conv_backward_cases, tolerance=LOOSE, description="the same 7 configurations"
        ),
    ),
    probes=(
        Probe(
            "the kernel is flipped: deep-learning conv2d is a cross-correlation (x[i + p, j + q] * w[p, q], no flip)",
            impl={"conv2d": _conv_flipped},
        ),
        Probe(
            "dilation spreads the kernel taps d apart: the tap (p, q) reads x[i s + p d, j s + q d], and the "
            "effective kernel size is d (k - 1) + 1",
            impl={"conv2d": _conv_no_dilation},
        ),
        Probe(
            "overlapping windows each add into dx: accumulate (+=) rather than assign",
            impl="wrong/conv2d/dx_assigned.py",
            checks=("backward",),
        ),
        *(
            Probe(
                "an (h, w) pair read the other way round: stride, padding and dilation pairs are (along H, along W), "
                "torch's order; padding[0] pads the top and bottom",
                impl={"conv2d": _conv_pair_swapped(which)},
            )
            for which in ("stride", "padding", "dilation")
        ),
        Probe(
            "dx is empty along a spatial axis: cropping the padding with xpad[:, :, pad:-pad] gives nothing when "
            "pad = 0 (-0 is 0); crop with xpad[:, :, pad : pad + H, pad : pad + W]",
            when=_dx_empty,
            checks=("backward",),
        ),
        Probe(
            "the windows start one pixel apart: window (i, j) starts at (i * stride, j * stride) (as_strided's "
            "window strides are the array's strides times the stride; slices step by the stride)",
            impl={"conv2d": _conv_stride_ignored},
        ),
        Probe(
            "groups take CONTIGUOUS blocks: group g sees input channels g * C_in/G ... (g + 1) * C_in/G - 1 and "
            "filters g * C_out/G ... (g + 1) * C_out/G - 1 (torch's layout), not every G-th channel",
            impl={"conv2d": _conv_groups_interleaved},
        ),
        Probe(
            "the output size is rounded up: it is floor((H + 2 pad - dil (k - 1) - 1) / stride) + 1 (a window must "
            "fit entirely inside the padded input); use //",
            impl={
                "output_size": lambda h, k, stride=1, padding=0, dilation=1: (
                    -(-(h + 2 * padding - dilation * (k - 1) - 1) // stride) + 1
                )
            },
        ),
        Probe(
            "the output size is rounded up (one window too many where the stride does not divide evenly): round "
            "it down (floor, //), a window must fit entirely inside the padded input",
            when=_size_rounded_up,
            checks=("forward",),
        ),
        Probe(
            "the output size is floor((H + 2 pad - dil (k - 1) - 1) / stride) + 1",
            impl={"output_size": lambda h, k, stride=1, padding=0, dilation=1: (h + 2 * padding - k) // stride + 1},
        ),
    ),
)


POOL = [
    ("k2", (2, 3, 8, 8), 2, None, 0),
    ("k3_s2_p1", (1, 2, 7, 5), 3, 2, 1),
    ("k2x3_s1x2", (2, 1, 6, 6), (2, 3), (1, 2), 0),
    ("global_window", (1, 1, 4, 4), 4, None, 0),
    ("overlapping_k3_s1_p1", (1, 2, 5, 5), 3, 1, 1),
    ("k3x5_p1x2_non_square", (2, 2, 7, 6), (3, 5), (2, 1), (1, 2)),
    ("k2x3_p0x1", (1, 2, 5, 8), (2, 3), None, (0, 1)),
]


def _pool_inputs(seed, negative=False):
    for j, (name, xs, k, s, p) in enumerate(POOL):
        rng = np.random.default_rng(seed + j)
        dtype = "float64" if j % 2 else "float32"
        x = (rng.permutation(int(np.prod(xs))).reshape(xs) / 7.0 - (np.prod(xs) / 7.0 if negative else 0)).astype(dtype)
        yield name, seed + j, rng, x, {"kernel": k, "stride": s, "padding": p}
    for rng, _, dtype, s in fresh([()], seed=seed + 50, n=1):  # window, stride, padding and sizes drawn afresh
        kernel = tuple(int(k) for k in rng.integers(1, 4, size=2))
        padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)  # PyTorch: padding <= kernel / 2
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        if rng.integers(3) == 0:  # the default stride (the kernel): unpadded windows of 2 or 3, whose overlap at
            kernel, padding, stride = (
                tuple(int(k) for k in rng.integers(2, 4, size=2)),
                (0, 0),
                None,
            )  # stride 1 is uneven
        low = [2 * k + 1 if stride is None else max(k - 2 * p, 1) for k, p in zip(kernel, padding)]
        size = tuple(int(rng.integers(lo, 10)) for lo in low)
        xs = tuple(int(v) for v in rng.integers(1, 4, size=2)) + size
        x = rng.permutation(int(np.prod(xs))).reshape(xs) / 7.0 - (np.prod(xs) / 7.0 if negative else 0)
        yield "fresh", s, rng, x.astype(dtype), {"kernel": kernel, "stride": stride, "padding": padding}


def pool_cases():
    for name, s, _, x, kw in _pool_inputs(22000):
        yield Case(name, (x,), kw, seed=s, note="distinct values: no ties")
    for name, s, _, x, kw in _pool_inputs(22100, negative=True):
        if kw["padding"]:
            yield Case(
                f"negative_{name}",
                (x,),
                kw,
                seed=s,
                note="all values negative with padding: pad max pooling with -inf, not 0",
            )


def pool_backward_cases():
    from reference_impls.numpy.pooling import max_pool2d

    for name, s, rng, x, kw in _pool_inputs(22200):
        yield Case(name, (randn(rng, max_pool2d(x, **kw).shape, x.dtype), x), kw, seed=s)
    for n, kw in enumerate([{"kernel": 2}, {"kernel": 3, "stride": 1, "padding": 1}]):
        rng = np.random.default_rng(22250 + n)
        x = np.maximum(rng.standard_normal((2, 2, 6, 5)), 0)  # after a ReLU: windows of tied zeros
        yield Case(
            "ties_after_relu",
            (randn(rng, max_pool2d(x, **kw).shape, "float64"), x),
            kw,
            seed=22250 + n,
            note="tied maxima (zeros after a ReLU): one position per window gets dout, the first in row-major "
            "order (as PyTorch)",
        )


def gap_cases():
    rng = np.random.default_rng(22300)
    yield Case("n2_c3", (randn(rng, (2, 3, 5, 4), "float32"),), seed=22300)
    yield Case("n1_c4", (randn(rng, (1, 4, 3, 3), "float64"),), seed=22301)


def gap_backward_cases():
    rng = np.random.default_rng(22400)
    yield Case("n2_c3", (randn(rng, (2, 3), "float32"), randn(rng, (2, 3, 5, 4), "float32")), seed=22400)


def _wrong_only_where_windows_overlap(case, actual, expected):
    """when(): dx is right at every position at most one window covers, and wrong at some covered by two or more."""
    from reference_impls.numpy.conv2d import _pair

    dout, x = case.args[0], case.args[1]
    if getattr(actual, "shape", None) != x.shape:
        return False
    kh, kw = _pair(case.kwargs["kernel"])
    sh, sw = _pair(case.kwargs.get("stride") or case.kwargs["kernel"])
    ph, pw = _pair(case.kwargs.get("padding", 0))
    cover = np.zeros((x.shape[2] + 2 * ph, x.shape[3] + 2 * pw), dtype=int)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            cover[i * sh : i * sh + kh, j * sw : j * sw + kw] += 1
    overlap = cover[ph : ph + x.shape[2], pw : pw + x.shape[3]] >= 2
    wrong = ~np.isclose(np.asarray(actual, dtype=np.float64), expected, rtol=1e-4, atol=1e-5)
    # an assignment keeps one window's share: it never routes gradient to a position the reference leaves at 0
    # (spreading a max's gradient over tied positions does)
    fewer = np.count_nonzero(actual) <= np.count_nonzero(expected)
    return bool(wrong.any() and not (wrong & ~overlap).any() and fewer)


def _max_zero_pad(x, kernel, stride=None, padding=0):
    from reference_impls.numpy.pooling import max_pool2d

    p = (padding, padding) if np.isscalar(padding) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (p[0],) * 2, (p[1],) * 2))
    return max_pool2d(xp, kernel, stride, 0)


def _avg_exclude_pad(x, kernel, stride=None, padding=0):
    from reference_impls.numpy.pooling import avg_pool2d

    ones = np.ones((1, 1) + x.shape[2:], x.dtype)
    return avg_pool2d(x, kernel, stride, padding) / avg_pool2d(ones, kernel, stride, padding)


def _max_backward_spread(dout, x, kernel, stride=None, padding=0):
    from reference_impls.numpy.pooling import avg_pool2d_backward

    return avg_pool2d_backward(dout, x, kernel, stride, padding)


POOLING = Exercise.of(
    info("pooling"),
    task="""torch.nn.functional.max_pool2d / avg_pool2d / adaptive_avg_pool2d(x, 1), x (N, C, H, W).
kernel, stride and padding are an int or an (h, w) pair; stride=None means stride = kernel.
H_out = floor((H + 2 pad - k) / stride) + 1.

1. max_pool2d / max_pool2d_backward(dout, x, ...): each window's max; the backward routes each
   window's dout to the position of its max only (windows may overlap: accumulate); on a tie, to
   the first maximum in row-major order within the window, as PyTorch. Padding is
   -inf for max pooling.
2. avg_pool2d / avg_pool2d_backward: each window's mean; padding counts as zeros AND in the divisor
   k_h * k_w (count_include_pad=True, PyTorch's default).
3. global_avg_pool2d -> (N, C) and its backward -> x's shape.""",
    entry_points=(
        EntryPoint("max_pool2d", "(x, kernel, stride=None, padding=0)", "(N, C, H_out, W_out)."),
        EntryPoint("max_pool2d_backward", "(dout, x, kernel, stride=None, padding=0)", "dx, x's shape."),
        EntryPoint("avg_pool2d", "(x, kernel, stride=None, padding=0)", "(N, C, H_out, W_out)."),
        EntryPoint("avg_pool2d_backward", "(dout, x, kernel, stride=None, padding=0)", "dx, x's shape."),
        EntryPoint("global_avg_pool2d", "(x)", "The mean over (H, W): (N, C)."),
        EntryPoint("global_avg_pool2d_backward", "(dout, x)", "dx, x's shape."),
    ),
    checks=(
        Check(
            "max",
            "max_pool2d",
            pool_cases,
            description="k 2/3/4, (2, 3) windows, stride 1/2/(1, 2), padding 0/1, negative inputs",
        ),
        Check(
            "max_backward",
            "max_pool2d_backward",
            pool_backward_cases,
            tolerance=LOOSE,
            description="the same windows, overlapping ones",
        ),
        Check("avg", "avg_pool2d", pool_cases, tolerance=LOOSE, description="the same cases"),
        Check(
            "avg_backward", "avg_pool2d_backward", pool_backward_cases, tolerance=LOOSE, description="the same windows"
        ),
        Check("global", "global_avg_pool2d", gap_cases, description="float32/64"),
        Check("global_backward", "global_avg_pool2d_backward", gap_backward_cases, description="float32"),
    ),
    probes=(
        Probe("pad with -inf for max pooling: a zero pad beats negative values", impl={"max_pool2d": _max_zero_pad}),
        Probe(
            "avg_pool2d divides by k_h * k_w even where the window covers padding (count_include_pad=True)",
            impl={"avg_pool2d": _avg_exclude_pad},
        ),
        Probe(
            "dx is wrong only where windows overlap: each window adds its gradient into dx (+= or np.add.at); an "
            "assignment, or fancy-index += with repeated indices, keeps only one window's share",
            when=_wrong_only_where_windows_overlap,
            checks=("max_backward", "avg_backward"),
        ),
        Probe(
            "max pooling routes each window's gradient to its max position only, not spread over the window",
            impl={"max_pool2d_backward": _max_backward_spread},
        ),
        Probe(
            "a tie within a window got the gradient at every tied position: route it to one position per window "
            "(the first max, as PyTorch), so the gradient is not counted twice",
            impl="wrong/pooling/max_backward_all_ties.py",
        ),
        Probe(
            "stride=None means stride = kernel (non-overlapping windows), not 1",
            impl="wrong/pooling/default_stride_one.py",
            checks=("max", "avg"),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "max_pool2d",
            "np.full(x.shape[:2] + out,",
            "np.full(out,",
            "np.maximum broadcasts an (H_out, W_out) start against the (N, C, H_out, W_out) windows: the same result",
        ),
        Equivalent(
            "avg_pool2d_backward",
            "padding, 0)",
            "padding, 1)",
            "the backward uses the padded array only for its shape: the fill value is never read",
        ),
        Equivalent(
            "avg_pool2d_backward",
            "padding, 0)",
            "padding, -1)",
            "the backward uses the padded array only for its shape: the fill value is never read",
        ),
    ),
)


def rf_cases():
    from reference_impls.numpy.receptive_field import Layer

    yield Case(
        "worked_example",
        ([Layer(3, s) for s in (1, 2, 1, 2, 1)], 64),
        note="five 3x3 convs, strides 1, 2, 1, 2, 1: r = 21",
    )
    yield Case(
        "dilated_stack",
        ([Layer(3, 1, dilation=d) for d in (1, 2, 4)], 32),
        note="dilations 1, 2, 4: r = 15 (WaveNet-style)",
    )
    yield Case(
        "resnet_stem", ([Layer(7, 2, 3), Layer(3, 2, 1)], 224), note="conv 7x7/2 pad 3 then max pool 3x3/2 pad 1"
    )
    yield Case("vgg_block", ([Layer(3, 1, 1), Layer(3, 1, 1), Layer(2, 2)] * 2, 32))
    yield Case(
        "no_input_size",
        ([Layer(5, 2), Layer(3, 1, dilation=2), Layer(2, 2)], None),
        note="input_size None: size stays None",
    )


def rf_single_cases():
    from reference_impls.numpy.receptive_field import Layer

    yield Case("worked_example", ([Layer(3, s) for s in (1, 2, 1, 2, 1)],))
    yield Case("empty", ([],), note="no layers: one pixel sees one pixel")


def _rf_no_dilation(layers, input_size=None):
    from reference_impls.numpy.receptive_field import Layer, receptive_fields

    return receptive_fields([Layer(L.kernel, L.stride, L.padding, 1) for L in layers], input_size)


RECEPTIVE = Exercise.of(
    info("receptive_field"),
    preamble="",
    task="""The receptive field of every layer of a conv / pool stack. Each layer has .kernel, .stride,
.padding and .dilation (ints; see reference_impls.numpy.receptive_field.Layer). With the effective
kernel k_eff = dilation (kernel - 1) + 1 and, before the first layer, r = 1, jump j = 1, start 0.5:

    r     <- r + (k_eff - 1) * j                 (j of the PREVIOUS layer)
    start <- start + ((k_eff - 1) / 2 - padding) * j
    j     <- j * stride
    size  <- (size + 2 padding - k_eff) // stride + 1     (None stays None)

1. receptive_fields(layers, input_size) -> a list with one dict per layer:
   {'r': int, 'jump': int, 'start': float, 'size': int or None}.
2. receptive_field(layers) -> the last layer's r (1 for no layers).
Worked example: five 3x3 convs with strides 1, 2, 1, 2, 1 see 3, 5, 9, 13, 21 input pixels.""",
    entry_points=(
        EntryPoint("receptive_fields", "(layers, input_size=None)", "One dict per layer: r, jump, start, size."),
        EntryPoint("receptive_field", "(layers)", "The receptive field of the last layer (an int)."),
    ),
    checks=(
        Check(
            "per_layer",
            "receptive_fields",
            rf_cases,
            description="the worked example, dilations 1/2/4, ResNet stem, VGG blocks",
        ),
        Check("last", "receptive_field", rf_single_cases, description="the worked example; no layers"),
    ),
    probes=(
        Probe(
            "dilation widens the kernel: use k_eff = dilation * (kernel - 1) + 1",
            impl={"receptive_fields": _rf_no_dilation},
        ),
        Probe(
            "r grows by (k_eff - 1) times the jump of the PREVIOUS layer: update r before multiplying the jump by the stride",
            impl="wrong/receptive_field/jump_updated_first.py",
        ),
        Probe(
            "r grows by (k_eff - 1) times the jump (the product of the earlier strides), not by k_eff - 1: a pixel "
            "after a stride-2 layer is 2 input pixels wide",
            impl="wrong/receptive_field/no_jump.py",
        ),
        Probe(
            "padding moves the centre back: start <- start + ((k_eff - 1) / 2 - padding) * jump",
            impl="wrong/receptive_field/start_ignores_padding.py",
            checks=("per_layer",),
        ),
        Probe(
            "start uses the layer's own left padding, as PyTorch pads: start <- start + ((k_eff - 1) / 2 - padding) "
            "* j; a pL derived from the padding actually consumed (TensorFlow's SAME) differs when a stride leaves "
            "some padding unused",
            impl="wrong/receptive_field/start_from_consumed_padding.py",
            checks=("per_layer",),
        ),
        Probe(
            "the output size shrinks by the EFFECTIVE kernel: size <- (size + 2 padding - k_eff) // stride + 1, "
            "k_eff = dilation (kernel - 1) + 1",
            impl="wrong/receptive_field/size_without_dilation.py",
            checks=("per_layer",),
        ),
    ),
)


def sep_param_cases():
    for c_in, c_out, k in [(3, 16, 3), (32, 64, 3), (64, 128, 5), (1, 1, 1)]:
        yield Case(f"{c_in}_{c_out}_k{k}", (c_in, c_out, k))
    yield Case("no_bias", (32, 64, 3), {"bias": False})


def conv_param_cases():
    yield from sep_param_cases()
    yield Case("groups_4", (32, 64, 3), {"groups": 4}, note="each filter sees C_in / groups channels")


def ratio_cases():
    for c_out, k in [(64, 3), (256, 3), (128, 5)]:
        yield Case(f"c{c_out}_k{k}", (c_out, k))


def sep_conv_cases():
    for j, (stride, padding, dilation) in enumerate([(1, 1, 1), (2, 0, 1), (1, 2, 2)]):
        rng = np.random.default_rng(23000 + j)
        dtype = "float32" if j % 2 else "float64"
        yield Case(
            f"s{stride}_p{padding}_d{dilation}",
            (
                randn(rng, (2, 3, 8, 8), dtype),
                randn(rng, (3, 1, 3, 3), dtype),
                randn(rng, (3,), dtype),
                randn(rng, (5, 3, 1, 1), dtype),
                randn(rng, (5,), dtype),
                stride,
                padding,
                dilation,
            ),
            seed=23000 + j,
        )


def sep_backward_cases():
    from reference_impls.numpy.depthwise_separable import depthwise_separable_conv

    for case in sep_conv_cases():
        x, w_dw, b_dw, w_pw, _b_pw, *rest = case.args
        dout = randn(np.random.default_rng(case.seed), depthwise_separable_conv(*case.args).shape, x.dtype)
        yield Case(case.name, (dout, x, w_dw, b_dw, w_pw, *rest), seed=case.seed)


def _inverse_of_expected(case, actual, expected):
    """A scalar that is 1 / the reference's: a ratio taken the other way round."""
    if not isinstance(actual, (int, float, np.number)):
        return False
    return bool(np.isclose(float(actual) * float(expected), 1.0, rtol=1e-6))


SEPARABLE = Exercise.of(
    info("depthwise_separable"),
    task="""MobileNet's building block: a depthwise KxK conv (one filter per input channel, groups = C_in)
followed by a pointwise 1x1 conv mixing the channels.

1. conv_params(c_in, c_out, k, bias, groups): parameters of a standard conv, c_out (c_in / groups) k^2
   (+ c_out biases). separable_params(c_in, c_out, k, bias): depthwise plus pointwise, biases on
   both. mult_adds_ratio(c_out, k): separable / standard multiply-adds per output position,
   1 / c_out + 1 / k^2.
2. depthwise_separable_conv(x, w_dw (C_in, 1, K, K), b_dw, w_pw (C_out, C_in, 1, 1), b_pw, stride,
   padding, dilation) -> (N, C_out, H', W'); stride / padding / dilation apply to the depthwise conv.
3. depthwise_separable_backward(dout, x, w_dw, b_dw, w_pw, ...) -> (dx, dw_dw, db_dw, dw_pw, db_pw).
Reuse your conv2d from the conv2d exercise (copy it in: each exercise file stands alone).""",
    entry_points=(
        EntryPoint("conv_params", "(c_in, c_out, k, bias=True, groups=1)", "Parameter count of a Conv2d (an int)."),
        EntryPoint(
            "separable_params", "(c_in, c_out, k, bias=True)", "Parameter count of depthwise + pointwise (an int)."
        ),
        EntryPoint("mult_adds_ratio", "(c_out, k)", "Separable / standard multiply-adds (a float)."),
        EntryPoint(
            "depthwise_separable_conv",
            "(x, w_dw, b_dw, w_pw, b_pw, stride=1, padding=0, dilation=1)",
            "(N, C_out, H', W').",
        ),
        EntryPoint(
            "depthwise_separable_backward",
            "(dout, x, w_dw, b_dw, w_pw, stride=1, padding=0, dilation=1)",
            "(dx, dw_dw, db_dw, dw_pw, db_pw).",
        ),
    ),
    checks=(
        Check("conv_params", "conv_params", conv_param_cases, description="4 layer sizes, no bias, groups 4"),
        Check("separable_params", "separable_params", sep_param_cases, description="4 layer sizes, no bias"),
        Check("mult_adds_ratio", "mult_adds_ratio", ratio_cases, description="3 settings"),
        Check(
            "forward",
            "depthwise_separable_conv",
            sep_conv_cases,
            tolerance=LOOSE,
            description="stride 2, padding 0-2, dilation 2",
        ),
        Check("backward", "depthwise_separable_backward", sep_backward_cases, tolerance=LOOSE, description="the same"),
    ),
    probes=(
        Probe(
            "the depthwise conv's biases (C_in of them) are parameters too",
            impl={
                "separable_params": lambda c_in, c_out, k, bias=True: (
                    c_in * k * k + c_in * c_out + (c_out if bias else 0)
                )
            },
        ),
        Probe(
            "a depthwise filter sees one channel: C_in * K^2 weights, not C_in * C_in * K^2 (groups = C_in)",
            impl="wrong/depthwise_separable/full_depthwise_count.py",
            checks=("separable_params",),
        ),
        Probe(
            "groups ignored: with groups = G each filter sees C_in / groups channels, c_out * (c_in // groups) * k^2 "
            "weights",
            impl={
                "conv_params": lambda c_in, c_out, k, bias=True, groups=1: c_out * c_in * k * k + (c_out if bias else 0)
            },
        ),
        Probe(
            "the ratio is inverted: mult_adds_ratio is separable / standard, 1 / c_out + 1 / k^2 (below 1); "
            "its inverse is the speed-up",
            when=_inverse_of_expected,
            checks=("mult_adds_ratio",),
        ),
        Probe(
            "stride, padding and dilation belong to the depthwise conv: the pointwise 1x1 conv runs at stride 1 "
            "on its output",
            impl="wrong/depthwise_separable/stride_on_pointwise.py",
            checks=("forward", "backward"),
        ),
    ),
)

EXERCISES = [CONV2D, POOLING, RECEPTIVE, SEPARABLE]
