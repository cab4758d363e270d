"""Exercise: activation functions and their derivatives (sigmoid, ReLU, leaky ReLU, tanh, GELU, SiLU, SwiGLU)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe, grid
from reference_impls.exercises._cases import LOOSE, randn, unary_cases

SHAPES = [(7,), (4, 6), (2, 3, 5)]


def _with_zeros(seed):
    rng = np.random.default_rng(seed)
    x = randn(rng, (5, 6), "float64", 2.0)
    x[::2, ::2] = 0.0  # exactly at the kink
    return x


EDGES = (
    Case(
        "large_magnitude",
        (np.array([-1000.0, -120.0, -89.5, -30.0, 0.0, 30.0, 89.5, 120.0, 1000.0], "float32"),),
        note="|x| up to 1000 in float32: exp(89) is already inf, so a careless formula gives inf / inf = nan",
    ),
    Case(
        "at_zero",
        (_with_zeros(7),),
        seed=7,
        note="exact zeros: the kink of ReLU / leaky ReLU, where PyTorch takes the left slope",
    ),
    Case("size_one", (np.array([0.5], "float32"),), note="a single element"),
    Case("empty", (np.zeros((0, 3), "float64"),), note="no elements: return an empty (0, 3) array"),
)


def _pair_cases():
    for rng, shape, dtype, s in grid([(1, 1), (4, 6), (2, 3, 8)], seed=900, fresh=1):
        yield Case("random", (randn(rng, shape, dtype, 2.0), randn(rng, shape, dtype, 2.0)), seed=s)
    a = np.array([-100.0, -5.0, 0.0, 5.0, 100.0], "float32")
    yield Case("large_gate", (a, np.ones_like(a)), note="gate inputs up to 100: silu(a) must not overflow")


def _slope_cases():
    for rng, shape, dtype, s in grid([(9,), (3, 4)], seed=800):
        yield Case(
            "slope_0.2",
            (randn(rng, shape, dtype, 3.0),),
            {"negative_slope": 0.2},
            seed=s,
            note="negative_slope=0.2: use the argument",
        )
    yield Case("default_slope", (_with_zeros(8),), seed=8, note="the default slope 0.01, with exact zeros")


def _gelu_cases(approximate):
    def cases():
        for rng, shape, dtype, s in grid(SHAPES, seed=700 if approximate == "none" else 750, fresh=1):
            yield Case("random", (randn(rng, shape, dtype, 3.0),), {"approximate": approximate}, seed=s)
        yield Case(
            "large_magnitude",
            (np.array([-30.0, -6.0, 0.0, 6.0, 30.0], "float32"),),
            {"approximate": approximate},
            note="large |x|: gelu(x) -> 0 on the left, x on the right",
        )

    return cases


def _unary(name, seed, scale=3.0):
    return Check(
        name,
        name,
        unary_cases(SHAPES, seed, scale, EDGES),
        tolerance=LOOSE,
        description="float32/64, 3 shapes; |x| up to 1000, exact zeros, size 1, empty",
    )


def _sig_exp_form(x):
    e = np.exp(x)
    return e / (1 + e)


EXERCISE = Exercise.of(
    info("activations"),
    preamble="import math\n\nimport numpy as np\n",
    task="""Elementwise activations f(x) and their derivatives f'(x) (same shape and dtype as x), so
that a backward pass is dx = dout * f_grad(x).

1. sigmoid / sigmoid_grad. exp(89) is inf in float32: make sigmoid finite for |x| up to 1000
   (hint: 1 / (1 + exp(-x)) for x >= 0 and exp(x) / (1 + exp(x)) for x < 0).
2. relu / relu_grad, leaky_relu / leaky_relu_grad(x, negative_slope). At exactly 0, take the
   left slope as PyTorch does: relu'(0) = 0, leaky_relu'(0) = negative_slope.
3. tanh / tanh_grad.
4. gelu / gelu_grad(x, approximate): 'none' is the exact x * Phi(x), Phi the standard normal CDF
   0.5 (1 + erf(x / sqrt 2)) (NumPy has no erf: np.vectorize(math.erf) works); 'tanh' is
   0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) as in GPT-2.
5. silu / silu_grad: x * sigmoid(x).
6. swiglu(a, b) = silu(a) * b (the LLaMA gate, after the two projections a = x W, b = x V) and
   swiglu_grad(a, b) returning the pair (d/da, d/db).

