"""Exercise: the ResNet basic block (identity and 1x1 projection shortcuts), forward and backward,
and ResNet parameter counts (Module 0.3, exercise 4 and capstone step 4)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE

BLOCKS = [  # (C_in, C_out, stride, H, W)
    (4, 4, 1, 6, 6),
    (4, 8, 2, 8, 8),
    (3, 6, 1, 5, 7),
    (6, 6, 2, 7, 5),
]


def block_params(c_in, c_out, stride, dtype, rng):
    """Random weights named as torchvision's BasicBlock.state_dict()."""

    def bn(name, c):
        return {
            f"{name}.weight": rng.uniform(0.5, 1.5, c),
            f"{name}.bias": rng.normal(0, 0.3, c),
            f"{name}.running_mean": rng.normal(0, 0.3, c),
            f"{name}.running_var": rng.uniform(0.5, 2.0, c),
        }

    p = {
        "conv1.weight": rng.standard_normal((c_out, c_in, 3, 3)) * np.sqrt(2 / (9 * c_in)),
        **bn("bn1", c_out),
        "conv2.weight": rng.standard_normal((c_out, c_out, 3, 3)) * np.sqrt(2 / (9 * c_out)),
        **bn("bn2", c_out),
    }
    if stride != 1 or c_in != c_out:
        p["downsample.0.weight"] = rng.standard_normal((c_out, c_in, 1, 1)) * np.sqrt(2 / c_in)
        p.update(bn("downsample.1", c_out))
    return {k: v.astype(dtype) for k, v in p.items()}


def _label(c_in, c_out, stride):
    kind = "projection" if stride != 1 or c_in != c_out else "identity"
    return f"{kind}_{c_in}to{c_out}_stride{stride}"


NOTES = {
    "identity": "C_in == C_out, stride 1: the shortcut is x itself",
    "projection": "stride 2 or C_in != C_out: the shortcut is downsample.1(downsample.0(x)), a 1x1 conv with the stride, then BN",
}


def forward_cases():
    seed = 16000
    for c_in, c_out, stride, h, w in BLOCKS:
        for dtype in ("float32", "float64"):
            seed += 1
            rng = np.random.default_rng(seed)
            params = block_params(c_in, c_out, stride, dtype, rng)
            x = rng.standard_normal((2, c_in, h, w)).astype(dtype)
            label = _label(c_in, c_out, stride)
            for training in (True, False):
                yield Case(
                    f"{label}_{'train' if training else 'eval'}",
                    (x, params, stride),
                    {"training": training},
                    seed=seed,
                    note=NOTES[label.split("_")[0]] + ("" if training else "; eval: BN with the running statistics"),
                )


