"""Exercise: a LoRA linear layer: frozen W0 plus a trainable low-rank B A; merge / unmerge; parameter counts."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh

NAMES = ("weight", "bias", "lora_A", "lora_B")


def _build(impl, weights, in_features, out_features, r, alpha, bias):
    """impl.LoRALinear with the given weights copied in (the names are part of the task), in eval mode: a
    lora_dropout (loralib's and PEFT's option) is off, as at inference; gradients flow all the same."""
    import torch

    layer = impl.LoRALinear(in_features, out_features, r=r, alpha=alpha, bias=bias).eval()
    with torch.no_grad():
        for name, value in weights.items():
            getattr(layer, name).copy_(torch.from_numpy(value))
    return layer


def _weights(seed, d_in, d_out, r, bias=True):
    rng = np.random.default_rng(seed)
    w = {
        "weight": rng.standard_normal((d_out, d_in)) * 0.3,
        "lora_A": rng.standard_normal((r, d_in)) * 0.3,
        "lora_B": rng.standard_normal((d_out, r)) * 0.3,
    }
    if bias:
        w["bias"] = rng.standard_normal(d_out)
    return {k: v.astype("float32") for k, v in w.items()}


CONFIGS = [
    ("r4_alpha8", 12, 20, 4, 8.0, True),
    ("r1_alpha1_no_bias", 6, 3, 1, 1.0, False),
    ("r8_alpha32", 16, 16, 8, 32.0, True),
    ("r3_alpha8", 10, 7, 3, 8.0, True),
]


def layer_cases():
    for k, (name, d_in, d_out, r, alpha, bias) in enumerate(CONFIGS):
        x = np.random.default_rng(2500 + k).standard_normal((2, 5, d_in)).astype("float32")
        yield Case(
            name,
            (_weights(2500 + k, d_in, d_out, r, bias), x, d_in, d_out, r, alpha, bias),
            seed=2500 + k,
            note=f"scaling alpha / r = {alpha / r:g}; x (2, 5, {d_in}): any leading dims"
            + ("; alpha / r not an integer (alpha // r truncates it)" if alpha % r else ""),
        )
    # drawn afresh each run: widths (1 and odd included), rank, alpha, bias, leading dims of x
    for rng, (d_in, d_out, r), _, s in fresh([(12, 20, 4), (6, 3, 1)], ("float32",), seed=2550, n=2):
        alpha, bias = float(rng.choice([1.0, 4.0, 8.0, 16.0, 32.0])), bool(rng.integers(2))
        x = rng.standard_normal(tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 3)))) + (d_in,))
        yield Case(
            "fresh",
            (_weights(s, d_in, d_out, r, bias), x.astype("float32"), d_in, d_out, r, alpha, bias),
            seed=s,
            note=f"r = {r}, alpha = {alpha:g}, bias={bias}",
        )


def _forward(impl, weights, x, *cfg):
    import torch

    return _build(impl, weights, *cfg)(torch.from_numpy(x)).detach().numpy().copy()


def _merge(impl, weights, x, *cfg):
    """The output before merge(), after it, the merged weight, the weight and the output after unmerge()."""
    import torch

    layer = _build(impl, weights, *cfg)
    X = torch.from_numpy(x)
    before = layer(X).detach().numpy().copy()
    layer.merge()
    after, merged = layer(X).detach().numpy().copy(), layer.weight.detach().numpy().copy()
    layer.unmerge()
    return {
        "before": before,
        "after_merge": after,
        "merged_weight": merged,
        "unmerged_weight": layer.weight.detach().numpy().copy(),
        "after_unmerge": layer(X).detach().numpy().copy(),
    }


def _grads(impl, weights, x, *cfg):
    """Which parameters train, and the gradients of sum(out * g)."""
    import torch

    layer = _build(impl, weights, *cfg)
    X = torch.from_numpy(x)
    out = layer(X)
    g = torch.from_numpy(np.random.default_rng(0).standard_normal(out.shape).astype("float32"))
    (out * g).sum().backward()
    trainable = sorted(n for n, p in layer.named_parameters() if p.requires_grad)
    return {
        "trainable": trainable,
        "grad_A": layer.lora_A.grad.numpy().copy(),
        "grad_B": layer.lora_B.grad.numpy().copy(),
    }


def _init(impl, d_in, d_out, r, seed):
    """A fresh layer (no weights copied in): it must compute exactly its frozen Linear."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(seed)
    layer = impl.LoRALinear(d_in, d_out, r=r).eval()
    x = torch.randn(4, d_in)
    shapes = {n: np.array(p.shape) for n, p in layer.named_parameters()}
    out = {
        "equals_the_frozen_linear": bool(torch.equal(layer(x), F.linear(x, layer.weight, layer.bias))),
        "A_is_not_zero": bool(layer.lora_A.abs().sum() > 0),
        "shapes": shapes,
    }
    if r * d_in >= 1024:  # enough draws that the largest |value| comes within 3% of the bound (0.97^1024 ~ 1e-14)
        out["lora_A_init"] = _kaiming_range(layer.lora_A, "lora_A")
        out["weight_init"] = _kaiming_range(layer.weight, "weight")
    return out


