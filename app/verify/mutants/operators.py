"""The mutation operators: AST edits that mirror the mistakes learners make.

Each operator looks at one node (with its parent and the function it is in) and yields `Edit`s.
The families (an Edit's `operator`, also what an `Equivalent` declaration may quote in its reason):

    axis        another axis / dim (axis=-1 -> -2 / 0; a hard-coded axis for a variable one)
    keepdims    keepdims=True / keepdim=True dropped
    whole       a reduction over the whole array (its axis / dim argument removed)
    slice       a slice bound off by one (x[:n] -> x[:n - 1] / x[:n + 1])
    range       a range() bound off by one
    diagonal    a tril / triu offset off by one, added or removed (the mask's alignment)
    compare     < <-> <=, > <-> >=
    sqrt        sqrt(d) -> d (also d ** 0.5, rsqrt)
    eps         eps removed, or moved out of the sqrt (sqrt(v + eps) -> sqrt(v) + eps)
    term        a term of a sum or difference removed (bias correction, max subtraction, residual)
    factor      a factor of a product or a divisor removed (a scale, a weight)
    swap        the operands of -, /, @, **, //, % swapped
    transpose   a .T / .transpose / .permute / .swapaxes dropped
    dtype       float64 -> float32 (float32 -> float16 in a kernel), a dtype= argument or a cast dropped
    constant    a constant changed (0.5 -> 1.0, an int +-1, True <-> False)
    stride      a stride replaced by 1, by another stride, or by a shape (x.stride(0) -> x.shape[1]); a slice's
                step or a stride= / step= argument replaced by None
    mask        a Triton load's or store's mask= (or other=) dropped
    offset      a Triton load's or store's pointer off by one element
    grid        a Triton grid with cdiv -> floor division, or one program too few

Not mutated: launch tuning (num_warps, num_stages: speed, not results), strings, tl.arange's
bounds (a power of two, or the kernel does not compile) and eps-sized constants (the eps family
covers them).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from app.verify.mutants.edits import Edit, Span, drop_argument, replacement, span_of

REDUCTIONS = {
    "sum", "mean", "max", "min", "amax", "amin", "var", "std", "prod", "argmax", "argmin",
    "any", "all", "nansum", "nanmean", "norm", "median", "logsumexp", "count_nonzero",
}  # fmt: skip
AXIS_METHODS = REDUCTIONS | {
    "softmax", "log_softmax", "cumsum", "cumprod", "size", "flatten", "squeeze", "unsqueeze",
    "transpose", "swapaxes", "flip", "sort", "argsort", "expand_dims",
}  # fmt: skip
AXIS_KEYWORDS = {"axis", "dim", "axes"}
KEEPDIMS = {"keepdims", "keepdim"}
TRANSPOSES = {"transpose", "permute", "swapaxes", "t", "swapdims", "moveaxis"}
CASTS = {"to", "astype", "float", "double", "half", "type"}
SQRTS = {"sqrt", "rsqrt"}
CONSTRUCTORS = {"zeros", "ones", "empty", "full", "eye", "linspace", "rand", "randn"}
TRIANGLES = {"tril", "triu"}
TRITON_MEMORY = {"load", "store", "atomic_add", "atomic_max", "atomic_min", "atomic_xchg"}
LAUNCH_TUNING = {"num_warps", "num_stages", "num_ctas", "maxnreg"}
NONCOMMUTATIVE = (ast.Sub, ast.Div, ast.MatMult, ast.Pow, ast.FloorDiv, ast.Mod)
EPS_SIZE = 1e-3


@dataclass(frozen=True)
class Where:
    """The function a node is in: its qualified name, its parameters, and whether it is a Triton kernel."""

    function: str
    params: tuple[str, ...]
    kernel: bool


Operator = Callable[[ast.AST, "ast.AST | None", Where], Iterator[Edit]]


# -- small helpers -----------------------------------------------------------------------------------


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _int_value(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return -value if type(value) is int else None
    return None


def _int_node(value: int) -> ast.expr:
    return ast.UnaryOp(ast.USub(), ast.Constant(-value)) if value < 0 else ast.Constant(value)


def _plus(node: ast.expr, delta: int) -> ast.expr:
    """node + delta, folded when node is an int constant."""
    value = _int_value(node)
    if value is not None:
        return _int_node(value + delta)
    op = ast.Add() if delta > 0 else ast.Sub()
    return ast.BinOp(node, op, ast.Constant(abs(delta)))


def _is_eps(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return "eps" in node.id.lower()
    if isinstance(node, ast.Attribute):
        return "eps" in node.attr.lower()
    if isinstance(node, ast.Constant) and type(node.value) is float:
        return 0 < abs(node.value) <= EPS_SIZE
    return False


def _keyword(call: ast.Call, names: set[str]) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg in names), None)


def _edit(operator: str, detail: str, *spans: Span) -> Edit:
    return Edit(operator, detail, tuple(spans))


def _replace(operator: str, node: ast.expr, new: ast.expr, parent: ast.AST | None, detail: str = "") -> Edit:
    span = replacement(node, new, parent)
    return _edit(operator, detail or f"{ast.unparse(node)} -> {span.text}", span)


def _positional_axes(call: ast.Call) -> list[ast.expr]:
    """Int-constant positional axes of a method call (x.sum(-1), x.transpose(-2, -1), x.size(0))."""
    if not isinstance(call.func, ast.Attribute) or _call_name(call) not in AXIS_METHODS:
        return []
    if isinstance(call.func.value, ast.Name) and call.func.value.id in ("np", "numpy", "torch", "tl", "math"):
        return []  # np.sum(x, 0): the array comes first; axes as keywords are covered below
    return [a for a in call.args if _int_value(a) is not None]


def _other_axes(value: int, kernel: bool = False) -> list[int]:
    """The neighbours of an axis; in a Triton kernel only the next one (its blocks are 1-D or 2-D, where
    axis -1 of a 1-D block is axis 0)."""
    return [value + 1] if kernel else [value - 1, value + 1]


# -- the operators -----------------------------------------------------------------------------------


def axis(node, parent, where) -> Iterator[Edit]:
    if not isinstance(node, ast.Call):
        return
    for keyword in node.keywords:
        if keyword.arg not in AXIS_KEYWORDS:
            continue
        value = _int_value(keyword.value)
        if value is not None:
            for other in _other_axes(value, where.kernel):
                yield _replace("axis", keyword.value, _int_node(other), keyword, f"{keyword.arg}={value} -> {other}")
        elif isinstance(keyword.value, ast.Name | ast.Attribute):
            for other in (-1, 0):
                yield _replace("axis", keyword.value, _int_node(other), keyword)
    for arg in _positional_axes(node):
        for other in _other_axes(_int_value(arg), where.kernel):
            yield _replace("axis", arg, _int_node(other), node)


def keepdims(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.Call):
        keyword = _keyword(node, KEEPDIMS)
        if keyword is not None and isinstance(keyword.value, ast.Constant) and keyword.value.value is True:
            yield _edit("keepdims", f"{keyword.arg}=True dropped", drop_argument(node, keyword))


def whole(node, parent, where) -> Iterator[Edit]:
    if not isinstance(node, ast.Call) or _call_name(node) not in REDUCTIONS or where.kernel:
        return
    keyword = _keyword(node, AXIS_KEYWORDS)
    if keyword is not None:
        yield _edit("whole", f"{keyword.arg}= removed: a reduction over the whole array", drop_argument(node, keyword))
    for arg in _positional_axes(node):
        yield _edit(
            "whole", f"axis {ast.unparse(arg)} removed: a reduction over the whole array", drop_argument(node, arg)
        )


def slice_bound(node, parent, where) -> Iterator[Edit]:
    if not isinstance(node, ast.Slice):
        return
    for bound in (node.lower, node.upper):
        if bound is not None and _int_value(bound) is None:  # constants: the constant family
            for delta in (1, -1):
                yield _replace("slice", bound, _plus(bound, delta), node)


def range_bound(node, parent, where) -> Iterator[Edit]:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("range", "tl.range")):
        return
    if not node.args:
        return
    stop = node.args[0] if len(node.args) == 1 else node.args[1]
    bounds = [(stop, (1, -1))] + ([(node.args[0], (1,))] if len(node.args) > 1 else [])
    for bound, deltas in bounds:
        if _int_value(bound) is None:
            for delta in deltas:
                yield _replace("range", bound, _plus(bound, delta), node)


def diagonal(node, parent, where) -> Iterator[Edit]:
    if not isinstance(node, ast.Call) or _call_name(node) not in TRIANGLES:
        return
    method = isinstance(node.func, ast.Attribute) and not (
        isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy", "torch")
    )
    position = 0 if method else 1
    keyword = _keyword(node, {"diagonal", "k"})
    given = keyword.value if keyword is not None else node.args[position] if len(node.args) > position else None
    if given is None:
        for offset in (1, -1):
            new = ast.Call(node.func, node.args, [*node.keywords, ast.keyword("diagonal", _int_node(offset))])
            yield _replace("diagonal", node, new, parent, f"{ast.unparse(node)} -> diagonal={offset}")
        return
    for delta in (1, -1):
        yield _replace("diagonal", given, _plus(given, delta), keyword or node)
    removed = drop_argument(node, keyword if keyword is not None else given)
    yield _edit("diagonal", f"the offset {ast.unparse(given)} removed", removed)


_FLIPPED = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}


def compare(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIPPED:
        new = ast.Compare(node.left, [_FLIPPED[type(node.ops[0])]()], node.comparators)
        yield _replace("compare", node, new, parent)


def sqrt(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.Call) and _call_name(node) in SQRTS:
        if len(node.args) == 1 and not node.keywords:
            yield _replace("sqrt", node, node.args[0], parent)
        elif not node.args and isinstance(node.func, ast.Attribute):  # v.sqrt()
            yield _replace("sqrt", node, node.func.value, parent)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        if isinstance(node.right, ast.Constant) and node.right.value == 0.5:
            yield _replace("sqrt", node, node.left, parent)


def eps(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        if _is_eps(node.right):
            yield _replace("eps", node, node.left, parent, f"{ast.unparse(node.right)} removed")
        elif _is_eps(node.left) and isinstance(node.op, ast.Add):
            yield _replace("eps", node, node.right, parent, f"{ast.unparse(node.left)} removed")
    if isinstance(node, ast.Call) and _call_name(node) in SQRTS and len(node.args) == 1:
        inner = node.args[0]
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Add) and _is_eps(inner.right):
            outside = ast.BinOp(ast.Call(node.func, [inner.left], []), ast.Add(), inner.right)
            yield _replace("eps", node, outside, parent, f"{ast.unparse(inner.right)} moved out of the sqrt")


def term(node, parent, where) -> Iterator[Edit]:
    if not isinstance(node, ast.BinOp) or _is_eps(node.left) or _is_eps(node.right):
        return
    if isinstance(node.op, ast.Add):
        yield _replace("term", node, node.left, parent, f"+ {ast.unparse(node.right)} removed")
        yield _replace("term", node, node.right, parent, f"{ast.unparse(node.left)} + removed")
    elif isinstance(node.op, ast.Sub):
        yield _replace("term", node, node.left, parent, f"- {ast.unparse(node.right)} removed")


def factor(node, parent, where) -> Iterator[Edit]:
    if not isinstance(node, ast.BinOp):
        return
    if isinstance(node.op, ast.Mult):
        yield _replace("factor", node, node.left, parent, f"* {ast.unparse(node.right)} removed")
        yield _replace("factor", node, node.right, parent, f"{ast.unparse(node.left)} * removed")
    elif isinstance(node.op, ast.Div):
        yield _replace("factor", node, node.left, parent, f"/ {ast.unparse(node.right)} removed")


def _symmetric(node: ast.BinOp, parent: ast.AST | None) -> bool:
    """A difference that is squared or taken the absolute value of: swapping its operands changes nothing."""
    if not isinstance(node.op, ast.Sub):
        return False
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Pow) and parent.left is node:
        return isinstance(parent.right, ast.Constant) and parent.right.value == 2
    return isinstance(parent, ast.Call) and _call_name(parent) in ("abs", "square", "norm") and node in parent.args


def swap(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, NONCOMMUTATIVE) and not _symmetric(node, parent):
        yield _replace("swap", node, ast.BinOp(node.right, node.op, node.left), parent, "operands swapped")


def transpose(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.Attribute) and node.attr in ("T", "mT") and isinstance(node.ctx, ast.Load):
        yield _replace("transpose", node, node.value, parent, f".{node.attr} dropped")
    elif isinstance(node, ast.Call) and _call_name(node) in TRANSPOSES and isinstance(node.func, ast.Attribute):
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in ("np", "numpy", "torch"):
            if node.args:
                yield _replace("transpose", node, node.args[0], parent, f"{_call_name(node)} dropped")
        else:
            yield _replace("transpose", node, receiver, parent, f".{_call_name(node)}(...) dropped")


def dtype(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
        if node.attr == "float64":
            yield _replace("dtype", node, ast.Attribute(node.value, "float32", ast.Load()), parent)
        elif node.attr == "float32" and where.kernel:  # the accumulator's precision
            yield _replace("dtype", node, ast.Attribute(node.value, "float16", ast.Load()), parent)
    elif isinstance(node, ast.Call):
        keyword = _keyword(node, {"dtype"})
        if keyword is not None and not where.kernel and not _default_dtype(node, keyword.value):
            yield _edit("dtype", f"dtype={ast.unparse(keyword.value)} dropped", drop_argument(node, keyword))
        name = _call_name(node)
        if name in CASTS and isinstance(node.func, ast.Attribute) and not _is_module(node.func.value):
            if name in ("to", "astype", "type") and not _float_cast(node):
                return  # an index cast (row.to(tl.int64)), or a store's own (tl.store casts anyway)
            yield _replace("dtype", node, node.func.value, parent, f".{name}(...) dropped: no cast")


def _default_dtype(call: ast.Call, value: ast.AST) -> bool:
    """dtype= that a constructor would pick anyway: torch's float32, NumPy's float64 (np.zeros, torch.ones, ...),
    int64 for torch.tensor of a list of ints. (A reduction's dtype= is not a default: np.square(g, dtype=np.float64)
    on float32 g computes in float64.)"""
    text, name = ast.unparse(value), _call_name(call)
    if name in CONSTRUCTORS and text in ("torch.float32", "torch.float", "np.float64", "numpy.float64"):
        return True
    return name == "tensor" and text in ("torch.int64", "torch.long")


def _float_cast(call: ast.Call) -> bool:
    text = " ".join(ast.unparse(a) for a in [*call.args, *(k.value for k in call.keywords)])
    return any(word in text for word in ("float", "half", "double", "dtype")) and "element_ty" not in text


def _is_module(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("np", "numpy", "torch", "tl", "triton", "math", "F", "nn")


def constant(node, parent, where) -> Iterator[Edit]:
    if not isinstance(node, ast.Constant) or (isinstance(parent, ast.keyword) and parent.arg == "other"):
        return  # a masked load's other=: the mask family
    value = node.value
    if type(value) is bool:
        yield _replace("constant", node, ast.Constant(not value), parent)
    elif type(value) is int:
        if isinstance(parent, ast.UnaryOp) or _axis_position(parent):
            return  # -1: the UnaryOp is one number (below); an axis: the axis family
        # `size == 0` -> `size == 1` is off by one; `size == -1` never holds: the guard deleted, not a mistake
        never = value == 0 and isinstance(parent, ast.Compare) and isinstance(parent.ops[0], ast.Eq | ast.NotEq)
        for delta in (1,) if never else (1, -1):
            yield _replace("constant", node, _int_node(value + delta), parent)
    elif type(value) is float and not _is_eps(node):
        new = value * 2 if value != 0 else 1.0
        yield _replace("constant", node, ast.Constant(new), parent)


def _axis_position(parent: ast.AST | None) -> bool:
    if isinstance(parent, ast.keyword):
        return parent.arg in AXIS_KEYWORDS
    return isinstance(parent, ast.Call) and _call_name(parent) in AXIS_METHODS | {"stride"}


def negative_constant(node, parent, where) -> Iterator[Edit]:
    value = _int_value(node) if isinstance(node, ast.UnaryOp) and not _axis_position(parent) else None
    if value is not None:
        for delta in (1, -1):
            yield _replace("constant", node, _int_node(value + delta), parent)


STRIDE_KEYWORDS = {"stride", "strides", "step"}


def stride(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.Slice) and node.step is not None:  # x[0::2] -> x[0:]: every element, not every 2nd
        new = ast.Slice(node.lower, node.upper, None)
        yield _edit("stride", f"step {ast.unparse(node.step)} removed", span_of(node, ast.unparse(new)))
    elif isinstance(node, ast.Call) and not where.kernel:
        for keyword in node.keywords:
            if keyword.arg in STRIDE_KEYWORDS and not _is_none(keyword.value):
                yield _replace("stride", keyword.value, ast.Constant(None), keyword, f"{keyword.arg}= -> None")
    if isinstance(node, ast.Call) and _call_name(node) == "stride" and isinstance(node.func, ast.Attribute):
        if len(node.args) == 1 and _int_value(node.args[0]) is not None:
            index, tensor = _int_value(node.args[0]), node.func.value
            yield _replace("stride", node, ast.Constant(1), parent, f"{ast.unparse(node)} -> 1")
            other = ast.Call(node.func, [_int_node(1 - index if index in (0, 1) else 0)], [])
            yield _replace("stride", node, other, parent)
            if index == 0:  # the row stride taken as the row length: right only for contiguous rows
                shape = ast.Subscript(ast.Attribute(tensor, "shape", ast.Load()), ast.Constant(-1), ast.Load())
                yield _replace("stride", node, shape, parent)
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and where.kernel and "stride" in node.id:
        if isinstance(parent, ast.BinOp):
            yield _replace("stride", node, ast.Constant(1), parent, f"{node.id} -> 1")
            strides = [p for p in where.params if "stride" in p]
            if len(strides) > 1:
                other = strides[(strides.index(node.id) + 1) % len(strides)] if node.id in strides else strides[0]
                yield _replace("stride", node, ast.Name(other, ast.Load()), parent)


def mask(node, parent, where) -> Iterator[Edit]:
    if where.kernel and isinstance(node, ast.Call) and _call_name(node) in TRITON_MEMORY:
        for keyword in node.keywords:
            # other=0 is what a masked lane reads anyway (the interpreter and, in practice, a GPU)
            if keyword.arg == "mask" or (keyword.arg == "other" and not _is_zero(keyword.value)):
                yield _edit("mask", f"{_call_name(node)}'s {keyword.arg}= dropped", drop_argument(node, keyword))


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_zero(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0


def offset(node, parent, where) -> Iterator[Edit]:
    if where.kernel and isinstance(node, ast.Call) and _call_name(node) in TRITON_MEMORY and node.args:
        pointer = node.args[0]
        yield _replace("offset", pointer, ast.BinOp(pointer, ast.Add(), ast.Constant(1)), node)


def grid(node, parent, where) -> Iterator[Edit]:
    if isinstance(node, ast.Call) and _call_name(node) == "cdiv" and len(node.args) == 2:
        floor = ast.BinOp(node.args[0], ast.FloorDiv(), node.args[1])
        yield _replace("grid", node, floor, parent, "cdiv -> floor division")
    elif isinstance(node, ast.Subscript) and isinstance(parent, ast.Call) and parent.func is node:
        if isinstance(node.slice, ast.Tuple) and node.slice.elts:  # kernel[(programs,)](...)
            first = node.slice.elts[0]
            yield _replace("grid", first, _plus(first, -1), node.slice, "one program too few")


# Specific families first: when two edits give the same source, the first one's name is kept.
OPERATORS: tuple[Operator, ...] = (
    keepdims, whole, axis, diagonal, mask, offset, grid, stride, sqrt, eps, slice_bound, range_bound,
    compare, transpose, dtype, swap, term, factor, negative_constant, constant,
)  # fmt: skip


def skipped_keyword(keyword: ast.keyword) -> bool:
    return keyword.arg in LAUNCH_TUNING


def skipped_statement(statement: ast.stmt) -> bool:
    """Launch tuning (num_warps = 4 if ... else 8) and input checks (check_ndim(x, "x", 2, ...))."""
    if isinstance(statement, ast.Assign):
        return all(isinstance(t, ast.Name) and t.id in LAUNCH_TUNING for t in statement.targets)
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        return _call_name(statement.value).lstrip("_").startswith("check")
    return False


def is_arange(call: ast.AST) -> bool:
    return (
        isinstance(call, ast.Call)
        and _call_name(call) == "arange"
        and isinstance(call.func, ast.Attribute)
        and (isinstance(call.func.value, ast.Name) and call.func.value.id == "tl")
    )