Write each derivative by hand and compare its shape with the function's: which ones saturate
(gradient -> 0 for large |x|)? Keep the dtype (float32 in, float32 out) and don't modify inputs.""",
    entry_points=(
        EntryPoint(
            "sigmoid",
            "(x)",
            "1 / (1 + exp(-x)), finite for any x. x: any shape, float32/64. Returns the same shape and dtype.",
        ),
        EntryPoint("sigmoid_grad", "(x)", "d sigmoid / dx at x: s (1 - s) with s = sigmoid(x)."),
        EntryPoint("relu", "(x)", "max(x, 0)."),
        EntryPoint("relu_grad", "(x)", "1 where x > 0, else 0 (0 at x == 0), in x's dtype."),
        EntryPoint("leaky_relu", "(x, negative_slope=0.01)", "x where x > 0, negative_slope * x elsewhere."),
        EntryPoint(
            "leaky_relu_grad", "(x, negative_slope=0.01)", "1 where x > 0, negative_slope elsewhere (x == 0 included)."
        ),
        EntryPoint("tanh", "(x)", "tanh(x)."),
        EntryPoint("tanh_grad", "(x)", "1 - tanh(x)^2."),
        EntryPoint(
            "gelu",
            "(x, approximate='none')",
            "GELU: exact x * Phi(x) for approximate='none', the tanh formula for 'tanh'.",
        ),
        EntryPoint(
            "gelu_grad",
            "(x, approximate='none')",
            "d gelu / dx, for either form (exact: Phi(x) + x * phi(x), phi the normal pdf).",
        ),
        EntryPoint("silu", "(x)", "x * sigmoid(x) (a.k.a. swish)."),
        EntryPoint("silu_grad", "(x)", "d silu / dx = s + x s (1 - s), s = sigmoid(x)."),
        EntryPoint("swiglu", "(a, b)", "silu(a) * b, elementwise; a and b have the same shape."),
        EntryPoint("swiglu_grad", "(a, b)", "The pair (d swiglu / da, d swiglu / db), each the shape of a."),
    ),
    checks=(
        _unary("sigmoid", 100),
        _unary("sigmoid_grad", 110),
        _unary("relu", 120),
        _unary("relu_grad", 130),
        Check(
            "leaky_relu",
            "leaky_relu",
            _slope_cases,
            description="float32/64; negative_slope 0.2 and the default, exact zeros",
        ),
        Check(
            "leaky_relu_grad",
            "leaky_relu_grad",
            _slope_cases,
            description="float32/64; negative_slope 0.2 and the default, exact zeros",
        ),
        _unary("tanh", 140),
        _unary("tanh_grad", 150),
        Check(
            "gelu_exact",
            "gelu",
            _gelu_cases("none"),
            tolerance=LOOSE,
            description="approximate='none', float32/64, 3 shapes, |x| up to 30",
        ),
        Check(
            "gelu_tanh",
            "gelu",
            _gelu_cases("tanh"),
            tolerance=LOOSE,
            description="approximate='tanh', float32/64, 3 shapes",
        ),
        Check("gelu_grad_exact", "gelu_grad", _gelu_cases("none"), tolerance=LOOSE, description="approximate='none'"),
        Check("gelu_grad_tanh", "gelu_grad", _gelu_cases("tanh"), tolerance=LOOSE, description="approximate='tanh'"),
        _unary("silu", 160),
        _unary("silu_grad", 170),
        Check(
            "swiglu", "swiglu", _pair_cases, tolerance=LOOSE, description="float32/64, 3 shapes; gate inputs up to 100"
        ),
        Check("swiglu_grad", "swiglu_grad", _pair_cases, tolerance=LOOSE, description="both partial derivatives"),
    ),
    probes=(
        Probe(
            "sigmoid overflows: exp(x) / (1 + exp(x)) is inf / inf = nan for x >= 89 in float32; use "
            "1 / (1 + exp(-x)) where x >= 0 and exp(x) / (1 + exp(x)) only where x < 0",
            impl={"sigmoid": _sig_exp_form},
        ),
        Probe(
            "derivative applied to the input instead of the output: sigmoid'(x) = s (1 - s) with s = sigmoid(x), "
            "tanh'(x) = 1 - tanh(x)^2",
            impl="wrong/activations/grad_from_input.py",
            checks=("sigmoid_grad", "tanh_grad"),
        ),
        Probe(
            "the derivative at exactly 0: PyTorch takes relu'(0) = 0 and leaky_relu'(0) = negative_slope "
            "(test x > 0, not x >= 0)",
            impl="wrong/activations/grad_at_zero.py",
            checks=("relu_grad", "leaky_relu_grad"),
        ),
        Probe(
            "negative_slope ignored: use the argument, not a hard-coded 0.01",
            impl={
                "leaky_relu": lambda x, negative_slope=0.01: np.where(x > 0, x, 0.01 * x).astype(x.dtype),
                "leaky_relu_grad": lambda x, negative_slope=0.01: np.where(x > 0, 1.0, 0.01).astype(x.dtype),
            },
        ),
        Probe(
            "approximate='none' is the exact x * Phi(x) with erf; the tanh formula (approximate='tanh') differs by "
            "up to ~5e-4",
            impl="wrong/activations/gelu_tanh_always.py",
            checks=("gelu_exact", "gelu_grad_exact"),
        ),
        Probe(
            "silu'(x) is not sigmoid(x): by the product rule d/dx [x s(x)] = s + x s (1 - s)",
            impl={"silu_grad": lambda x: 1 / (1 + np.exp(-x))},
        ),
        Probe(
            "d swiglu / da = silu'(a) * b: the chain rule keeps the other factor",
            impl={"swiglu_grad": lambda a, b: (_silu_grad(a), _silu(a))},
        ),
    ),
)


def _silu(a):
    from reference_impls.numpy.activations import silu

    return silu(a)


def _silu_grad(a):
    from reference_impls.numpy.activations import silu_grad

    return silu_grad(a)
