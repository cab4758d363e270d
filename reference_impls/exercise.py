"""The exercise spec: what a reference implementation declares so that `learn` can check learner code.

One exercise = one learner file (`workspace/<module folder>/<id>.py`) with one or more entry points
(functions or classes), a reference module that defines the same entry points, checks that call
both on the same inputs and compare the outputs, probes that turn a known mistake into a hint, and
known-wrong solutions that prove the checks catch it. Spec version 1 (`SPEC_VERSION`).

Where things go:

    reference_impls/catalog.toml              [softmax]: title, items, reference, needs, limits (ExerciseInfo)
    reference_impls/numpy/softmax.py          the reference: plain NumPy, docstring cites the source
    reference_impls/exercises/softmax.py      EXERCISE = Exercise.of(info("softmax"), ...)  (or EXERCISES = [...])
    reference_impls/wrong/softmax/*.py        wrong solutions, each with EXPECTED_HINT = "..."
    tests/reference/test_softmax_reference.py the reference against a trusted library (torch, sklearn)

What lists an exercise is data (the catalog, read without importing any exercise module); its
checks are Python, in the module the catalog names (`source`, default: the id). The module does not
repeat the catalog's fields: `Exercise.of(info("softmax"), ...)` takes them from it.

Rules an exercise module follows (tests/test_verify_registry.py enforces them):
- It imports only numpy and reference_impls at top level (torch inside functions, and only with
  `needs` naming torch), so that the child of a NumPy exercise never pays for torch.
- `id` is snake_case and unique; `items` are curriculum item ids (`learn show MODULE --json`), the
  first one's module is the exercise's home (its workspace folder) unless `module` says otherwise.
- Every entry point exists in the reference with the same parameters as `signature`.
- Every check has at least one case whose reference output is not all zeros (within tolerance):
  an all-zeros answer must never pass (KernelBench). A case whose output is zero on purpose says
  `zero_ok=True`.
- At least one wrong solution per exercise; each must fail with its EXPECTED_HINT in the report.
- Checks run in one child process per exercise: keep all cases of an exercise under ~1 s.

How a check runs, per case: the inputs are deep-copied for the reference, for every probe and for
the learner (who never sees the originals); the reference output is computed before the learner's
file is imported; after the learner's call its copies are compared with the originals (a mutated
input fails the case); then the outputs are compared leaf by leaf (arrays, scalars, tuples, lists,
dicts): shape first, then dtype (for arrays, unless `check_dtype=False`), then values with the
tolerance of the expected leaf's dtype (`TOLERANCES`, overridable per check), ints / bools / strings
exactly. On a failing case every probe whose output matches the learner's (NaN equal to NaN; or the
same exception with the same message) and differs from the reference's, or whose `when` predicate
holds, adds its hint. Built-in hints name the rest: an input modified in place, a changed dtype, a
shape off by size-1 dims or a transpose, nan/inf where the reference is finite, NotImplementedError.

Triton kernel exercises (reference_impls/exercises/triton_*.py) use three optional fields, all
additive (an exercise without them behaves as before):
- `oracle`: a module computing the expected outputs in place of `reference`. A kernel exercise's
  reference is the kernel in kernels/ (what `learn verify --reference` runs and what GPU timings
  compare with); its oracle is plain PyTorch, so the reference kernel is itself checked and the
  expected outputs cost no interpreter time.
- `scaffold`: code the stub writes between the imports and the entry points: the @triton.jit
  kernel's signature with a TODO body, which the learner's launcher (the entry point) launches.
- `benchmark`: how to time the launcher on a CUDA device once every check passes (`Benchmark`).
With `needs` naming "triton", the child runs the kernels compiled on CUDA, or else in Triton's
interpreter on CPU tensors (TRITON_INTERPRET=1, set before any kernel module is imported, with a
bounds check on every load and store: app/verify/sandbox/triton_mode.py). A wrong kernel that only that
bounds check catches (an unmasked tail, harmless-looking on a GPU) says why in `INTERPRETER_ONLY =
"..."` beside its EXPECTED_HINT; the registry test skips it where kernels run compiled.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from app.locations import REFERENCE_ROOT  # probes' impl paths are relative to it
from app.module_ids import module_label

SPEC_VERSION = 1

# (rtol, atol) per dtype of the expected value; a leaf passes when |actual - expected| <= atol + rtol * |expected|.
# float32 is looser than torch.testing's default (1.3e-6) because equivalent formulas (exp(x - lse) vs
# exp(x - m) / sum) differ by tens of ulps; float64 is numpy.testing's default rtol with a small atol.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1e-5, 1e-6),
    "float64": (1e-7, 1e-9),
}

# Machine epsilon per dtype: the relative rounding of one operation.
EPSILON: dict[str, float] = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}


def magnitude_tolerance(
    magnitude: float, dtypes: Iterable[str] = ("float32", "float64")
) -> dict[str, tuple[float, float]]:
    """TOLERANCES widened for outputs that are exp() of a difference of inputs of size `magnitude`.

    Softmax as exp(x - logsumexp(x)) (SciPy, PyTorch's log_softmax path) is correct, but x - lse carries
    the rounding of numbers of size |x|, an absolute error up to eps * |x|, which exp turns into a
    relative one: 1.2e-4 for float32 logits near 1000, ten times TOLERANCES' rtol. So rtol grows by
    eps * magnitude (a check of such inputs gets its own Check with this tolerance); any mistake the
    large inputs are there to catch (no max subtraction, a global max) is off by far more.
    """
    return {d: (TOLERANCES[d][0] + EPSILON[d] * magnitude, TOLERANCES[d][1]) for d in dtypes}


ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class SpecError(ValueError):
    """An exercise that breaks the spec: a bug in reference_impls, not in the learner's code."""


@dataclass(frozen=True)
class EntryPoint:
    """A function or class the learner writes.

    signature: what follows the name in a `def` line, e.g. "(x: np.ndarray, axis: int = -1) -> np.ndarray";
        for a class, the signature of `__init__` including self.
    doc: the task for this entry point: what to compute, the shapes and dtypes in and out; it becomes
        the docstring of the scaffold.
    methods: for a class, its methods (each an EntryPoint whose signature includes self).
    base: for a class, its base class as the scaffold writes it ("nn.Module"); the scaffold's
        __init__ then calls super().__init__() first.
    """

    name: str
    signature: str
    doc: str
    kind: str = "function"  # "function" | "class"
    methods: tuple[EntryPoint, ...] = ()
    base: str = ""


@dataclass(frozen=True)
class Case:
    """One input of a check: positional args and keyword args (arrays are copied before each call).

    name: what the case tests: "random", or a named edge case ("large_logits", "size_one_axis",
        "empty", "keepdim_trap", "all_masked", ...); shown in reports with the shapes, dtypes and seed.
    seed: the seed that generated the inputs (None for hand-written ones), shown so the learner can
        rebuild the input.
    note: one line shown when the case fails ("logits up to 1000: exp overflows without max subtraction").
    zero_ok: the reference output is all zeros on purpose (else the engine rejects the case).
    """

    name: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    note: str = ""
    zero_ok: bool = False


Call = Callable[..., Any]  # call(impl, *args, **kwargs) -> output, impl: the learner's / reference module
Compare = Callable[[Any, Any, Case], "str | None"]  # compare(expected, actual, case) -> failure message or None


@dataclass(frozen=True)
class Check:
    """A named family of cases that call one entry point and compare with the reference.

    entry: the entry point called (and named in reports).
    cases: a function returning the cases (called in the child process, so it may build big inputs).
    call: how to get an output from an implementation, `call(impl, *args, **kwargs)`; the default is
        `getattr(impl, entry)(*args, **kwargs)`. Use it for classes (build, call methods, return a
        tuple of what to compare) and for multi-step protocols (train, then encode).
    canonical: applied to both outputs before comparing (sort labels, fix eigenvector signs).
    compare: replaces the default comparison entirely; returns a one-line failure message or None.
    tolerance: per-dtype (rtol, atol) overrides of TOLERANCES.
    check_dtype: arrays must keep the expected dtype (float32 in, float32 out).
    description: what is checked, one line, for reference_impls/README.md.
    expected: expected(*args, **kwargs) -> the expected output, in place of calling the reference: an
        independent oracle that is cheaper than the reference's own protocol (one process training
        on the global batch, where the reference forks gloo ranks). Its output is what `call` returns.
    reference_output: False for a milestone that `compare` judges from the learner's output alone (a
        validation loss under a threshold): the reference is not run for it (that it passes is a test
        in tests/reference) and `compare` gets expected=None.
    """

    name: str
    entry: str
    cases: Callable[[], Iterable[Case]]
    call: Call | None = None
    canonical: Callable[[Any], Any] | None = None
    compare: Compare | None = None
    tolerance: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    check_dtype: bool = True
    description: str = ""
    expected: Callable[..., Any] | None = None
    reference_output: bool = True

    def tolerance_for(self, dtype_name: str) -> tuple[float, float]:
        return self.tolerance.get(dtype_name) or TOLERANCES.get(dtype_name, TOLERANCES["float64"])


@dataclass(frozen=True)
class Probe:
    """A known mistake that names itself: on a failing case, a probe that matches gives its hint.

    impl: a wrong implementation, run through the check's `call` like the learner's file: either a
        path relative to reference_impls/ ("wrong/softmax/no_max_subtraction.py") or a mapping of
        entry-point names to functions. It matches when its output equals the learner's (within
        tolerance, NaN equal to NaN).
    when: or a predicate `when(case, actual, expected) -> bool` on the failing case (`actual` is the
        learner's output, or app.verify.checking.Raised(type, message) when their code raised).
    checks: only these checks (names); default: every check whose entry the impl defines.
    """

    hint: str
    impl: str | Mapping[str, Callable] | None = None
    when: Callable[[Case, Any, Any], bool] | None = None
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Benchmark:
    """How `learn verify` times a kernel exercise on a CUDA device, after every check passes.

    The learner's launcher, the reference's and `torch` are timed on the same inputs (median ms of
    triton.testing.do_bench); the report gives the speedups, GB/s (and TFLOP/s) and the fraction of
    the device's measured roofline. A speedup over the reference above `suspect_speedup` is
    flagged and re-checked on fresh inputs (seed + 1) against the oracle (or the reference).

    entry: the launcher timed (an entry point of the exercise).
    inputs: inputs(device, seed) -> the launcher's positional arguments at the timed size (tensors on device).
    torch: the PyTorch equivalent, called with the same arguments (timed beside).
    bytes: bytes(*args) -> the bytes one call must move at least (inputs read once, output written once).
    flops: flops(*args) -> the floating-point operations of one call; 0 for memory-bound kernels.
    size: the timed size in words ("2^24 float32").
    """

    entry: str
    inputs: Callable[[str, int], tuple]
    torch: Callable[..., Any]
    bytes: Callable[..., float]
    flops: Callable[..., float] | None = None
    size: str = ""
    seed: int = 0
    suspect_speedup: float = 10.0


@dataclass(frozen=True)
class Equivalent:
    """A mutant of the reference that no check can kill because it computes the same thing
    (`learn verify --mutants`, app/verify/mutants/): declared by hand, with the reason.

    It matches a mutant by where, not by line number: `where` is the function ("softmax",
    "KVCache.append", or "file.py:function"), `line` a piece of the original line(s) and `edit` a
    piece of the mutated line(s) that the original does not contain (both compared without
    whitespace). A declaration that matches no mutant is reported as stale; one whose mutant the
    checks kill is reported as wrong (and counted as killed).
    """

    where: str
    line: str
    edit: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ExerciseInfo:
    """What lists an exercise, read from reference_impls/catalog.toml without importing its checks.

    id: snake_case, unique; the learner's file is `<id>.py` in the home module's workspace folder.
    title: a few words ("Stable softmax, forward and backward").
    items: curriculum item ids ticked when every check passes (an item linked by several exercises
        waits for all of them).
    reference: dotted module path defining every entry point ("reference_impls.numpy.softmax").
    needs: libraries the checks import in the child ("numpy", "torch"); torch is only imported when named.
    module: the home module id, when it is not the module of items[0].
    time_limit_s / memory_limit_mb: the child's limits (wall clock for the whole exercise; address space).
    oracle: a dotted module computing the expected outputs in place of `reference` (same entry-point
        names); None: the reference does.
    source: the module of reference_impls/exercises/ that defines its checks; None: the one named like the id.
    """

    id: str
    title: str
    items: tuple[str, ...]
    reference: str
    needs: tuple[str, ...] = ("numpy",)
    module: str | None = None
    time_limit_s: float = 10.0
    memory_limit_mb: int = 2048
    oracle: str | None = None
    source: str | None = None

    @property
    def home_module(self) -> str:
        return self.module or self.items[0].split("/", 1)[0]

    @property
    def folder(self) -> str:
        """The workspace folder: 'module-0.2' for numbered modules, else the module id."""
        return module_label(self.home_module)

    @property
    def file(self) -> str:
        """The learner's file, relative to the workspace."""
        return f"{self.folder}/{self.id}.py"

    @property
    def source_module(self) -> str:
        """The dotted module that defines the exercise (the child imports only that one)."""
        return f"reference_impls.exercises.{self.source or self.id}"


@dataclass(frozen=True, kw_only=True)
class Exercise(ExerciseInfo):
    """One learner file to write, checked against a reference: its catalog entry and its checks.

    entry_points: the functions and classes the learner writes.
    checks / probes: what is run, and the known mistakes that name themselves.
    task: the task in prose (staged steps welcome, as in minbpe's exercise.md); the scaffold's module
        docstring, shown by `learn start`.
    preamble: the imports at the top of the scaffold.
    scaffold: code the stub writes after the preamble, before the entry points (a kernel skeleton).
    benchmark: timing on a CUDA device once every check passes (Triton exercises); None: not timed.
    equivalent_mutants: mutants of the reference that compute the same thing (`Equivalent`), each
        with its reason; `learn verify --mutants` counts them apart and reports the stale ones.
    """

    entry_points: tuple[EntryPoint, ...]
    checks: tuple[Check, ...]
    probes: tuple[Probe, ...] = ()
    task: str = ""
    preamble: str = "import numpy as np\n"
    scaffold: str = ""
    benchmark: Benchmark | None = None
    equivalent_mutants: tuple[Equivalent, ...] = ()

    @classmethod
    def of(cls, info: ExerciseInfo, **parts: Any) -> Exercise:
        """The exercise of a catalog entry (`info("softmax")`) with its entry points, checks and probes."""
        return cls(**{f.name: getattr(info, f.name) for f in fields(ExerciseInfo)}, **parts)

    @property
    def info(self) -> ExerciseInfo:
        return ExerciseInfo(**{f.name: getattr(self, f.name) for f in fields(ExerciseInfo)})

    def check(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def validate(self) -> None:
        """The static rules (the engine checks outputs, zeros included, when it runs the cases)."""
        if not ID_PATTERN.match(self.id):
            raise SpecError(f"exercise id '{self.id}' must be snake_case ([a-z][a-z0-9_]*)")
        if not self.items:
            raise SpecError(f"{self.id}: no curriculum items")
        if not self.entry_points or not self.checks:
            raise SpecError(f"{self.id}: needs entry points and checks")
        names = [e.name for e in self.entry_points]
        check_names = [c.name for c in self.checks]
        for what, seen in (("entry point", names), ("check", check_names)):
            dupes = {n for n in seen if seen.count(n) > 1}
            if dupes:
                raise SpecError(f"{self.id}: duplicate {what} names: {', '.join(sorted(dupes))}")
        for check in self.checks:
            if check.entry not in names:
                raise SpecError(f"{self.id}: check '{check.name}' calls unknown entry point '{check.entry}'")
            if not check.reference_output and check.compare is None:
                raise SpecError(f"{self.id}: check '{check.name}' has no reference output, so it needs a `compare`")
        for probe in self.probes:
            if (probe.impl is None) == (probe.when is None):
                raise SpecError(f"{self.id}: probe '{probe.hint}' needs exactly one of impl / when")
            unknown = set(probe.checks) - set(check_names)
            if unknown:
                raise SpecError(f"{self.id}: probe '{probe.hint}' names unknown checks {sorted(unknown)}")
            if isinstance(probe.impl, str) and not (REFERENCE_ROOT / probe.impl).is_file():
                raise SpecError(
                    f"{self.id}: probe '{probe.hint[:40]}...' names a missing file reference_impls/{probe.impl}"
                )
        if self.benchmark is not None and self.benchmark.entry not in names:
            raise SpecError(f"{self.id}: the benchmark times unknown entry point '{self.benchmark.entry}'")


def grid(
    shapes: Iterable[tuple[int, ...]], dtypes: Iterable[str] = ("float32", "float64"), seed: int = 0
) -> Iterator[tuple[Any, tuple[int, ...], str, int]]:
    """(rng, shape, dtype, seed) for every shape x dtype, each with its own seed from `seed` up.

    for rng, shape, dtype, seed in grid([(4, 7), (1, 5)]):
        yield Case("random", (rng.standard_normal(shape).astype(dtype),), seed=seed)
    """
    import numpy as np

    for n, (shape, dtype) in enumerate(itertools.product(list(shapes), list(dtypes))):
        yield np.random.default_rng(seed + n), tuple(shape), dtype, seed + n