def _kaiming_range(t, name):
    """nn.Linear's init, kaiming_uniform_(a=sqrt(5)), draws from U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    ratio = float(t.detach().abs().max()) * t.shape[1] ** 0.5
    if 0.97 <= ratio <= 1 + 1e-6:
        return "uniform on +-1/sqrt(fan_in), as kaiming_uniform_(a=sqrt(5))"
    return f"max |{name}| * sqrt(fan_in) = {ratio:.3f}, not just under 1"


def init_cases():
    yield Case(
        "12_to_20_r4",
        (12, 20, 4, 0),
        seed=0,
        note="B starts at 0 and A random: the update B A starts at 0, A still learns",
    )
    yield Case("64_to_8_r2", (64, 8, 2, 1), seed=1)
    yield Case(
        "256_to_32_r16",
        (256, 32, 16, 2),
        seed=2,
        note="4096 draws of A, 8192 of weight: nn.Linear's init fills +-1/sqrt(d_in)",
    )


def _update(case):
    """The scaled LoRA update of a merge case's x: what forward adds on top of the frozen Linear."""
    weights, x, _d_in, _d_out, r, alpha, _bias = case.args
    return (x @ weights["lora_A"].T @ weights["lora_B"].T) * (alpha / r)


def _counts(impl, d_in, d_out, r):
    return np.array(impl.lora_parameter_count(d_in, d_out, r), dtype=np.int64)


def count_cases():
    yield Case("module_1.3_exercise_3", (2048, 8192, 16), note="163,840 against 16,777,216: 102.4 times fewer")
    yield Case("square_4096_r8", (4096, 4096, 8))
    yield Case("tiny", (3, 5, 1))
    for _, (d_in, d_out, r), _, s in fresh([(2048, 8192, 16), (3, 5, 1)], ("int64",), seed=2600, n=1):
        yield Case("fresh", (d_in, d_out, r), seed=s)


# -- known mistakes ---------------------------------------------------------------------------------


def _wrong(
    scaling_is_alpha=False,
    b_random=False,
    trainable_base=False,
    merge_unscaled=False,
    scaling_inverted=False,
    adds_when_merged=False,
    a_zero=False,
    floor_division=False,
    forward_transposed=False,
    merge_transposed=False,
):
    import math

    import torch
    import torch.nn.functional as F
    from torch import nn

    class LoRALinear(nn.Module):
        def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(out_features, in_features), requires_grad=trainable_base)
            self.bias = nn.Parameter(torch.zeros(out_features), requires_grad=trainable_base) if bias else None
            self.lora_A = nn.Parameter(torch.empty(r, in_features))
            self.lora_B = nn.Parameter(torch.zeros(out_features, r))
            self.scaling = alpha if scaling_is_alpha else r / alpha if scaling_inverted else alpha / r
            if floor_division:
                self.scaling = alpha // r
            nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
            if b_random:
                nn.init.kaiming_uniform_(self.lora_B, a=math.sqrt(5))
            if a_zero:
                nn.init.zeros_(self.lora_A)
            self.merged = False

        def forward(self, x):
            out = F.linear(x, self.weight, self.bias)
            return (
                out
                if self.merged and not adds_when_merged
                else out
                + (x @ (self.lora_B @ self.lora_A) if forward_transposed else x @ self.lora_A.T @ self.lora_B.T)
                * self.scaling
            )

        @torch.no_grad()
        def merge(self):
            delta = (self.lora_B @ self.lora_A).T if merge_transposed else self.lora_B @ self.lora_A
            self.weight += delta * (1.0 if merge_unscaled else self.scaling)
            self.merged = True

        @torch.no_grad()
        def unmerge(self):
            delta = (self.lora_B @ self.lora_A).T if merge_transposed else self.lora_B @ self.lora_A
            self.weight -= delta * (1.0 if merge_unscaled else self.scaling)
            self.merged = False

    return LoRALinear


