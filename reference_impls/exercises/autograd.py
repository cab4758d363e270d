"""Exercise: a micrograd-style scalar autograd engine (Karpathy's micrograd, engine.py)."""

import random

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe

OPS = [
    lambda a, b: a + b,
    lambda a, b: a * b,
    lambda a, b: a - b,
    lambda a, b: a / (b * b + 0.5),
    lambda a, b: 2.0 - a * 0.5 + b,
    lambda a, b: 1.5 / (a * a + 0.5),
    lambda a, b: a**2,
    lambda a, b: a**3,
    lambda a, b: (a * a + 0.5) ** 0.5,
    lambda a, b: (a * a + 0.5) ** -1.5,
    lambda a, b: a.tanh(),
    lambda a, b: (a - b).relu(),
    lambda a, b: a.tanh().exp(),
    lambda a, b: (a * a + 0.5).log(),
    lambda a, b: -a,
]


def _random_graph(impl, seed, n_leaves, n_ops):
    """A random expression built with impl.Value: (output value, gradients of the leaves)."""
    rng = random.Random(seed)
    leaves = [impl.Value(rng.uniform(-2, 2)) for _ in range(n_leaves)]
    nodes = list(leaves)
    for _ in range(n_ops):
        op = rng.choice(OPS)
        out = op(rng.choice(nodes[-6:]), rng.choice(nodes))  # mostly recent nodes: deep graphs, with reuse
        nodes.append(out.tanh() * 3 if abs(out.data) > 50 else out)
    total = nodes[-1]
    for n in nodes[-5:-1]:
        total = total + n
    total.backward()
    return {"value": float(total.data), "grads": np.array([leaf.grad for leaf in leaves], dtype=np.float64)}


def graph_cases():
    for seed in range(12):
        yield Case(
            f"graph_{seed}",
            (seed, 2 + seed % 4, 5 + 4 * seed),
            seed=seed,
            note="a random expression over +, *, -, /, **, tanh, relu, exp, log, with shared subexpressions",
        )


def _readme(impl):
    a, b = impl.Value(-4.0), impl.Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return {"g": g.data, "a.grad": a.grad, "b.grad": b.grad}


def _reuse(impl):
    x = impl.Value(3.0)
    y = x * x + x
    y.backward()
    return {"y": y.data, "x.grad": x.grad}


def _unit(impl, name):
    return {"readme": _readme, "reuse": _reuse}[name](impl)


def unit_cases():
    yield Case(
        "readme", ("readme",), note="micrograd's README example: g = 24.7041, a.grad = 138.8338, b.grad = 645.5773"
    )
    yield Case(
        "reuse", ("reuse",), note="y = x * x + x at 3: x feeds three edges, so x.grad = 2x + 1 = 7 (accumulate with +=)"
    )


# Each operation alone on leaves a = 1.3, b = -0.7: (name, expression, what its rule is), so that a wrong
# local derivative or a reflected operand order is named by the operation, not only by a random graph.
OPERATIONS = [
    ("add", lambda a, b: a + b, "a + b: both inputs get out.grad"),
    ("radd", lambda a, b: 2.0 + a, "2 + a (__radd__): a gets out.grad"),
    ("mul", lambda a, b: a * b, "a * b: a gets b.data * out.grad, b gets a.data * out.grad"),
    ("rmul", lambda a, b: 3.0 * a, "3 * a (__rmul__): a gets 3 * out.grad"),
    ("pow", lambda a, b: a**3, "a ** 3: a gets 3 * a.data ** 2 * out.grad"),
    ("pow_negative", lambda a, b: a**-1.5, "a ** -1.5: a gets -1.5 * a.data ** -2.5 * out.grad"),
    ("neg", lambda a, b: -a, "-a: a gets -out.grad"),
    ("sub", lambda a, b: a - b, "a - b: a gets out.grad, b gets -out.grad"),
    ("rsub", lambda a, b: 2.0 - a, "2 - a (__rsub__ is other - self, not self - other): a gets -out.grad"),
    ("truediv", lambda a, b: a / b, "a / b = a * b ** -1: b gets -a.data / b.data ** 2 * out.grad"),
    (
        "rtruediv",
        lambda a, b: 2.0 / a,
        "2 / a (__rtruediv__ is other / self = other * self ** -1): a gets -2 / a.data ** 2",
    ),
    ("tanh", lambda a, b: b.tanh(), "tanh(b): b gets (1 - t ** 2) * out.grad with t = tanh(b.data), the OUTPUT"),
    ("relu", lambda a, b: a.relu() + b.relu(), "relu: the input gets out.grad where the output is > 0, else 0"),
    ("exp", lambda a, b: b.exp(), "exp(b): b gets exp(b.data) * out.grad (the output times out.grad)"),
    ("log", lambda a, b: a.log(), "log(a): a gets out.grad / a.data"),
]
_OPERATIONS = {name: (expr, rule) for name, expr, rule in OPERATIONS}


