"""Exercise: gradient checking by central finite differences."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh

FUNCTIONS = {
    "sum_of_cubes": lambda x: float(np.sum(x**3)),
    "logsumexp": lambda x: float(np.log(np.sum(np.exp(x - x.max()))) + x.max()),
    "tanh_product": lambda x: float(np.sum(np.tanh(x) * np.roll(x, 1))),
}


def _numerical(impl, x, function):
    f = FUNCTIONS[function]
    return impl.numerical_gradient(lambda: f(x), x)  # f reads x as it is when called


def _check(impl, x, function, scale):
    """gradient_check on the exact gradient of sum_of_cubes, scaled: 1.0 is right, 1.01 is 1% off."""
    if x.size == 0:  # a model with no parameters: nothing to check, error 0
        return impl.gradient_check(lambda: 0.0, [], [])
    if function == "two_params":  # rows of x are two parameters; the FIRST one's gradient is `scale` off
        a, b = x[0].copy(), x[1].copy()
        cubes = FUNCTIONS["sum_of_cubes"]
        return impl.gradient_check(lambda: cubes(a) + cubes(b), [a, b], [3 * a**2 * scale, 3 * b**2])
    return impl.gradient_check(lambda: FUNCTIONS[function](x), [x], [3 * x**2 * scale])


def numerical_cases():
    for k, shape in enumerate([(3,), (2, 3), (1,)]):
        for name in FUNCTIONS:
            rng = np.random.default_rng(12000 + k)
            yield Case(
                f"{name}_{len(shape)}d",
                (rng.standard_normal(shape), name),
                seed=12000 + k,
                note="f() reads x as it is when called: perturb x[i] in place, then restore it",
            )
    for rng, shape, _, s in fresh([(3,), (2, 3), (1, 4)], ("float64",), seed=12050, n=2):  # shapes drawn afresh
        yield Case("fresh", (rng.standard_normal(shape), list(FUNCTIONS)[int(rng.integers(len(FUNCTIONS)))]), seed=s)


def relative_cases():
    rng = np.random.default_rng(12100)
    a = rng.standard_normal((4, 3))
    yield Case("close", (a, a * (1 + 1e-7)), seed=12100)
    yield Case("wrong_sign", (a, -a), seed=12100)
    for rng, shape, _, s in fresh([(4, 3), (5,)], ("float64",), seed=12150, n=2):
        a = rng.standard_normal(shape)
        yield Case("fresh", (a, a + rng.standard_normal(shape) * 10.0 ** rng.uniform(-4, 0)), seed=s)
    yield Case("with_zeros", (np.array([0.0, 1.0, -2.0]), np.array([0.0, 1.1, -2.0])), note="0 vs 0 is no error")
    yield Case("empty", (np.zeros(0), np.zeros(0)), note="no elements: no error (0.0)", zero_ok=True)


def check_cases():
    rng = np.random.default_rng(12200)
    x = rng.standard_normal((2, 3))
    yield Case("right_gradient", (x, "sum_of_cubes", 1.0), seed=12200, note="the exact gradient: relative error ~1e-9")
    yield Case("one_percent_off", (x, "sum_of_cubes", 1.01), seed=12200, note="1% too large: relative error ~5e-3")
    for rng, shape, _, s in fresh([(2, 3), (1,)], ("float64",), seed=12250, n=2):
        x = rng.standard_normal(shape) + np.sign(rng.standard_normal(shape)) * 0.5  # away from 0, where 3 x^2 is 0
        yield Case("fresh_off", (x, "sum_of_cubes", float(rng.uniform(1.01, 1.1))), seed=s)
    yield Case(
        "two_params_first_off",
        (np.random.default_rng(12300).standard_normal((2, 3)) + 0.5, "two_params", 1.05),
        seed=12300,
        note="two parameters, the first one's gradient 5% off and the last one's right: the max over both",
    )
    yield Case(
        "no_parameters",
        (np.zeros(0), "sum_of_cubes", 1.0),
        note="params = [], grads = []: the max over nothing is 0.0 (max(..., default=0.0))",
        zero_ok=True,
    )


def _relative_error_max_denominator(analytic, numeric):
    if analytic.size == 0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric) / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), 1e-12)))


def _forward_difference(f, x, h=1e-6):
    grad = np.zeros_like(x, dtype=np.float64)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f() - base) / h
        x[i] = old
    return grad


EXERCISE = Exercise.of(
    info("gradcheck"),
    task="""The tool that catches backward-pass bugs: compare an analytic gradient with a numerical one.

1. numerical_gradient(f, x, h): f() takes no argument and reads the array x (a closure); return
   df/dx by central differences, (f(x + h e_i) - f(x - h e_i)) / (2 h) for every index i
   (np.ndindex), perturbing x IN PLACE and restoring each entry afterwards. float64 result.
2. relative_error(analytic, numeric): max over elements of |a - n| / max(|a| + |n|, 1e-12), a
   float (0.0 for empty arrays).
3. gradient_check(f, params, grads, h): the max relative error over every (param, grad) pair, where
   f() is the loss reading the params (0.0 when there are none). Below ~1e-7 is right in float64;
   above 1e-3 is a bug.""",
    entry_points=(
        EntryPoint(
            "numerical_gradient", "(f, x, h=1e-06)", "df/dx by central differences, x's shape, float64; x restored."
        ),
        EntryPoint("relative_error", "(analytic, numeric)", "max |a - n| / max(|a| + |n|, 1e-12), a float."),
        EntryPoint(
            "gradient_check", "(f, params, grads, h=1e-06)", "Max relative error between grads and numerical gradients."
        ),
    ),
    checks=(
        Check(
            "numerical_gradient",
            "numerical_gradient",
            numerical_cases,
            call=_numerical,
            description="3 functions x 3 shapes (float64); x must come back unchanged",
        ),
        Check("relative_error", "relative_error", relative_cases, description="close, opposite sign, exact zeros"),
        Check(
            "gradient_check",
            "gradient_check",
            check_cases,
            call=_check,
            tolerance={"float64": (1e-2, 1e-9)},
            description="a right gradient (~1e-9), a 1%-off one (~5e-3); two parameters, the first off",
        ),
    ),
    probes=(
        Probe(
            "one-sided difference: use central differences (f(x + h) - f(x - h)) / 2h, whose error is O(h^2), "
            "not (f(x + h) - f(x)) / h, O(h)",
            impl={"numerical_gradient": _forward_difference},
        ),
        Probe(
            "divide by |a| + |n| (floored at 1e-12), as the task states: max(|a|, |n|) is another textbook form "
            "and gives up to twice the error",
            impl={"relative_error": _relative_error_max_denominator},
        ),
        Probe(
            "gradient_check returns the max over EVERY parameter: an error overwritten in the loop keeps only the "
            "last parameter's (keep worst = max(worst, err))",
            impl="wrong/gradcheck/last_param_only.py",
            checks=("gradient_check",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "numerical_gradient",
            "grad = np.zeros_like(x, dtype=np.float64)",
            "grad = np.zeros_like(x)",
            "the task's x is float64 (float32 round-off swamps the O(h^2) term): zeros_like(x) is float64 already",
        ),
    ),
)
