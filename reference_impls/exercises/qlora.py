"""Exercise: a QLoRA linear layer: a frozen NF4 base, dequantized in the forward pass, plus trainable LoRA."""

import math

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe

CONFIGS = [  # name, d_out, d_in, r, alpha, bias, compute dtype, dtype of x
    ("r4_alpha8_float32", 12, 64, 4, 8.0, True, "float32", "float32"),
    ("r1_no_bias_float64", 5, 24, 1, 1.0, False, "float64", "float64"),
    ("r8_alpha32_float64_x_float32", 16, 48, 8, 32.0, True, "float64", "float32"),
]


def _build(impl, w, b, r, alpha, compute_dtype, lora):
    """Your QLoRALinear on the case's W0 and bias, with the case's A and B copied in (by name)."""
    import torch

    layer = impl.QLoRALinear(
        torch.from_numpy(w),
        None if b is None else torch.from_numpy(b),
        r=r,
        alpha=alpha,
        compute_dtype=getattr(torch, compute_dtype),
    ).eval()  # a lora_dropout (PEFT's option) is off, as at inference; gradients flow all the same
    with torch.no_grad():
        layer.lora_A.copy_(torch.from_numpy(lora["lora_A"]))
        layer.lora_B.copy_(torch.from_numpy(lora["lora_B"]))
    return layer


def layer_cases():
    for k, (name, d_out, d_in, r, alpha, bias, dtype, x_dtype) in enumerate(CONFIGS):
        rng = np.random.default_rng(4600 + k)
        w = (rng.standard_normal((d_out, d_in)) * 0.05).astype("float32")
        b = rng.standard_normal(d_out).astype("float32") if bias else None
        lora = {"lora_A": rng.standard_normal((r, d_in)) * 0.3, "lora_B": rng.standard_normal((d_out, r)) * 0.3}
        x = rng.standard_normal((2, 3, d_in)).astype(x_dtype)
        yield Case(
            name,
            (w, b, r, alpha, dtype, {n: v.astype(dtype) for n, v in lora.items()}, x),
            seed=4600 + k,
            note=f"scaling alpha / r = {alpha / r:g}; W0 ({d_out}, {d_in}) in NF4 blocks of 64"
            + ("; 120 weights: the last block is short" if d_in == 24 else "")
            + f"; computed in {dtype}"
            + (f" on x in {x_dtype}: cast x to the compute dtype" if x_dtype != dtype else ""),
        )


def _forward(impl, w, b, r, alpha, dtype, lora, x):
    import torch

    layer = _build(impl, w, b, r, alpha, dtype, lora)
    out = layer(torch.from_numpy(x)).detach()
    return {"output": out.numpy().copy(), "dtype": str(out.dtype)}


def _grads(impl, w, b, r, alpha, dtype, lora, x):
    """Which tensors train, and the gradients of sum(out * g) for A, B and the input."""
    import torch

    layer = _build(impl, w, b, r, alpha, dtype, lora)
    X = torch.from_numpy(x).requires_grad_()
    out = layer(X)
    g = torch.from_numpy(np.random.default_rng(0).standard_normal(tuple(out.shape))).to(out.dtype)
    (out * g).sum().backward()
    return {
        "trainable": sorted(n for n, p in layer.named_parameters() if p.requires_grad),
        "grad_A": layer.lora_A.grad.numpy().copy(),
        "grad_B": layer.lora_B.grad.numpy().copy(),
        "grad_x": X.grad.numpy().copy(),
    }


def _storage(impl, w, b, r, alpha, dtype, lora, x):
    """The base as the layer keeps it: no float copy of W0 anywhere; the weight the forward pass uses."""

    layer = _build(impl, w, b, r, alpha, dtype, lora)
    float_copies = sorted(
        n for n, t in layer.state_dict().items() if t.is_floating_point() and tuple(t.shape) == w.shape
    )
    return {
        "float_copies_of_W0": float_copies,
        "dequantized_weight": layer.dequantized_weight().detach().numpy().copy(),
        "weight_dtype": str(layer.dequantized_weight().dtype),
    }


