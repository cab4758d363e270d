"""The checks that code cards name: signature, seeded inputs with edge cases, reference, tolerances.

A code card is a small exercise run by `learn verify`'s engine: `code_exercise` turns a check into
an `Exercise` (reference_impls/exercise.py) with one `Check` whose cases are these inputs, and the
verify runner runs it (app/verify/runner.py: the same child process, limits, containment, case
results and comparison, app/verify/compare.py); app/drill/code_runner.py turns the report into the
card's one-line reason. The learner's code runs as a module with the card's imports (torch, F, nn,
np, math) already in its namespace.

Importing this module is cheap (deck validation reads CHECKS in the parent process); torch is only
imported by `cases` and `reference`, which run in the child. Every case list mixes ordinary shapes
with named edge cases (large logits, one element, zero rows, square shapes where a wrong broadcast
goes unnoticed), and every check has at least one case whose reference is far from zero, so an
all-zeros answer never passes (tests/test_drill_code_checks.py).

Outputs are compared by `kind`, after both are made NumPy values:
- "close": a float tensor (or NumPy array, or a Python number for 0-d results) of the reference's
  shape, NaN/inf only where the reference has them, within verify's tolerance for the reference's
  dtype (reference_impls.exercise.TOLERANCES: float32 rtol 1e-5, atol 1e-6), unless the check
  overrides it (`tolerance`, as an exercise's Check does); the dtype itself is not checked;
- "exact": a tensor of the reference's shape and dtype, equal element for element (masks);
- "int": a Python int (or a 0-d integer tensor) equal to the reference;
- "indices": a sequence (list, tuple, 1-D tensor) of ints equal to the reference's, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Case = tuple[str, tuple[Any, ...]]  # (label, positional arguments)

# What the learner's code finds imported (the card says so); its line numbers stay the learner's own.
PREAMBLE = "import math\nimport numpy as np\nimport torch\nimport torch.nn.functional as F\nfrom torch import nn\n"
TIME_LIMIT_S = 5.0
MEMORY_LIMIT_MB = 2048  # as an exercise's default


@dataclass(frozen=True)
class CodeCheck:
    name: str
    signature: str  # what the learner's function looks like, shown on the card
    function: str  # the default name of the learner's function
    cases: Callable[[Any, Any], list[Case]]  # (torch, torch.Generator) -> cases
    reference: Callable[..., Any]
    kind: Literal["close", "exact", "int", "indices"] = "close"
    tolerance: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # dtype -> (rtol, atol) overrides
    seed: int = 0


def _f():
    import torch.nn.functional as F

    return F


# -- inputs ------------------------------------------------------------------------------------------


def _logits_cases(torch, g) -> list[Case]:
    return [
        ("random (2, 3, 5)", (torch.randn(2, 3, 5, generator=g),)),
        ("one row (1, 7)", (3 * torch.randn(1, 7, generator=g),)),
        ("one class (4, 1)", (torch.randn(4, 1, generator=g),)),
        ("large logits up to 1e4", ((torch.rand(2, 4, 6, generator=g) * 2 - 1) * 1e4,)),
        ("equal logits of 50", (torch.full((3, 5), 50.0),)),
        ("float64 (3, 4)", (torch.randn(3, 4, generator=g, dtype=torch.float64),)),
    ]


def _softmax_backward_cases(torch, g) -> list[Case]:
    def pair(logits):
        return logits.softmax(-1), torch.randn(logits.shape, generator=g, dtype=logits.dtype)

    return [
        ("random (2, 3, 5)", pair(torch.randn(2, 3, 5, generator=g))),
        ("one row (1, 10)", pair(torch.randn(1, 10, generator=g))),
        ("peaked softmax (large logits)", pair(torch.randn(4, 6, generator=g) * 30)),
        ("float64 (3, 4)", pair(torch.randn(3, 4, generator=g, dtype=torch.float64))),
    ]


def _cross_entropy_cases(torch, g) -> list[Case]:
    def case(n, c, scale=1.0):
        return scale * torch.randn(n, c, generator=g), torch.randint(0, c, (n,), generator=g)

    return [
        ("random (4, 10)", case(4, 10)),
        ("one sample (1, 3)", case(1, 3)),
        ("large logits (8, 5) x 1e3", case(8, 5, 1e3)),
        ("many classes (16, 100)", case(16, 100)),
    ]


def _bce_cases(torch, g) -> list[Case]:
    def case(*shape, scale=2.0):
        return scale * torch.randn(*shape, generator=g), torch.randint(0, 2, shape, generator=g).float()

    return [
        ("random (8,)", case(8)),
        ("random (4, 5)", case(4, 5)),
        (
            "large logits +-100",
            (torch.tensor([100.0, -100.0, 50.0, -50.0, 0.0, 30.0]), torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 1.0])),
        ),
        ("soft labels in [0, 1] (6, 4)", (2.0 * torch.randn(6, 4, generator=g), torch.rand(6, 4, generator=g))),
        (
            "soft labels 0.5 and 0.9, large logits",
            (torch.tensor([40.0, -40.0, 3.0, -3.0]), torch.tensor([0.5, 0.9, 0.1, 0.5])),
        ),
    ]


def _mse_cases(torch, g) -> list[Case]:
    def case(*shape):
        return torch.randn(*shape, generator=g), torch.randn(*shape, generator=g)

    return [("random (5,)", case(5)), ("random (3, 4)", case(3, 4)), ("random (2, 3, 4)", case(2, 3, 4))]


def _causal_mask_cases(torch, g) -> list[Case]:
    return [("T=1", (1,)), ("T=2", (2,)), ("T=5", (5,)), ("T=16", (16,))]


def _attention_cases(torch, g) -> list[Case]:
    def qkv(b, h, t, d, scale=1.0):
        return tuple(scale * torch.randn(b, h, t, d, generator=g) for _ in range(3))

    return [
        ("(2, 3, 4, 8), causal=False", (*qkv(2, 3, 4, 8), False)),
        ("(2, 3, 4, 8), causal=True", (*qkv(2, 3, 4, 8), True)),
        ("one token (1, 1, 1, 4), causal=True", (*qkv(1, 1, 1, 4), True)),
        ("(1, 2, 16, 32), causal=True", (*qkv(1, 2, 16, 32), True)),
        ("large scores (2, 1, 5, 8) x 4, causal=False", (*qkv(2, 1, 5, 8, 4.0), False)),
        # T_q != T_k (cross-attention, a decode step over a cache): a (T, T) mask or a wrong
        # transpose only shows here.
        ("T_q=3, T_k=7 (2, 2, ., 8), causal=False", (*qkv(2, 2, 3, 8)[:1], *qkv(2, 2, 7, 8)[1:], False)),
        ("one query over 9 keys (1, 4, ., 16), causal=False", (*qkv(1, 4, 1, 16)[:1], *qkv(1, 4, 9, 16)[1:], False)),
    ]


def _layer_norm_cases(torch, g) -> list[Case]:
    def case(x):
        c = x.shape[-1]
        return x, 1 + 0.5 * torch.randn(c, generator=g), torch.randn(c, generator=g)

    return [
        ("random (2, 3, 8)", case(torch.randn(2, 3, 8, generator=g))),
        ("large mean 1e3, small spread (4, 16)", case(1e3 + torch.randn(4, 16, generator=g))),
        ("constant rows (2, 5)", case(torch.full((2, 5), 3.0))),
        ("one feature (3, 1)", case(torch.randn(3, 1, generator=g))),
    ]


def _rms_norm_cases(torch, g) -> list[Case]:
    def case(x):
        return x, 1 + 0.5 * torch.randn(x.shape[-1], generator=g)

    zero_row = torch.randn(2, 4, generator=g)
    zero_row[0] = 0
    return [
        ("random (2, 3, 8)", case(torch.randn(2, 3, 8, generator=g))),
        ("large values x 1e3 (4, 16)", case(1e3 * torch.randn(4, 16, generator=g))),
        ("a zero row (2, 4)", case(zero_row)),
    ]


def _activation_cases(large: float):
    def cases(torch, g) -> list[Case]:
        return [
            ("linspace(-10, 10, 101)", (torch.linspace(-10, 10, 101),)),
            ("random (2, 3, 4)", (torch.randn(2, 3, 4, generator=g),)),
            (f"large values +-{large:g}", (torch.tensor([-large, -20.0, -1e-3, 0.0, 1e-3, 20.0, large]),)),
        ]

    return cases


def _mlp_cases(torch, g) -> list[Case]:
    return [
        ("[784, 256, 10]", ([784, 256, 10],)),
        ("[3, 4]", ([3, 4],)),
        ("[10] (no layers)", ([10],)),
        ("[1, 1, 1, 1]", ([1, 1, 1, 1],)),
        ("[4096, 11008, 4096]", ([4096, 11008, 4096],)),
    ]


def _topk_cases(torch, g) -> list[Case]:
    def distinct(n, offset=0.0):
        return torch.randperm(n, generator=g).float() * 0.5 + offset  # no ties: the order is defined

    return [
        ("n=10, k=3", (distinct(10), 3)),
        ("one element, k=1", (torch.tensor([2.5]), 1)),
        ("negative values, n=8, k=2", (distinct(8, -100.0), 2)),
        ("k=n=12 (full sort)", (distinct(12), 12)),
        ("n=50, k=1", (distinct(50), 1)),
    ]


def _kv_cache_cases(torch, g) -> list[Case]:
    return [
        ("Llama-2-7B, 4096 tokens, fp16", (32, 32, 128, 4096, 1, 2)),
        ("Llama-2-70B (GQA 8 KV heads), 8192 tokens, batch 4, fp16", (80, 8, 128, 8192, 4, 2)),
        ("all ones", (1, 1, 1, 1, 1, 1)),
        ("int8 cache, 32k tokens, batch 8", (28, 4, 128, 32768, 8, 1)),
    ]


def _normalize_rows_cases(torch, g) -> list[Case]:
    def positive(*shape):
        return torch.rand(*shape, generator=g) + 0.1

    return [
        ("random (2, 3, 4)", (positive(2, 3, 4),)),
        ("square (4, 4, 4): a wrong broadcast still runs", (positive(4, 4, 4),)),
        ("one row (1, 1, 5)", (positive(1, 1, 5),)),
        ("one feature (3, 2, 1)", (positive(3, 2, 1),)),
    ]


# -- references --------------------------------------------------------------------------------------


def _softmax_backward(y, dy):
    return y * (dy - (dy * y).sum(dim=-1, keepdim=True))


def _gelu_tanh(x):
    return _f().gelu(x, approximate="tanh")


def _mlp_param_count(sizes):
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def _topk_indices(x, k):
    return x.topk(k).indices.tolist()


def _kv_cache_bytes(layers, kv_heads, head_dim, seq_len, batch, bytes_per_elem):
    return 2 * layers * kv_heads * head_dim * seq_len * batch * bytes_per_elem


def _causal_mask(t):
    import torch

    return torch.ones(t, t, dtype=torch.bool).tril()


def _rms_norm(x, weight, eps=1e-6):
    return x * (x.pow(2).mean(dim=-1, keepdim=True) + eps).rsqrt() * weight


CHECKS: dict[str, CodeCheck] = {
    check.name: check
    for check in [
        CodeCheck(
            "softmax_last_dim",
            "softmax(x) -> softmax over the last dim",
            "softmax",
            _logits_cases,
            lambda x: x.softmax(dim=-1),
        ),
        CodeCheck(
            "log_softmax_last_dim",
            "log_softmax(x) -> log-softmax over the last dim",
            "log_softmax",
            _logits_cases,
            lambda x: x.log_softmax(dim=-1),
        ),
        CodeCheck(
            "softmax_backward",
            "softmax_backward(y, dy) -> dx, where y = softmax(x, dim=-1)",
            "softmax_backward",
            _softmax_backward_cases,
            _softmax_backward,
        ),
        CodeCheck(
            "cross_entropy",
            "cross_entropy(logits (N, C), targets (N,) int64) -> scalar mean loss",
            "cross_entropy",
            _cross_entropy_cases,
            lambda lg, t: _f().cross_entropy(lg, t),
        ),
        CodeCheck(
            "bce_with_logits",
            "bce_with_logits(logits, targets float in [0, 1]) -> scalar mean loss",
            "bce_with_logits",
            _bce_cases,
            lambda lg, t: _f().binary_cross_entropy_with_logits(lg, t),
        ),
        CodeCheck(
            "mse_loss",
            "mse_loss(pred, target) -> scalar mean",
            "mse_loss",
            _mse_cases,
            lambda p, t: _f().mse_loss(p, t),
        ),
        CodeCheck(
            "causal_mask",
            "causal_mask(T: int) -> bool tensor (T, T), True where i may attend to j (j <= i)",
            "causal_mask",
            _causal_mask_cases,
            _causal_mask,
            kind="exact",
        ),
        CodeCheck(
            "scaled_dot_product_attention",
            "attention(q, k, v, causal: bool) with q (B, H, T_q, D), k, v (B, H, T_k, D) -> (B, H, T_q, D)",
            "attention",
            _attention_cases,
            lambda q, k, v, c: _f().scaled_dot_product_attention(q, k, v, is_causal=c),
            tolerance={"float32": (1e-4, 1e-4)},
        ),
        CodeCheck(
            "layer_norm",
            "layer_norm(x, weight, bias, eps=1e-5) over the last dim",
            "layer_norm",
            _layer_norm_cases,
            lambda x, w, b: _f().layer_norm(x, (x.shape[-1],), w, b, 1e-5),
            # a mean of 1e3 over a spread of 1: float32 loses 3 digits to the subtraction, whatever the formula
            tolerance={"float32": (1e-4, 1e-4)},
        ),
        CodeCheck(
            "rms_norm", "rms_norm(x, weight, eps=1e-6) over the last dim", "rms_norm", _rms_norm_cases, _rms_norm
        ),
        CodeCheck("gelu_tanh", "gelu(x) -> GELU, the tanh approximation", "gelu", _activation_cases(50.0), _gelu_tanh),
        CodeCheck("silu", "silu(x) -> x * sigmoid(x)", "silu", _activation_cases(100.0), lambda x: _f().silu(x)),
        CodeCheck(
            "mlp_param_count",
            "mlp_param_count(sizes: list[int]) -> int, weights and biases of the Linear layers",
            "mlp_param_count",
            _mlp_cases,
            _mlp_param_count,
            kind="int",
        ),
        CodeCheck(
            "topk_indices",
            "topk_indices(x 1-D, k) -> indices of the k largest, largest first",
            "topk_indices",
            _topk_cases,
            _topk_indices,
            kind="indices",
        ),
        CodeCheck(
            "kv_cache_bytes",
            "kv_cache_bytes(layers, kv_heads, head_dim, seq_len, batch, bytes_per_elem) -> int (K and V)",
            "kv_cache_bytes",
            _kv_cache_cases,
            _kv_cache_bytes,
            kind="int",
        ),
        CodeCheck(
            "sum_keepdim_broadcast",
            "normalize_rows(x (B, T, C)) -> x divided by its sum over the last dim",
            "normalize_rows",
            _normalize_rows_cases,
            lambda x: x / x.sum(dim=-1, keepdim=True),
        ),
    ]
}


# -- a code card as an exercise of the verify engine -------------------------------------------------


def exercise_id(check: str, function: str | None = None) -> str:
    """The exercise id of a card's check ("silu"), with the learner's function name when it is not the default."""
    default = CHECKS[check].function
    return check if not function or function == default else f"{check}/{function}"


def code_exercise(exercise_id: str):
    """(Exercise, reference) for `exercise_id` (see exercise_id): what the verify child runs. The
    reference is a namespace holding the check's reference under the learner's function name."""
    import types

    from reference_impls.exercise import Case as ExerciseCase
    from reference_impls.exercise import Check, EntryPoint, Exercise

    name, _, function = exercise_id.partition("/")
    check = CHECKS[name]
    function = function or check.function

    def cases() -> list[ExerciseCase]:
        import torch

        generator = torch.Generator().manual_seed(check.seed)
        # zero_ok: a card's case may be zero on purpose (no layers: 0 parameters); the engine still
        # requires a check to have a non-zero case, so an all-zeros answer never passes.
        return [
            ExerciseCase(label, args, seed=check.seed, zero_ok=True) for label, args in check.cases(torch, generator)
        ]

    spec = Check(
        name=name,
        entry=function,
        cases=cases,
        canonical=_CANONICAL[check.kind],
        compare=_same_indices if check.kind == "indices" else None,
        tolerance=dict(check.tolerance),
        check_dtype=check.kind == "exact",
        description=check.signature,
    )
    exercise = Exercise(
        id=exercise_id,
        title=check.signature,
        items=(),
        module="drill",
        entry_points=(EntryPoint(function, "(...)", check.signature),),
        reference=__name__,
        checks=(spec,),
        preamble=PREAMBLE,
        needs=("numpy", "torch"),
        time_limit_s=TIME_LIMIT_S,
        memory_limit_mb=MEMORY_LIMIT_MB,
    )
    return exercise, types.SimpleNamespace(**{function: check.reference})


def _as_array(value: Any):
    """A tensor, array or Python number as a NumPy value (compared by app/verify/compare.py)."""
    import numpy as np
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().resolve_conj().numpy()
    if isinstance(value, np.ndarray | np.generic):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return np.asarray(value)
    raise TypeError(f"expected a tensor, got {type(value).__name__}")


def _as_int(value: Any) -> int:
    import torch

    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an int, got {type(value).__name__} {value!r:.40}")
    return value


def _as_indices(value: Any) -> list[int]:
    import torch

    if isinstance(value, torch.Tensor):
        value = value.tolist()
    if not isinstance(value, list | tuple) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        raise TypeError(f"expected a list or 1-D tensor of indices, got {type(value).__name__}")
    return list(value)


def _same_indices(expected: list[int], actual: list[int], case) -> str | None:
    return None if actual == expected else f"expected indices {expected}, got {actual}"


_CANONICAL = {"close": _as_array, "exact": _as_array, "int": _as_int, "indices": _as_indices}
