"""Exercise: rotary position embeddings (RoPE) and YaRN's context extension of them."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._precision import computed_in_float32, float32_hint
from reference_impls.exercises._torch import case, fn_call, randn, scoped, seeded

PREAMBLE = "import math\n\nimport torch\n"

# Thetas and YaRN's h(theta) computed in float32, then returned as float64, are right to ~2e-7 relative
# (the ramp amplifies theta's rounding): one tolerance for both, so the check that accepts float32
# thetas does not reject YaRN built on them. Every known mistake is off by far more than 1e-6.
THETA_TOL = {"float64": (1e-6, 0.0)}


def freq_cases():
    yield case("head_dim_8", head_dim=8)
    yield case("head_dim_64", head_dim=64)
    yield case("base_500000", head_dim=16, base=500000.0, note="Llama 3's base")


def _theta(head_dim, base=10000.0):
    import numpy as np

    return base ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)


def rope_cases():
    import numpy as np

    for n, (shape, start, dtype) in enumerate(
        [
            ((2, 3, 6, 8), 0, "float32"),
            ((2, 3, 6, 8), 0, "float64"),
            ((1, 2, 4, 16), 100, "float32"),
            ((3, 5, 2), 7, "float64"),
            ((1, 2, 3, 16), 4096, "float64"),
        ]
    ):
        s = 46000 + n
        T, hd = shape[-2], shape[-1]
        yield case(
            f"T{T}_hd{hd}_from_{start}",
            s,
            x=randn(seeded(s), shape, dtype),
            positions=np.arange(start, start + T),
            theta=_theta(hd),
            note={
                100: "positions 100..103: a decoding step far into the sequence",
                4096: "positions from 4096 in float64: the angles m * theta need float64 thetas (a float32 theta is "
                "off by ~1e-8 relative, 1e-4 rad at m = 4096)",
            }.get(start, "head_dim 2: one pair, one frequency" if hd == 2 else ""),
        )
    s = 46010
    yield case(
        "yarn_frequencies",
        s,
        x=randn(seeded(s), (1, 2, 5, 8), "float32"),
        positions=np.array([0, 3, 1000, 4000, 9]),
        theta=_theta(8) / np.array([4.0, 2.0, 1.5, 1.0]),
        note="any theta: here YaRN-scaled ones, positions out of order",
    )
    # drawn afresh each run: (B, H, T, head_dim) with an even head_dim, and where the positions start
    for rng, shape, dtype, s in fresh([(2, 3, 6, 8), (3, 5, 2)], seed=46100, n=1, draw_shape=_rope_shape):
        start = int(rng.integers(0, 300))
        yield case(
            "fresh",
            s,
            x=randn(rng, shape, dtype),
            positions=np.arange(start, start + shape[-2]),
            theta=_theta(shape[-1]),
            note=f"positions from {start}",
        )


def _rope_shape(rng, template):
    lead = tuple(int(d) for d in rng.integers(1, 5, size=len(template) - 2))
    return lead + (int(rng.integers(1, 9)), 2 * int(rng.integers(1, 9)))


def yarn_cases():
    yield case(
        "llama2_64k",
        head_dim=128,
        base=10000.0,
        scale=16.0,
        original_max_position=4096,
        note="s = 16 over L = 4096: high frequencies kept, low ones divided by 16, the ramp in between",
    )
    yield case("s4_L2048", head_dim=64, scale=4.0, original_max_position=2048)
    yield case(
        "alpha2_beta16",
        head_dim=64,
        base=500000.0,
        scale=8.0,
        original_max_position=8192,
        alpha=2.0,
        beta=16.0,
        note="alpha / beta given: the ramp runs from r = 2 to r = 16",
    )
    yield case("scale_1", head_dim=32, scale=1.0, original_max_position=512, note="s = 1: plain RoPE frequencies")


def mscale_cases():
    for s in (1.0, 2.0, 4.0, 16.0, 40.0):
        yield case(f"s{s:g}", scale=s)
    yield case("s0.5", scale=0.5, note="s <= 1: no extension, no temperature (1.0)")


# -- known mistakes -----------------------------------------------------------------------------------


def _rotate_half(x, positions, theta):
    """GPT-NeoX / Hugging Face layout: feature i pairs with i + d/2."""
    import torch

    angles = positions.to(torch.float64)[:, None] * theta.to(torch.float64)[None, :]
    cos, sin = torch.cat([angles.cos()] * 2, -1).to(x.dtype), torch.cat([angles.sin()] * 2, -1).to(x.dtype)
    x1, x2 = x.chunk(2, dim=-1)
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


def _clockwise(x, positions, theta):
    from reference_impls.torch.rope import apply_rope

    return apply_rope(x, positions, -theta)


def _yarn_ramp_reversed(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    import math

    from reference_impls.torch.rope import rope_frequencies

    theta = rope_frequencies(head_dim, base)
    gamma = ((original_max_position * theta / (2 * math.pi) - alpha) / (beta - alpha)).clamp(0, 1)
    return gamma * theta / scale + (1 - gamma) * theta


def _yarn_dimension_ramp(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    """Hugging Face's _compute_yarn_parameters: a ramp linear in the dimension index, with floor / ceil ends."""
    import math

    import torch

    def dim_of(rotations):
        return head_dim * math.log(original_max_position / (rotations * 2 * math.pi)) / (2 * math.log(base))

    low, high = max(math.floor(dim_of(beta)), 0), min(math.ceil(dim_of(alpha)), head_dim - 1)
    high = high + 0.001 if low == high else high
    ramp = ((torch.arange(head_dim // 2, dtype=torch.float64) - low) / (high - low)).clamp(0, 1)
    theta = base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    extrapolation = 1 - ramp
    return theta / scale * (1 - extrapolation) + theta * extrapolation


def _mscale_log10(scale):
    import math

    return 0.1 * math.log10(scale) + 1.0 if scale > 1 else 1.0


def _mscale_no_guard(scale):
    import math

    return 0.1 * math.log(scale) + 1.0


def _mscale_squared(scale):
    import math

    return (0.1 * math.log(scale) + 1.0) ** 2 if scale > 1 else 1.0


EXERCISE = scoped(
    Exercise.of(
        info("rope"),
        preamble=PREAMBLE,
        task="""RoPE (Su et al., RoFormer, Eq. 14-15) rotates each pair of features (x_2i, x_2i+1) of a query or
key at position m by the angle m * theta_i; the dot product of two rotated vectors then depends
on the relative position only. YaRN (Peng et al. 2023) rescales the thetas to run a model past
its training length L.

1. rope_frequencies(head_dim, base=10000.0): (head_dim/2,) float64, theta_i = base^(-2i/head_dim).
2. apply_rope(x, positions, theta): x (..., T, head_dim), positions (T,) int64, theta (head_dim/2,)
   float64 -> same shape and dtype as x:
       out_2i   = x_2i cos(m theta_i) - x_2i+1 sin(m theta_i)
       out_2i+1 = x_2i sin(m theta_i) + x_2i+1 cos(m theta_i)
   (ADJACENT pairs, as the paper and Meta's Llama code; Hugging Face pairs i with i + d/2.)
   Compute the angles in float64, cast cos / sin to x.dtype.
3. yarn_frequencies(head_dim, base, scale, original_max_position, alpha=1, beta=32): the paper's
   "NTK-by-parts" (Sec. 3.2), per dimension d with wavelength lambda_d = 2 pi / theta_d:
       r = L / lambda_d;  gamma = 0 if r < alpha, 1 if r > beta, (r - alpha) / (beta - alpha) between
       h(theta_d) = (1 - gamma) * theta_d / s + gamma * theta_d                 (s = scale)
   Thetas and h may be computed in float32 and returned as float64: both checks allow 1e-6 relative.
4. yarn_attention_scale(scale): sqrt(1/t) = 0.1 ln(s) + 1 for s > 1, else 1.0 (Sec. 3.4): a float
   that multiplies q and k (so the logits by 1/t).
Check: rotate q at m and k at n, then both at m + 5 and n + 5: the same score.""",
        entry_points=(
            EntryPoint("rope_frequencies", "(head_dim, base=10000.0)", "(head_dim / 2,) torch.float64 thetas."),
            EntryPoint(
                "apply_rope",
                "(x, positions, theta)",
                "x (..., T, head_dim) rotated by positions[t] * theta; same shape and dtype.",
            ),
            EntryPoint(
                "yarn_frequencies",
                "(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0)",
                "(head_dim / 2,) torch.float64: YaRN's h(theta_d).",
            ),
            EntryPoint("yarn_attention_scale", "(scale)", "A Python float: 0.1 ln(scale) + 1 for scale > 1, else 1.0."),
        ),
        checks=(
            Check(
                "frequencies",
                "rope_frequencies",
                freq_cases,
                call=fn_call("rope_frequencies"),
                tolerance=THETA_TOL,
                description="head_dim 8 / 64, base 500000",
            ),
            Check(
                "apply_rope",
                "apply_rope",
                rope_cases,
                call=fn_call("apply_rope"),
                tolerance={"float32": (1e-5, 1e-5)},
                description="float32/64, positions from 0, 100 and 4096 (float64), head_dim 2, given (YaRN) thetas",
            ),
            Check(
                "yarn",
                "yarn_frequencies",
                yarn_cases,
                call=fn_call("yarn_frequencies"),
                tolerance=THETA_TOL,
                description="Llama 2 at 64k, s 4, alpha 2 / beta 16, s 1",
            ),
            Check(
                "temperature",
                "yarn_attention_scale",
                mscale_cases,
                call=fn_call("yarn_attention_scale"),
                description="s 1, 2, 4, 16, 40, 0.5",
            ),
        ),
        equivalent_mutants=(
            Equivalent(
                "apply_rope",
                "positions.to(torch.float64)",
                "positions[:, None]",
                "int64 positions times float64 thetas promote to float64: the cast is implicit",
            ),
            Equivalent(
                "apply_rope",
                "positions.to(torch.float64)",
                "positions.to(torch.float32)",
                "positions are integers below 2^24, exact in float32, and the product with float64 thetas is float64",
            ),
            Equivalent(
                "apply_rope",
                "theta.to(torch.float64)",
                "theta[None, :]",
                "theta is float64 (the task's dtype) or float32, which the float64 positions promote exactly",
            ),
            Equivalent(
                "yarn_attention_scale",
                "if scale > 1",
                "if scale >= 1",
                "at scale 1 both branches give 1.0 (0.1 ln 1 + 1)",
            ),
        ),
        probes=(
            Probe(float32_hint("rotation"), when=computed_in_float32, checks=("apply_rope",)),
            Probe(
                "features paired as (i, i + d/2) (GPT-NeoX / Hugging Face's rotate_half): this exercise rotates ADJACENT "
                "pairs (x_2i, x_2i+1), as the RoPE paper and Meta's Llama code",
                impl={"apply_rope": _rotate_half},
            ),
            Probe(
                "rotated the wrong way: out_2i = x_2i cos - x_2i+1 sin, out_2i+1 = x_2i sin + x_2i+1 cos",
                impl={"apply_rope": _clockwise},
            ),
            Probe(
                "the rotated pairs are written back as two halves (torch.cat: every out_2i, then every out_2i+1): "
                "interleave them back into place, torch.stack([out_even, out_odd], dim=-1).flatten(-2)",
                impl="wrong/rope/halves_not_interleaved.py",
                checks=("apply_rope",),
            ),
            Probe(
                "positions ignored: row t is rotated by positions[t] * theta (a decoding step starts far from 0), "
                "not by its index t",
                impl="wrong/rope/positions_ignored.py",
                checks=("apply_rope",),
            ),
            Probe(
                "YaRN's r without 2 pi: the wavelength is lambda_d = 2 pi / theta_d, so r = L / lambda_d = "
                "L * theta_d / (2 pi)",
                impl="wrong/rope/yarn_turns_without_2pi.py",
                checks=("yarn",),
            ),
            Probe(
                "YaRN's ratio is inverted: r = L / lambda_d, the number of turns dimension d makes over the training "
                "context (many for high frequencies), not lambda_d / L",
                impl="wrong/rope/yarn_ratio_inverted.py",
                checks=("yarn",),
            ),
            Probe(
                "the YaRN ramp is reversed: HIGH frequencies (r > beta, many turns over L) keep theta_d, LOW ones (r < alpha) "
                "are divided by s",
                impl={"yarn_frequencies": _yarn_ramp_reversed},
            ),
            Probe(
                "a ramp over dimension indices with floor / ceil ends (Hugging Face's and the YaRN repo's code): the paper's "
                "gamma is linear in r = L / lambda_d",
                impl={"yarn_frequencies": _yarn_dimension_ramp},
            ),
            Probe(
                "the temperature uses the natural log: sqrt(1/t) = 0.1 ln(s) + 1 (math.log)",
                impl={"yarn_attention_scale": _mscale_log10},
            ),
            Probe(
                "no extension, no temperature: return 1.0 when scale <= 1",
                impl={"yarn_attention_scale": _mscale_no_guard},
            ),
            Probe(
                "0.1 ln(s) + 1 is sqrt(1/t), the factor on q and on k: not squared",
                impl={"yarn_attention_scale": _mscale_squared},
            ),
            Probe(
                "theta_i = base^(-2i/d) for i = 0 .. d/2 - 1: the exponent steps by 2/d (torch.arange(0, d, 2) / d)",
                impl="wrong/rope/exponent_i_over_d.py",
                checks=("frequencies",),
            ),
        ),
    )
)