def _init(impl, d_out, d_in, r, seed):
    """A fresh layer: it computes exactly the dequantized base (B = 0) and A is random, uniform in
    +-1/sqrt(d_in) (Kaiming-uniform with a = sqrt(5): bound sqrt(6 / ((1 + a^2) d_in)) = 1/sqrt(d_in))."""
    import torch

    torch.manual_seed(seed)
    w = torch.randn(d_out, d_in) * 0.05
    layer = impl.QLoRALinear(w, None, r=r).eval()
    x = torch.randn(3, d_in)
    base = x @ layer.dequantized_weight().T
    # r * d_in >= 256 draws: the largest |A| lies above 0.95 of the bound unless the bound is smaller
    peak = float(layer.lora_A.detach().abs().max()) * math.sqrt(d_in)
    return {
        "A_fills_plus_minus_1_over_sqrt_d_in": 0.95 <= peak <= 1.0,
        "equals_the_base": bool(torch.equal(layer(x).detach(), base.detach())),
        "A_is_not_zero": bool(layer.lora_A.abs().sum() > 0),
        "lora_shapes": [list(layer.lora_A.shape), list(layer.lora_B.shape)],
    }


def init_cases():
    yield Case(
        "12_by_64_r4",
        (12, 64, 4, 0),
        seed=0,
        note="B starts at 0: the layer starts as the quantized base; A uniform in +-1/sqrt(d_in)",
    )
    yield Case("3_by_128_r2", (3, 128, 2, 1), seed=1)


# -- known mistakes ---------------------------------------------------------------------------------


def _wrong(scaling=None, float_in=False):
    import torch
    import torch.nn.functional as F

    from reference_impls.torch.qlora import QLoRALinear

    class Wrong(QLoRALinear):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if scaling is not None:
                self.scaling = scaling(kwargs.get("r", 8), kwargs.get("alpha", 16.0))

        def forward(self, x):
            if not float_in:
                return super().forward(x)
            w = self.dequantized_weight().float()  # dequantized to float32 whatever the compute dtype
            out = F.linear(x.float(), w, None if self.bias is None else self.bias.float())
            return (out + (x.float() @ self.lora_A.float().T @ self.lora_B.float().T) * self.scaling).to(torch.float32)

    return Wrong


def _float_copy(case, actual, expected) -> bool:
    """The layer's state dict holds a float tensor of W0's shape."""
    return isinstance(actual, dict) and bool(actual.get("float_copies_of_W0"))


def _dtype_mismatch(case, actual, expected) -> bool:
    """A matmul of two dtypes: x, the bias or the dequantized weight not in the compute dtype."""
    message = str(getattr(actual, "message", ""))
    return getattr(actual, "type", None) == "RuntimeError" and (
        "same dtype" in message or "expected scalar type" in message
    )


def _variant(**flags):
    """A probe's impl: QLoRALinear(...) builds the wrong class on first use (torch is not imported at import time)."""
    return {"QLoRALinear": lambda *args, **kwargs: _wrong(**flags)(*args, **kwargs)}


