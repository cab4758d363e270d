"""Exercise: backward rules by hand (add, sub, mul, div with broadcasting; activation derivatives) in PyTorch."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._torch import case, fn_call, randn, scoped, seeded

PREAMBLE = "import torch\n"

PAIRS = [
    ("same_shape", (3, 4), (3, 4)),
    ("row_vector", (3, 4), (4,)),
    ("column", (3, 4), (3, 1)),
    ("leading_dims", (2, 3, 4), (1, 4)),
    ("scalar", (5,), ()),
    ("both_broadcast", (1, 4), (3, 1)),
]
TOL = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}


def _out_shape(a, b):
    from reference_impls.torch.broadcasting import broadcast_shape

    return broadcast_shape(a, b)


def unbroadcast_cases():
    for n, (name, a, b) in enumerate(PAIRS[1:]):
        s = 53000 + n
        yield case(f"{name}_to_{b}", s, grad=randn(seeded(s), _out_shape(a, b), "float64"), shape=b)
    yield case(
        "stretched_by_two",
        53011,
        grad=randn(seeded(53011), (2, 5, 2), "float64"),
        shape=(2, 1, 1),
        note="size-1 dimensions stretched to 5 and to 2",
    )
    yield case(
        "leading_and_size_one",
        53012,
        grad=randn(seeded(53012), (2, 3, 4), "float64"),
        shape=(3, 1),
        note="a dimension prepended AND one stretched: sum the leading one first, then the size-1 one",
    )
    yield case("keep_all", 53010, grad=randn(seeded(53010), (2, 3), "float32"), shape=(2, 3), note="nothing to sum")


def shape_cases():
    for n, (name, a, b) in enumerate(PAIRS):
        s = 53100 + n
        yield case(
            name,
            s,
            grad_out=randn(seeded(s), _out_shape(a, b), "float64" if n % 2 else "float32"),
            a_shape=a,
            b_shape=b,
            note="b was stretched over the rows: db sums over them" if name == "row_vector" else "",
        )


def operand_cases():
    for n, (name, a, b) in enumerate(PAIRS):
        s = 53200 + n
        rng = seeded(s)
        dtype = "float64" if n % 2 else "float32"
        yield case(
            name,
            s,
            grad_out=randn(rng, _out_shape(a, b), dtype),
            a=randn(rng, a, dtype),
            b=(rng.uniform(0.5, 2.0, b) * rng.choice([-1, 1], b)).astype(dtype),
        )


def activation_cases():
    import numpy as np

    for n, dtype in enumerate(("float32", "float64")):
        s = 53300 + n
        rng = seeded(s)
        x = np.concatenate([randn(rng, (20,), dtype, 3.0), np.array([0.0, -30.0, 30.0], dtype)])
        yield case(dtype, s, grad_out=randn(rng, x.shape, dtype), x=x, note="includes x = 0 and |x| = 30")


def swiglu_cases():
    for n, dtype in enumerate(("float32", "float64")):
        s = 53400 + n
        rng = seeded(s)
        yield case(
            dtype,
            s,
            grad_out=randn(rng, (4, 6), dtype),
            gate=randn(rng, (4, 6), dtype, 3.0),
            up=randn(rng, (4, 6), dtype),
        )


# -- known mistakes -----------------------------------------------------------------------------------


def _no_unbroadcast(grad_out, a_shape, b_shape):
    return grad_out, grad_out


def _mul_no_unbroadcast(grad_out, a, b):
    return grad_out * b, grad_out * a


def _div_no_unbroadcast(grad_out, a, b):
    return grad_out / b, -grad_out * a / (b * b)


def _ones_before_leading(grad, shape):
    for i, n in enumerate(shape):
        if n == 1 and grad.size(i) != 1:
            grad = grad.sum(i, keepdim=True)
    extra = grad.dim() - len(shape)
    return grad.sum(dim=tuple(range(extra))) if extra else grad


def _sum_leading_only(grad, shape):
    extra = grad.dim() - len(shape)
    return grad.sum(dim=tuple(range(extra))) if extra else grad


def _sum_without_keepdim(grad, shape):
    extra = grad.dim() - len(shape)
    grad = grad.sum(dim=tuple(range(extra))) if extra else grad
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and grad.size(i) != 1)
    return grad.sum(dim=ones) if ones else grad


def _sub_same_sign(grad_out, a_shape, b_shape):
    from reference_impls.torch.backward_rules import add_backward

    return add_backward(grad_out, a_shape, b_shape)


def _mul_own_operand(grad_out, a, b):
    from reference_impls.torch.backward_rules import unbroadcast

    return unbroadcast(grad_out * a, a.shape), unbroadcast(grad_out * b, b.shape)


def _div_b_not_squared(grad_out, a, b):
    from reference_impls.torch.backward_rules import unbroadcast

    return unbroadcast(grad_out / b, a.shape), unbroadcast(-grad_out * a / b, b.shape)


def _relu_one_at_zero(grad_out, x):
    return grad_out * (x >= 0).to(grad_out.dtype)


def _silu_as_sigmoid(grad_out, x):
    import torch

    return grad_out * torch.sigmoid(x)


def _tanh_of_output(grad_out, x):
    return grad_out * (1 - x * x)


def _sigmoid_of_output(grad_out, x):
    return grad_out * x * (1 - x)


def _div_without_a(grad_out, a, b):
    from reference_impls.torch.backward_rules import unbroadcast

    return unbroadcast(grad_out / b, a.shape), unbroadcast(-grad_out / (b * b), b.shape)


EXERCISE = scoped(
    Exercise.of(
        info("backward_rules"),
        preamble=PREAMBLE,
        task="""The local gradients autograd applies, written out (no .backward() here: it is the oracle).

    z = a + b: da = dz, db = dz          z = a - b: da = dz, db = -dz
    z = a * b: da = dz * b, db = dz * a   z = a / b: da = dz / b, db = -dz * a / b^2

