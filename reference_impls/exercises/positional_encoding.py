"""Exercise: sinusoidal positional encoding and learned position embeddings."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch import (
    build,
    case,
    fn_call,
    not_a_module,
    randn,
    random_params,
    scoped,
    seeded,
    to_numpy,
    to_torch,
)


def _angles_in_float32(case, actual, expected):
    """A float64 encoding right only to float32 precision: positions and frequencies built in float32."""
    import numpy as np

    from reference_impls.exercises._precision import FLOAT32

    a, e = np.asarray(actual), np.asarray(expected)
    if e.dtype != np.float64 or a.shape != e.shape or a.dtype.kind != "f":
        return False
    rtol, atol = FLOAT32
    return bool(np.allclose(a, e, rtol=rtol, atol=atol)) and not np.allclose(a, e, rtol=1e-12, atol=1e-15)


PREAMBLE = "import math\n\nimport torch\nfrom torch import nn\n"


def sinusoidal_cases():
    import torch

    yield case("T10_d8", T=10, d=8)
    yield case("T50_d16_float64", T=50, d=16, dtype=torch.float64, note="float64: compute the angles in float64")
    yield case("T1", T=1, d=4, note="position 0: sin 0 = 0, cos 0 = 1")
    yield case("odd_d", T=6, d=5, note="odd d: the last column is a sine without its cosine")
    yield case("base_100", T=8, d=6, base=100.0, note="another base: 100^(2i/d)")
    for rng, (T, d), dtype, s in fresh([(10, 8), (1, 5), (50, 16)], seed=45100, n=1):  # sizes drawn afresh
        yield case("fresh", s, T=T, d=d, dtype=getattr(torch, dtype), base=float(rng.choice([100.0, 10000.0])))


def learned_cases():
    from reference_impls.torch.positions import LearnedPositionalEmbedding

    for n, (block, C, T, dtype) in enumerate([(8, 4, 5, "float32"), (6, 8, 6, "float64"), (4, 4, 1, "float32")]):
        s = 45000 + n
        yield case(
            f"T{T}_of_{block}",
            s,
            init={"block_size": block, "n_embd": C},
            params=random_params(LearnedPositionalEmbedding(block, C), s, dtype=dtype),
            x=randn(seeded(s), (2, T, C), dtype),
            note="T = block_size: every row of wpe" if T == block else "",
        )
    s = 45010
    yield case(
        "longer_than_block_size",
        s,
        init={"block_size": 4, "n_embd": 4},
        params=random_params(LearnedPositionalEmbedding(4, 4), s),
        x=randn(seeded(s), (1, 6, 4), "float32"),
        note="T = 6 > block_size = 4: raise ValueError (there is no embedding for position 4)",
    )
    for rng, (block, C), dtype, s in fresh([(8, 4), (3, 5)], seed=45050, n=1):  # sizes drawn afresh
        T, B = int(rng.integers(1, block + 1)), int(rng.integers(1, 4))
        yield case(
            "fresh",
            s,
            init={"block_size": block, "n_embd": C},
            params=random_params(LearnedPositionalEmbedding(block, C), s, dtype=dtype),
            x=randn(rng, (B, T, C), dtype),
        )


def learned_call(impl, init, params, x):
    import torch

    emb = build(impl, "LearnedPositionalEmbedding", init, params, str(x.dtype))
    with torch.no_grad():
        try:
            return to_numpy(emb(to_torch(x)))
        except ValueError:
            return "raised ValueError"


def _t2t(T, d, base=10000.0, dtype=None):
    """tensor2tensor's get_timing_signal_1d layout: all sines, then all cosines."""
    import torch

    from reference_impls.torch.positions import sinusoidal_encoding

    pe = sinusoidal_encoding(T, d, base, torch.float64)
    return torch.cat([pe[:, 0::2], pe[:, 1::2]], dim=1).to(dtype or torch.float32)


