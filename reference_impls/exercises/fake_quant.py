"""Exercise: fake quantization with a straight-through estimator, the forward and backward of QAT."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe


def _forward_backward(impl, x, w, scale, zero_point, quant_min, quant_max):
    """out = fake_quantize(x, ...), then the gradient of sum(out * w) with respect to x."""
    import torch

    X = torch.from_numpy(x).clone().requires_grad_()
    s = torch.from_numpy(scale) if isinstance(scale, np.ndarray) else scale
    z = torch.from_numpy(zero_point) if isinstance(zero_point, np.ndarray) else zero_point
    out = impl.fake_quantize(X, s, z, quant_min, quant_max)
    grad = torch.zeros_like(X)
    if out.requires_grad:
        (out * torch.from_numpy(w)).sum().backward()
        grad = X.grad if X.grad is not None else grad
    return {"out": out.detach().numpy().copy(), "grad": grad.numpy().copy()}


def cases():
    rng = np.random.default_rng(1600)

    def xw(shape, scale=2.0, dtype="float32"):
        return (rng.standard_normal(shape) * scale).astype(dtype), rng.standard_normal(shape).astype(dtype)

    yield Case(
        "int8_no_clamping",
        (*xw((4, 8)), 0.125, 0, -128, 127),
        seed=1600,
        note="range [-16, 15.875] covers every x: the gradient passes everywhere",
    )
    yield Case(
        "int4_clamped",
        (*xw((4, 8)), 0.25, 0, -8, 7),
        seed=1600,
        note="range [-2, 1.75]: values outside are clamped and get zero gradient",
    )
    yield Case(
        "uint8_zero_point",
        (*xw((3, 10), dtype="float64"), 0.05, 100, 0, 255),
        seed=1600,
        note="asymmetric: q = round(x / s) + z in [0, 255], y = (q - z) s",
    )
    yield Case(
        "at_the_edges",
        (
            np.array([-2.2, -2.0, -1.9, 1.74, 1.8, 1.9, 0.1], dtype="float32"),
            np.ones(7, dtype="float32"),
            0.25,
            0,
            -8,
            7,
        ),
        note="1.8 / 0.25 = 7.2 rounds to 7: inside, gradient 1; 1.9 -> 8 is clamped: gradient 0",
    )
    scale = np.array([[0.01], [0.05], [0.1], [0.5]], dtype="float32")
    zp = np.array([[0], [3], [-3], [0]], dtype="float32")
    yield Case(
        "per_channel",
        (*xw((4, 12)), scale, zp, -128, 127),
        seed=1600,
        note="scale and zero_point tensors of shape (4, 1): one per row, broadcast",
    )


# -- known mistakes ---------------------------------------------------------------------------------


def _no_ste(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    import torch

    return (torch.clamp(torch.round(x / scale) + zero_point, quant_min, quant_max) - zero_point) * scale


def _ste_everywhere(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    import torch

    fq = (torch.clamp(torch.round(x / scale) + zero_point, quant_min, quant_max) - zero_point) * scale
    return x + (fq - x).detach()


def _no_zero_point(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    import torch

    from reference_impls.torch.fake_quant import fake_quantize

    return fake_quantize(x, scale, torch.zeros_like(torch.as_tensor(zero_point)), quant_min, quant_max)


def _ste_mask(of_rounded=True, with_zero_point=True):
    """The STE with its pass-through mask computed on x / s + z before rounding, or on round(x / s) without z."""

    def fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127):
        import torch

        from reference_impls.torch.fake_quant import fake_quantize as reference

        v = x / scale
        v = torch.round(v) if of_rounded else v
        v = v + zero_point if with_zero_point else v
        inside = (v >= quant_min) & (v <= quant_max)
        y = reference(x, scale, zero_point, quant_min, quant_max)
        return y.detach() + (x - x.detach()) * inside  # forward y, gradient 1 where `inside`

    return fake_quantize


def _gradient_count(case, actual, expected) -> bool:
    return "incorrect number of gradients" in str(getattr(actual, "message", ""))


EXERCISE = Exercise.of(
    info("fake_quant"),
    preamble="import torch\n",
    task="""Quantization-aware training: the forward pass sees quantized values, the backward still learns.

`fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127)`, a torch.autograd.Function:
- forward: q = round(x / scale) + zero_point; y = (clamp(q, quant_min, quant_max) - zero_point) * scale
  (quantize and dequantize at once: y is float, but takes only 2^bits values).
- backward, the straight-through estimator: round() has zero derivative almost everywhere, so
  pretend it is the identity: dL/dx = dL/dy where quant_min <= q <= quant_max, and 0 where the
  clamp cut the value (a small change of x would not change y there).
scale and zero_point are numbers, or tensors that broadcast against x (per channel).

Checked on the output and on the gradient of sum(y * w); the reference equals
torch.fake_quantize_per_tensor_affine and fake_quantize_per_channel_affine, forward and backward
(tests/reference/test_quantize.py). Careful with the shortcut y = x + (fq(x) - x).detach(): right
forward, wrong backward.""",
    entry_points=(
        EntryPoint(
            "fake_quantize",
            "(x, scale, zero_point=0, quant_min=-128, quant_max=127)",
            "Quantize-dequantize x (its dtype and shape), with the straight-through gradient.",
        ),
    ),
    checks=(
        Check(
            "forward_backward",
            "fake_quantize",
            cases,
            call=_forward_backward,
            description="int8 unclamped, int4 clamped, uint8 with zero-point (float64), the clamp edges, per-channel scales",
        ),
    ),
    probes=(
        Probe(
            "the gradient is zero everywhere: round() has zero derivative, so autograd stops; pass the gradient "
            "straight through (a torch.autograd.Function whose backward returns grad_output)",
            impl={"fake_quantize": _no_ste},
        ),
        Probe(
            "the gradient also flows where the value was clamped: the STE passes it only where "
            "quant_min <= round(x / s) + z <= quant_max (x + (fq - x).detach() gets this wrong)",
            impl={"fake_quantize": _ste_everywhere},
        ),
        Probe(
            "the gradient mask tests x / scale before rounding: 7.2 rounds to 7, inside the range, so it passes the "
            "gradient; test the rounded q = round(x / scale) + zero_point against [quant_min, quant_max]",
            impl={"fake_quantize": _ste_mask(of_rounded=False)},
        ),
        Probe(
            "the gradient mask leaves out the zero-point: test q = round(x / scale) + zero_point, the value the clamp "
            "sees, against [quant_min, quant_max]",
            impl={"fake_quantize": _ste_mask(with_zero_point=False)},
        ),
        Probe(
            "backward returns one gradient per input of forward: grad_output (masked) for x, then None for scale, "
            "zero_point, quant_min and quant_max",
            when=_gradient_count,
        ),
        Probe(
            "the zero-point was ignored: add it before the clamp and subtract it after",
            impl={"fake_quantize": _no_zero_point},
        ),
    ),
)