def _operation(impl, name):
    a, b = impl.Value(1.3), impl.Value(-0.7)
    out = _OPERATIONS[name][0](a, b)
    out.backward()
    return {"value": float(out.data), "grads": np.array([a.grad, b.grad], dtype=np.float64)}


def operation_cases():
    for name, _, rule in OPERATIONS:
        yield Case(name, (name,), zero_ok=True, note=rule)


def _operation_hint(name):
    rule = _OPERATIONS[name][1]
    return Probe(
        f"`{name}` alone, on leaves a = 1.3, b = -0.7, gives the wrong value or gradient: {rule}",
        when=lambda case, actual, expected: case.name == name,
        checks=("operations",),
    )


EXERCISE = Exercise.of(
    info("autograd"),
    preamble="import math\n",
    task="""micrograd's Value: a scalar that remembers how it was computed, and backpropagates.

1. Value(data, _children, _op): .data (float), .grad (0.0), ._prev (the inputs), ._backward (a
   closure, a no-op for leaves).
2. Operations returning a new Value whose _backward ADDS (+=) its local derivative times out.grad
   into each input's grad: +, *, ** (int / float exponents), tanh, relu, exp, log; and through
   them -x, x - y, x / y, and the reflected forms (2 * x, 1 + x, 1 / x).
3. backward(): order the graph topologically from this node (inputs before outputs), set
   self.grad = 1, then call every node's _backward in reverse order.
The check builds random expressions with your Value and compares the output and every leaf's
gradient with the reference's (torch.autograd agrees with it to 1e-9).""",
    entry_points=(
        EntryPoint(
            "Value",
            "(self, data, _children=(), _op='')",
            "A scalar with a gradient.",
            kind="class",
            methods=(
                EntryPoint("__add__", "(self, other)", "self + other (other may be a number)."),
                EntryPoint("__mul__", "(self, other)", "self * other."),
                EntryPoint("__pow__", "(self, k)", "self ** k for a constant k."),
                EntryPoint("tanh", "(self)", "tanh(self)."),
                EntryPoint("relu", "(self)", "max(self, 0)."),
                EntryPoint("exp", "(self)", "exp(self)."),
                EntryPoint("log", "(self)", "The natural log of self."),
                EntryPoint("backward", "(self)", "Fill .grad of every Value this one depends on."),
                EntryPoint("__neg__", "(self)", "-self."),
                EntryPoint("__radd__", "(self, other)", "other + self."),
                EntryPoint("__sub__", "(self, other)", "self - other."),
                EntryPoint("__rsub__", "(self, other)", "other - self."),
                EntryPoint("__rmul__", "(self, other)", "other * self."),
                EntryPoint("__truediv__", "(self, other)", "self / other."),
                EntryPoint("__rtruediv__", "(self, other)", "other / self."),
            ),
        ),
    ),
    checks=(
        Check(
            "examples",
            "Value",
            unit_cases,
            call=_unit,
            description="micrograd's README expression; a value used three times",
        ),
        Check(
            "operations",
            "Value",
            operation_cases,
            call=_operation,
            tolerance={"float64": (1e-7, 1e-9)},
            description="each operation alone (+, *, **, -, /, the reflected forms, tanh, relu, exp, log)",
        ),
        Check(
            "random_graphs",
            "Value",
            graph_cases,
            call=_random_graph,
            tolerance={"float64": (1e-7, 1e-9)},
            description="12 random expressions of 5 to 49 operations over 2-5 leaves",
        ),
    ),
    probes=(
        *(_operation_hint(name) for name, _, _ in OPERATIONS),
        Probe(
            "the power rule lowers the exponent: d(x^k)/dx = k x^(k-1), not k x^k",
            impl="wrong/autograd/pow_exponent_not_lowered.py",
        ),
        Probe(
            "gradients must accumulate: a Value used more than once gets the sum of every path (+=, not =)",
            impl="wrong/autograd/assign_not_accumulate.py",
        ),
        Probe(
            "call _backward in reverse TOPOLOGICAL order: a node may only pass its gradient on once every node that "
            "uses it has passed theirs",
            impl="wrong/autograd/no_topological_sort.py",
        ),
    ),
)