1. unbroadcast(grad, shape): sum grad (the broadcast shape) back to `shape`: first over the leading
   dimensions broadcasting prepended, then with keepdim=True over every dimension where shape has 1.
   (b of shape (4,) added to a (3, 4): db = dz.sum(0); a (3, 1) column: dz.sum(1, keepdim=True).)
2. add_backward(grad_out, a_shape, b_shape), sub_backward(...) -> (da, db), each of its operand's shape.
3. mul_backward(grad_out, a, b), div_backward(grad_out, a, b) -> (da, db).
4. relu_backward(grad_out, x) (0 at x = 0, as PyTorch), sigmoid_backward (s (1 - s)), tanh_backward
   (1 - tanh^2), silu_backward (s + x s (1 - s)), all of grad_out and the INPUT x.
5. swiglu_backward(grad_out, gate, up) for z = silu(gate) * up -> (d gate, d up).""",
        entry_points=(
            EntryPoint("unbroadcast", "(grad, shape)", "grad summed down to `shape`."),
            EntryPoint("add_backward", "(grad_out, a_shape, b_shape)", "(da, db)."),
            EntryPoint("sub_backward", "(grad_out, a_shape, b_shape)", "(da, db)."),
            EntryPoint("mul_backward", "(grad_out, a, b)", "(da, db)."),
            EntryPoint("div_backward", "(grad_out, a, b)", "(da, db)."),
            EntryPoint("relu_backward", "(grad_out, x)", "dx."),
            EntryPoint("sigmoid_backward", "(grad_out, x)", "dx."),
            EntryPoint("tanh_backward", "(grad_out, x)", "dx."),
            EntryPoint("silu_backward", "(grad_out, x)", "dx."),
            EntryPoint("swiglu_backward", "(grad_out, gate, up)", "(d gate, d up) for silu(gate) * up."),
        ),
        checks=(
            Check(
                "unbroadcast",
                "unbroadcast",
                unbroadcast_cases,
                call=fn_call("unbroadcast"),
                tolerance=TOL,
                description="to (4,), (3, 1), (1, 4), (), (3, 1); nothing to sum",
            ),
            Check(
                "add",
                "add_backward",
                shape_cases,
                call=fn_call("add_backward"),
                tolerance=TOL,
                description="same shape, row vector, column, leading dims, scalar, both broadcast",
            ),
            Check(
                "sub",
                "sub_backward",
                shape_cases,
                call=fn_call("sub_backward"),
                tolerance=TOL,
                description="the same shapes",
            ),
            Check(
                "mul",
                "mul_backward",
                operand_cases,
                call=fn_call("mul_backward"),
                tolerance=TOL,
                description="the same shapes",
            ),
            Check(
                "div",
                "div_backward",
                operand_cases,
                call=fn_call("div_backward"),
                tolerance=TOL,
                description="the same shapes",
            ),
            Check(
                "relu",
                "relu_backward",
                activation_cases,
                call=fn_call("relu_backward"),
                tolerance=TOL,
                description="float32/64 with 0 and +-30",
            ),
            Check(
                "sigmoid",
                "sigmoid_backward",
                activation_cases,
                call=fn_call("sigmoid_backward"),
                tolerance=TOL,
                description="the same",
            ),
            Check(
                "tanh",
                "tanh_backward",
                activation_cases,
                call=fn_call("tanh_backward"),
                tolerance=TOL,
                description="the same",
            ),
            Check(
                "silu",
                "silu_backward",
                activation_cases,
                call=fn_call("silu_backward"),
                tolerance=TOL,
                description="the same",
            ),
            Check(
                "swiglu",
                "swiglu_backward",
                swiglu_cases,
                call=fn_call("swiglu_backward"),
                tolerance=TOL,
                description="float32/64",
            ),
        ),
        probes=(
            Probe(
                "the gradient keeps the broadcast shape: sum it back to each operand's shape (unbroadcast)",
                impl={
                    "add_backward": _no_unbroadcast,
                    "sub_backward": _no_unbroadcast,
                    "mul_backward": _mul_no_unbroadcast,
                    "div_backward": _div_no_unbroadcast,
                },
            ),
            Probe(
                "only the leading dimensions were summed: also sum (keepdim=True) every dimension where the operand has size 1",
                impl={"unbroadcast": _sum_leading_only},
            ),
            Probe(
                "broadcasting prepends dimensions at the FRONT: sum dim 0 while grad has more dimensions than "
                "shape, not the last dimension",
                impl="wrong/backward_rules/leading_dims_from_end.py",
            ),
            Probe(
                "the size-1 dimensions were summed before the leading ones: sum the leading dimensions first "
                "(grad.dim() - len(shape) of them), then the axes where shape has 1, which only then line up with "
                "shape's indices",
                impl={"unbroadcast": _ones_before_leading},
            ),
            Probe(
                "the size-1 dimensions were summed without keepdim=True: the gradient must have the operand's exact shape",
                impl={"unbroadcast": _sum_without_keepdim},
            ),
            Probe("z = a - b: db = -dz (the sign)", impl={"sub_backward": _sub_same_sign}),
            Probe(
                "z = a * b: da = dz * b and db = dz * a (each gets the OTHER operand)",
                impl={"mul_backward": _mul_own_operand},
            ),
            Probe("z = a / b: db = -dz * a / b^2 (b squared)", impl={"div_backward": _div_b_not_squared}),
            Probe(
                "z = a / b: db = -dz * a / b^2 (a stays: d(a / b)/db = -a / b^2)", impl={"div_backward": _div_without_a}
            ),
            Probe(
                "sigmoid'(x) = s (1 - s) with s = sigmoid(x): x (1 - x) is that formula applied to the input "
                "(the backward gets the INPUT x)",
                impl={"sigmoid_backward": _sigmoid_of_output},
            ),
            Probe("relu'(0) = 0 in PyTorch: the mask is x > 0, not x >= 0", impl={"relu_backward": _relu_one_at_zero}),
            Probe(
                "silu'(x) = s + x s (1 - s), s = sigmoid(x): the product rule on x * sigmoid(x)",
                impl={"silu_backward": _silu_as_sigmoid},
            ),
            Probe(
                "tanh'(x) = 1 - tanh(x)^2: square tanh(x), not x (the backward gets the INPUT x)",
                impl={"tanh_backward": _tanh_of_output},
            ),
            Probe(
                "swiglu's two gradients are swapped: d gate = dz * up * silu'(gate), d up = dz * silu(gate)",
                impl="wrong/backward_rules/swiglu_swapped.py",
                checks=("swiglu",),
            ),
        ),
        equivalent_mutants=(
            Equivalent(
                "unbroadcast",
                "grad.size(i) != 1)",
                "grad.size(i) != 0)",
                "summing a dimension of size 1 with keepdim=True changes nothing",
            ),
        ),
    )
)