def backward_cases():
    seed = 16100
    for c_in, c_out, stride, h, w in BLOCKS:
        for dtype in ("float32", "float64"):
            seed += 1
            rng = np.random.default_rng(seed)
            params = block_params(c_in, c_out, stride, dtype, rng)
            x = rng.standard_normal((2, c_in, h, w)).astype(dtype)
            dout = rng.standard_normal((2, c_out, (h - 1) // stride + 1, (w - 1) // stride + 1)).astype(dtype)
            label = _label(c_in, c_out, stride)
            yield Case(
                label,
                (dout, x, params, stride),
                seed=seed,
                note="dx sums the residual branch's gradient and the shortcut's (dout * relu', unchanged, for the identity)",
            )


def block_count_cases():
    for c_in, c_out, stride in [(64, 64, 1), (64, 128, 2), (128, 128, 1), (3, 16, 1), (256, 256, 2)]:
        yield Case(
            _label(c_in, c_out, stride),
            (c_in, c_out, stride),
            note="64 -> 64: 73,984; the convs have no bias (the BN after each has one)" if c_in == c_out == 64 else "",
        )


def resnet_count_cases():
    yield Case("resnet18", ((2, 2, 2, 2), 1000), note="torchvision's resnet18: 11,689,512")
    yield Case("resnet34", ((3, 4, 6, 3), 1000))
    yield Case("resnet18_10_classes", ((2, 2, 2, 2), 10))
    yield Case("one_block_per_stage_grayscale", ((1, 1, 1, 1), 100), {"in_channels": 1})


def _count_with_conv_bias(c_in, c_out, stride=1):
    from reference_impls.numpy.resnet_block import (
        basic_block_param_count,
        has_projection,
    )

    return (
        basic_block_param_count(c_in, c_out, stride) + 2 * c_out + (c_out if has_projection(c_in, c_out, stride) else 0)
    )


def _count_without_projection(c_in, c_out, stride=1):
    return 9 * c_in * c_out + 9 * c_out * c_out + 4 * c_out


def _raised_on_projection(case, actual, expected):
    """The learner's code failed to broadcast on a case that needs the projection (x added as it is)."""
    params = next((a for a in case.args if isinstance(a, dict)), {})
    return (
        "downsample.0.weight" in params
        and getattr(actual, "type", None) == "ValueError"
        and "broadcast" in actual.message
    )


PROJECTION_HINT = (
    "shortcut without the 1x1 projection: when the stride is 2 or C_in != C_out, the shortcut is "
    "downsample.1(downsample.0(x)), a 1x1 conv with the block's stride followed by its BN"
)

EXERCISE = Exercise.of(
    info("resnet_block"),
    task="""ResNet's basic block (He et al. 2016), as torchvision's BasicBlock, on x (N, C_in, H, W):

    out = relu( bn2(conv2( relu(bn1(conv1(x))) )) + shortcut(x) )

conv1 is 3x3 with stride s and padding 1, conv2 3x3 with stride 1 and padding 1, neither with a
bias. shortcut(x) = x when s == 1 and C_in == C_out; otherwise the projection
downsample.1(downsample.0(x)): a 1x1 conv with stride s, then BN. The ReLU comes AFTER the sum.
params is a dict named as torchvision's state_dict: conv1.weight (C_out, C_in, 3, 3),
bn1.weight / bn1.bias / bn1.running_mean / bn1.running_var (C_out,), conv2.weight, bn2.*,
downsample.0.weight (C_out, C_in, 1, 1) and downsample.1.* (present only with a projection).

1. basic_block_forward(x, params, stride, training, eps): BN with the batch statistics (biased
   variance) when training, else the running ones. Out (N, C_out, (H-1)//s + 1, (W-1)//s + 1), x's dtype.
2. basic_block_backward(dout, x, params, stride, eps): training mode; (dx, grads), grads a dict
   with a key per learnable weight (conv*.weight, bn*.weight, bn*.bias and downsample.*.weight /
   .bias), shaped like it. The sum sends the same gradient into both branches: with an identity
   shortcut, dx is dout * relu' passed through unchanged plus what the residual branch adds (the
   gradient flow the exercise asks you to analyse: with bn2.weight = 0 the branch adds nothing).
3. basic_block_param_count(c_in, c_out, stride) and resnet_param_count(layers, num_classes,
   in_channels): learnable parameters. A ResNet: a 7x7 stride-2 conv (in_channels -> 64, no bias)
   + BN, max-pool, 4 stages of `layers[i]` blocks with 64, 128, 256, 512 channels (the first block
   of stages 2-4 has stride 2), global average pool, fc. ResNet-18 has 11,689,512.

Reuse your conv2d / conv2d_backward and batchnorm code (paste it in). The checks compare
outputs, dx, every gradient and the counts with the reference's.""",
    entry_points=(
        EntryPoint(
            "basic_block_forward",
            "(x, params, stride=1, training=True, eps=1e-5)",
            "x (N, C_in, H, W) -> (N, C_out, H', W'), x's dtype.",
        ),
        EntryPoint(
            "basic_block_backward",
            "(dout, x, params, stride=1, eps=1e-5)",
            "(dx, grads): grads maps every learnable weight's name to its gradient (training mode).",
        ),
        EntryPoint("basic_block_param_count", "(c_in, c_out, stride=1)", "Learnable parameters of one block, an int."),
        EntryPoint(
            "resnet_param_count",
            "(layers=(2, 2, 2, 2), num_classes=1000, in_channels=3)",
            "Learnable parameters of a basic-block ResNet, an int.",
        ),
    ),
    checks=(
        Check(
            "forward",
            "basic_block_forward",
            forward_cases,
            tolerance=LOOSE,
            description="identity 4 -> 4; projections 4 -> 8 stride 2, 3 -> 6 stride 1, 6 -> 6 stride 2; "
            "odd sizes; train and eval; float32/64",
        ),
        Check(
            "backward",
            "basic_block_backward",
            backward_cases,
            tolerance=LOOSE,
            description="the same blocks, float32/64: dx and every weight's gradient",
        ),
        Check(
            "block_count",
            "basic_block_param_count",
            block_count_cases,
            description="64 -> 64 (73,984), 64 -> 128 stride 2, 128 -> 128, 3 -> 16, 256 -> 256 stride 2",
        ),
        Check(
            "resnet_count",
            "resnet_param_count",
            resnet_count_cases,
            description="ResNet-18 (11,689,512), ResNet-34, 10 classes, (1, 1, 1, 1) grayscale",
        ),
    ),
    probes=(
        Probe(PROJECTION_HINT, impl="wrong/resnet_block/option_a_shortcut.py", checks=("forward",)),
        Probe(PROJECTION_HINT, when=_raised_on_projection, checks=("forward", "backward")),
        Probe(
            "the block's last ReLU comes AFTER the addition: relu(bn2(conv2(...)) + shortcut(x))",
            impl="wrong/resnet_block/relu_before_add.py",
            checks=("forward",),
        ),
        Probe(
            "the stride goes on conv1 (and on the 1x1 projection), not on conv2",
            impl="wrong/resnet_block/stride_on_conv2.py",
            checks=("forward",),
        ),
        Probe(
            "dx must include the shortcut's gradient: the sum passes g = dout * (out > 0) to BOTH branches, so "
            "dx = (residual branch's dx) + g (identity) or + the projection's dx",
            impl="wrong/resnet_block/no_shortcut_grad.py",
            checks=("backward",),
        ),
        Probe(
            "eval mode normalizes with the RUNNING statistics (bn*.running_mean / running_var), not the batch's: "
            "pass training on to every batch norm",
            impl="wrong/resnet_block/eval_uses_batch_stats.py",
            checks=("forward",),
        ),
        Probe(
            "batch norm's dx includes the paths through the batch mean and variance: "
            "dx = gamma rstd (dy - mean(dy) - xhat mean(dy xhat)), each mean over (N, H, W)",
            impl="wrong/resnet_block/bn_backward_stats_constant.py",
            checks=("backward",),
        ),
        Probe(
            "counted conv biases: a conv followed by BN has none (bias=False), the BN's beta does that job",
            impl={"basic_block_param_count": _count_with_conv_bias},
            checks=("block_count",),
        ),
        Probe(
            "the projection's parameters are missing: a 1x1 conv (C_in C_out) and its BN (2 C_out) when the stride "
            "is 2 or the channels change",
            impl={"basic_block_param_count": _count_without_projection},
            checks=("block_count",),
        ),
    ),
    equivalent_mutants=(
        *(
            Equivalent(
                "resnet_param_count",
                "2 if stage > 0 and b == 0 else 1",
                edit,
                "a stage's first block doubles the channels (c_in != c_out), so it has its projection whatever its "
                "stride; the stride changes no parameter count",
            )
            for edit in ("stage > 1 and", "3 if stage", "1 if stage")
        ),
        Equivalent(
            "_bn",
            "training, 0.1, eps)[0]",
            "training, 0.2, eps)[0]",
            "_bn keeps only the normalized output ([0]); the momentum moves only the running statistics it drops",
        ),
    ),
)