def _exponent_i_over_d(T, d, base=10000.0, dtype=None):
    import torch

    pos = torch.arange(T, dtype=torch.float64)[:, None]
    angles = pos / base ** (torch.arange(0, d, 2, dtype=torch.float64) / 2 / d)  # i / d instead of 2i / d
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(angles), torch.cos(angles[:, : d // 2])
    return pe.to(dtype or torch.float32)


EXERCISE = scoped(
    Exercise.of(
        info("positional_encoding"),
        preamble=PREAMBLE,
        task="""Attention is permutation-invariant: positions must be added to the token embeddings.

1. sinusoidal_encoding(T, d, base=10000.0, dtype=torch.float32) -> (T, d) (Vaswani et al., Sec. 3.5):
       PE[pos, 2i] = sin(pos / base^(2i/d)),   PE[pos, 2i+1] = cos(pos / base^(2i/d))
   sines in the even columns, cosines in the odd ones (interleaved); an odd d ends with a sine.
   Compute in float64, return `dtype`.
2. LearnedPositionalEmbedding(block_size, n_embd): an nn.Module with wpe = nn.Embedding(block_size,
   n_embd) (GPT-2's). forward(x (B, T, C)) -> x + wpe(positions 0..T-1); raise ValueError when
   T > block_size (a learned table cannot extrapolate; the sinusoid can).
Compare: plot both; which one generalizes past the training length, and why is PE[pos + k] a
linear function of PE[pos]?""",
        entry_points=(
            EntryPoint("sinusoidal_encoding", "(T, d, base=10000.0, dtype=torch.float32)", "(T, d) tensor of `dtype`."),
            EntryPoint(
                "LearnedPositionalEmbedding",
                "(self, block_size, n_embd)",
                "nn.Module holding wpe = nn.Embedding(block_size, n_embd).",
                kind="class",
                base="nn.Module",
                methods=(
                    EntryPoint("forward", "(self, x)", "x (B, T, C) -> x + wpe[:T]; ValueError if T > block_size."),
                ),
            ),
        ),
        checks=(
            Check(
                "sinusoidal",
                "sinusoidal_encoding",
                sinusoidal_cases,
                call=fn_call("sinusoidal_encoding"),
                # float64: a few float64 operations per entry (~1e-15), so values rounded to float32 (6e-8) fail
                tolerance={"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)},
                description="T 10 / 50 / 1, d 8 / 16 / odd 5, float32/64, base 100",
            ),
            Check(
                "learned",
                "LearnedPositionalEmbedding",
                learned_cases,
                call=learned_call,
                description="T < and = block_size, float32/64, T = 1; T > block_size raises ValueError",
            ),
        ),
        probes=(
            Probe(
                "computed in float32: your float64 encoding agrees with the reference only to float32 precision "
                "(~1e-7 relative); build the positions and frequencies in float64 (torch.arange(T, "
                "dtype=torch.float64); torch.arange(0, d, 2).float() is float32) and cast to `dtype` at the end",
                when=_angles_in_float32,
                checks=("sinusoidal",),
            ),
            Probe(
                "sines and cosines in two halves (tensor2tensor's layout): here they interleave, sin in column 2i, cos in 2i + 1",
                impl={"sinusoidal_encoding": _t2t},
            ),
            Probe(
                "the exponent is 2i / d for the pair (2i, 2i + 1): base^(2i/d), not base^(i/d)",
                impl={"sinusoidal_encoding": _exponent_i_over_d},
            ),
            Probe(
                "no ValueError for T > block_size: a learned table has no row for those positions; check T first",
                when=lambda case, actual, expected: isinstance(expected, str) and expected == "raised ValueError",
            ),
            Probe(
                "not an nn.Module: write `class LearnedPositionalEmbedding(nn.Module):` and call super().__init__() first",
                when=not_a_module,
            ),
            Probe(
                "the columns of sin and cos are swapped: even columns (0, 2, ...) hold sin, odd ones cos",
                impl="wrong/positional_encoding/cos_first.py",
                checks=("sinusoidal",),
            ),
        ),
        equivalent_mutants=(
            *(
                Equivalent(
                    "sinusoidal_encoding",
                    "pos = torch.arange(T, dtype=torch.float64)",
                    edit,
                    "positions are integers, exact in int64 and float32; pos * inv_freq promotes to float64 either way",
                )
                for edit in ("torch.arange(T)[", "torch.arange(T, dtype=torch.float32)")
            ),
        ),
    )
)