def _shape_error(case, actual, expected) -> bool:
    """The learner's code raised a shape mismatch (matmul or broadcast) on a layer with d_in != d_out."""
    message = str(getattr(actual, "message", ""))
    return getattr(actual, "type", None) == "RuntimeError" and any(
        phrase in message for phrase in ("cannot be multiplied", "must match the size", "broadcast shape")
    )


TRANSPOSED_HINT = (
    "the LoRA product transposed: lora_A is (r, d_in) and lora_B (d_out, r), so B A is (d_out, d_in) like "
    "weight: merge adds scaling * (lora_B @ lora_A) to weight, forward adds x @ lora_A.T @ lora_B.T; "
    "one transpose too many or too few runs only where d_in == d_out"
)


def _trainable_extra(case, actual, expected) -> bool:
    """Parameters other than lora_A and lora_B require grad."""
    return isinstance(actual, dict) and bool(set(actual.get("trainable", ())) - {"lora_A", "lora_B"})


def _variant(**flags):
    """A probe's impl: LoRALinear(...) builds the wrong class on first use (torch is not imported at import time)."""
    return {"LoRALinear": lambda *args, **kwargs: _wrong(**flags)(*args, **kwargs)}


EXERCISE = Exercise.of(
    info("lora"),
    preamble="import math\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n",
    task="""LoRA (Hu et al. 2021) fine-tunes a frozen W0 by learning a rank-r update:
h = x W0^T + b + (alpha / r) * x A^T B^T, with A (r, d_in) and B (d_out, r).

`LoRALinear(in_features, out_features, r=8, alpha=16.0, bias=True)`, an nn.Module with exactly
these parameters: `weight` (d_out, d_in) and `bias` (d_out,) frozen (requires_grad=False; the
reference inits weight as nn.Linear does, Kaiming-uniform with a = sqrt(5), and bias to zeros: a
pretrained W0 and b are loaded over both), `lora_A` (r, d_in) Kaiming-uniform like nn.Linear's
weight, `lora_B` (d_out, r) zeros, and `self.scaling = alpha / r`.
- forward(x): the frozen Linear plus the scaled update, through the rank-r bottleneck (x A^T first:
  never build the d_out x d_in product in forward).
- merge(): fold the update into weight (W0 += scaling * B A) and stop adding it in forward; unmerge()
  undoes both. Merged or not, the outputs are the same.
`lora_parameter_count(d_in, d_out, r) -> (LoRA parameters, full matrix parameters)`: Module 1.3's
exercise 3 is d_in 2048, d_out 8192, r 16.

The checks copy weights into your layer by these names, then compare outputs, gradients, merges,
with the layer in eval mode (a lora_dropout on the update's input, as loralib and PEFT offer, is off).""",
    entry_points=(
        EntryPoint(
            "LoRALinear",
            "(self, in_features, out_features, r=8, alpha=16.0, bias=True)",
            "A frozen Linear (weight, bias) plus a trainable low-rank update (lora_A, lora_B, scaling).",
            kind="class",
            base="nn.Module",
            methods=(
                EntryPoint("forward", "(self, x)", "x (..., d_in) -> (..., d_out)."),
                EntryPoint("merge", "(self)", "weight += scaling * lora_B @ lora_A; forward stops adding the update."),
                EntryPoint("unmerge", "(self)", "Undo merge()."),
            ),
        ),
        EntryPoint("lora_parameter_count", "(d_in, d_out, r)", "(r * (d_in + d_out), d_in * d_out)."),
    ),
    checks=(
        Check(
            "init",
            "LoRALinear",
            init_cases,
            call=_init,
            description="fresh layers: exactly the frozen Linear at init, A random, the parameter shapes",
        ),
        Check(
            "forward",
            "LoRALinear",
            layer_cases,
            call=_forward,
            description="copied weights, r 4 / 1 / 8 / 3, alpha / r 2 / 1 / 4 / 8/3, with and without bias, x (2, 5, d_in)",
        ),
        Check(
            "merge",
            "LoRALinear",
            layer_cases,
            call=_merge,
            description="outputs before and after merge(), the merged weight, unmerge()",
        ),
        Check(
            "gradients",
            "LoRALinear",
            layer_cases,
            call=_grads,
            description="only lora_A and lora_B train; their gradients",
        ),
        Check(
            "counts",
            "lora_parameter_count",
            count_cases,
            call=_counts,
            description="2048 x 8192 r 16 (163,840 vs 16,777,216), 4096^2 r 8, tiny",
        ),
    ),
    probes=(
        Probe(
            "scaled by alpha instead of alpha / r",
            impl=_variant(scaling_is_alpha=True),
            checks=("forward", "merge", "gradients"),
        ),
        Probe(
            "scaling inverted: r / alpha; the update is scaled by alpha / r",
            impl=_variant(scaling_inverted=True),
            checks=("forward", "merge", "gradients"),
        ),
        Probe(
            "scaling = alpha // r truncates: use true division alpha / r (8 / 3 = 2.67, not 2)",
            impl=_variant(floor_division=True),
            checks=("forward", "merge", "gradients"),
        ),
        Probe(
            "after merge() forward must stop adding the update (it is in weight now, so it counts twice): keep a "
            "`merged` flag, set by merge() and cleared by unmerge()",
            impl=_variant(adds_when_merged=True),
            checks=("merge",),
        ),
        Probe(
            "A and B both start at zero: then both gradients are zero and nothing trains; B starts at zero, A "
            "Kaiming-uniform (as nn.Linear's weight)",
            impl=_variant(a_zero=True),
            checks=("init",),
        ),
        Probe(
            "lora_A (and the frozen weight) start as nn.Linear's weight does: nn.init.kaiming_uniform_(t, "
            "a=math.sqrt(5)), uniform on +-1/sqrt(d_in)",
            when=lambda case, actual, expected: (
                isinstance(actual, dict)
                and any(k in expected and actual.get(k) != expected[k] for k in ("lora_A_init", "weight_init"))
            ),
            checks=("init",),
        ),
        Probe(
            "unmerge() must clear the merged flag: after it, forward adds the update again",
            when=lambda case, actual, expected: (
                isinstance(actual, dict)
                and "after_unmerge" in actual
                and np.allclose(
                    np.asarray(actual["after_unmerge"]), expected["after_unmerge"] - _update(case), atol=1e-4
                )
            ),
            checks=("merge",),
        ),
        Probe(
            "B was initialized randomly: B = 0 makes the layer start exactly as the pretrained one (and A random "
            "keeps the gradient of B non-zero)",
            impl=_variant(b_random=True),
            checks=("init",),
        ),
        Probe(
            "the base weights are trainable: freeze weight and bias (requires_grad=False); only lora_A and lora_B "
            "train",
            when=_trainable_extra,
            checks=("gradients",),
        ),
        Probe(TRANSPOSED_HINT, impl=_variant(forward_transposed=True), checks=("forward", "merge", "gradients")),
        Probe(TRANSPOSED_HINT, impl=_variant(merge_transposed=True), checks=("merge",)),
        Probe(TRANSPOSED_HINT, when=_shape_error, checks=("forward", "merge", "gradients")),
        Probe(
            "merged without the scaling: W0 += (alpha / r) * B A",
            impl="wrong/lora/merge_unscaled.py",
            checks=("merge",),
        ),
    ),
)