EXERCISE = Exercise.of(
    info("qlora"),
    preamble="import math\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n"
    "from reference_impls.torch.nf4 import nf4_dequantize, nf4_quantize  # the nf4 exercise's reference, reused\n",
    task="""QLoRA (Dettmers et al. 2023) fine-tunes a model whose frozen weights are stored in 4-bit NF4:
Y = X dequant(W_NF4)^T + b + (alpha / r) X A^T B^T. Only A and B train; W0 is rebuilt from its codes in
every forward pass, in the compute dtype, and never kept in float.

`QLoRALinear(weight, bias=None, r=8, alpha=16.0, blocksize=64, compute_dtype=torch.float32)`, an
nn.Module:
- __init__: quantize `weight` (d_out, d_in) once with nf4_quantize(weight, blocksize) (given, from
  reference_impls.torch.nf4) and keep only the codes and absmax, as buffers (register_buffer): no
  float copy of W0, no Parameter for it. The bias, if any, as a buffer in the compute dtype. LoRA:
  `lora_A` (r, d_in) Kaiming-uniform with a = sqrt(5), as nn.Linear (uniform in +-1/sqrt(d_in)), and `lora_B` (d_out, r) zeros, both
  nn.Parameters in the compute dtype; `self.scaling = alpha / r`.
- dequantized_weight(): nf4_dequantize(codes, absmax, (d_out, d_in), blocksize) in the compute dtype.
- forward(x): cast x (of any float dtype) to the compute dtype; x W^T + b with the dequantized W, plus scaling * (x A^T) B^T.
  Gradients reach A, B and x, never W0.

The checks copy A and B into your layer by these names, then compare outputs, gradients and what
the layer stores, with the layer in eval mode (a lora_dropout, as PEFT offers, is off).
tests/reference/test_qlora_reference.py checks the reference against a float LoRA
layer whose W0 is the dequantized weight (forward and backward) and with gradcheck.""",
    entry_points=(
        EntryPoint(
            "QLoRALinear",
            "(self, weight, bias=None, r=8, alpha=16.0, blocksize=64, compute_dtype=torch.float32)",
            "A frozen NF4 base (codes and absmax buffers) plus trainable lora_A, lora_B; scaling = alpha / r.",
            kind="class",
            base="nn.Module",
            methods=(
                EntryPoint("dequantized_weight", "(self)", "W0 from its NF4 codes, (d_out, d_in), compute dtype."),
                EntryPoint("forward", "(self, x)", "x (..., d_in) -> (..., d_out) in the compute dtype."),
            ),
        ),
    ),
    checks=(
        Check(
            "init",
            "QLoRALinear",
            init_cases,
            call=_init,
            description="fresh layers: exactly the dequantized base at init, A random, the adapter shapes",
        ),
        Check(
            "storage",
            "QLoRALinear",
            layer_cases,
            call=_storage,
            description="no float copy of W0 in the state dict; the dequantized weight in the compute dtype",
        ),
        Check(
            "forward",
            "QLoRALinear",
            layer_cases,
            call=_forward,
            description="r 4 / 1 / 8, alpha / r 2 / 1 / 4, with and without bias, float32 and float64, x (2, 3, d_in)",
        ),
        Check(
            "gradients",
            "QLoRALinear",
            layer_cases,
            call=_grads,
            description="only lora_A and lora_B train; their gradients and the input's",
        ),
    ),
    probes=(
        Probe(
            "scaled by alpha instead of alpha / r",
            impl="wrong/qlora/alpha_not_divided.py",
            checks=("forward", "gradients"),
        ),
        Probe(
            "scaled by r / alpha: the LoRA scaling is alpha / r",
            impl=_variant(scaling=lambda r, alpha: r / alpha),
            checks=("forward", "gradients"),
        ),
        Probe(
            "the base weight trains: keep W0 only as NF4 codes and absmax in buffers (register_buffer), so no "
            "gradient reaches it; only lora_A and lora_B are Parameters",
            impl="wrong/qlora/trainable_base.py",
            checks=("gradients",),
        ),
        Probe(
            "a float copy of W0 is kept in the layer: QLoRA stores only the NF4 codes and absmax and dequantizes "
            "in every forward; a cached or frozen float weight (even with requires_grad=False) costs the memory "
            "that 4-bit storage saves",
            when=_float_copy,
            checks=("storage",),
        ),
        Probe(
            "two dtypes met in a matmul: cast x to the compute dtype (x.to(self.compute_dtype)) and keep the bias "
            "and the dequantized weight in it",
            when=_dtype_mismatch,
            checks=("forward", "gradients"),
        ),
        Probe(
            "lora_A drawn with kaiming_uniform_'s default a = 0 (uniform in +-sqrt(6 / d_in)): pass a=math.sqrt(5), "
            "as nn.Linear and PEFT do, for +-1/sqrt(d_in)",
            impl="wrong/qlora/kaiming_default_a.py",
            checks=("init",),
        ),
        Probe(
            "computed in float32 whatever compute_dtype says: dequantize W0 to the compute dtype and cast x to it",
            impl=_variant(float_in=True),
            checks=("forward",),
        ),
    ),
)
