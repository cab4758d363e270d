"""A probe's `when` shared by the exercises: float64 input, an output right only to float32 precision.

Not an exercise module (leading underscore); numpy only. Hugging Face's Llama and Mistral compute
softmax and rotary in float32 whatever the input's dtype; on float64 input that is a different
answer at float64 tolerance, and the report must say so rather than print two equal-looking numbers.
"""

import numpy as np

from reference_impls.exercise import Case

FLOAT32 = (1e-5, 1e-6)  # (rtol, atol): what float32 arithmetic over a few ops can keep


TORCH_FIX = (
    "keep the input's dtype, or upcast with torch.promote_types(x.dtype, torch.float32) so that float64 stays float64"
)


def float32_hint(what: str, fix: str = TORCH_FIX) -> str:
    return (
        f"computed in float32: on float64 input your {what} agrees with the reference only to float32 precision "
        f"(~1e-7 relative, not float64's 1e-16); {fix}"
    )


def _floats(value):
    if isinstance(value, np.ndarray | np.generic) and np.asarray(value).dtype.kind == "f":
        yield np.asarray(value)
    elif isinstance(value, tuple | list):
        for v in value:
            yield from _floats(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)


def computed_in_float32(case: Case, actual, expected) -> bool:
    """The case has a float64 input, and an output the reference keeps in float64 differs from the reference's,
    but within float32's tolerance. (A float32 output, as on float32 x with float64 thetas, cannot be
    "computed in float32 instead of float64": its difference is another mistake, a dtype kept or not.)"""
    if not any(a.dtype == np.float64 for a in _floats((case.args, case.kwargs))):
        return False
    got, want = list(_floats(actual)), list(_floats(expected))
    if not want or len(got) != len(want):
        return False
    rtol, atol = FLOAT32
    differs = False  # somewhere beyond float64's rounding: a case failed for its values, not (say) a mutated input
    for g, w in zip(got, want, strict=True):
        kept_float64 = w.dtype == np.float64
        g, w = g.astype(np.float64), w.astype(np.float64)
        if g.shape != w.shape or not np.allclose(g, w, rtol=rtol, atol=atol, equal_nan=True):
            return False
        if kept_float64:
            differs = differs or not np.allclose(g, w, rtol=1e-12, atol=1e-15, equal_nan=True)
    return differs
