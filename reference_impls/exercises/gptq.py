"""Exercise: GPTQ on one layer: column-by-column quantization with error compensation, beating round-to-nearest."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._torch_io import call_torch, to_torch


def _layer(seed, d_out, d_in, n):
    """W (d_out, d_in) and correlated calibration inputs X (d_in, n), float64."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d_out, d_in))
    mix = rng.standard_normal((d_in, d_in)) / np.sqrt(d_in) + np.eye(d_in)
    return W, mix @ rng.standard_normal((d_in, n))


def params_cases():
    rng = np.random.default_rng(1900)
    yield Case(
        "4_bits",
        (rng.standard_normal((5, 9)),),
        {"bits": 4},
        seed=1900,
        note="per output row: min/max widened to include 0",
    )
    yield Case("2_bits_float32", (rng.standard_normal((3, 6)).astype("float32"),), {"bits": 2}, seed=1900)
    yield Case(
        "all_positive_row_and_zero_row",
        (np.array([[0.5, 1.0, 2.0], [0.0, 0.0, 0.0], [-1.0, 0.0, 3.0], [-0.5, -0.25, -0.75]]),),
        {"bits": 3},
        note="a row of zeros gets [-1, 1] (so its scale is not 0); an all-negative row's max is widened to 0",
    )


def quantize_cases():
    from reference_impls.torch.gptq import quantizer_params

    for k, (bits, dtype) in enumerate([(4, "float64"), (2, "float32")]):
        rng = np.random.default_rng(1950 + k)
        W = rng.standard_normal((3, 8))
        scale, zero = (t.numpy() for t in quantizer_params(to_torch(W), bits))
        w = W * 1.6  # beyond the row's [min, max]: GPTQ's updated columns leave the range the grid was fitted to
        yield Case(
            f"saturating_{bits}bit_{dtype}",
            (w.astype(dtype), scale.astype(dtype), zero.astype(dtype)),
            {"bits": bits},
            seed=1950 + k,
            note="values past the grid's ends clamp to levels 0 and 2^bits - 1",
        )


def gptq_cases():
    for k, (d_out, d_in, n, bits, note) in enumerate(
        [
            (6, 12, 40, 4, "4-bit, more samples than inputs"),
            (4, 16, 8, 3, "8 samples for 16 inputs: H is singular, the dampening makes it invertible"),
            (8, 8, 64, 2, "2-bit: the error compensation matters most"),
        ]
    ):
        W, X = _layer(2000 + k, d_out, d_in, n)
        yield Case(f"{d_out}x{d_in}_n{n}_{bits}bit", (W, X), {"bits": bits}, seed=2000 + k, note=note)
    W, X = _layer(2010, 4, 6, 20)
    X[2] = 0
    yield Case(
        "dead_input",
        (W, X),
        {"bits": 4},
        seed=2010,
        note="an input that is always 0: H[i, i] = 0; set it to 1, zero W[:, i]",
    )
    W, X = _layer(2012, 8, 12, 24)
    X[1] = 0
    yield Case(
        "dead_input_activations_0.03",
        (W, X * 0.03),
        {"bits": 3},
        seed=2012,
        note="activations ~0.03 and a dead input: H[i, i] = 1 weighs on mean(diag H), so the scale of H matters",
    )
    W, X = _layer(2013, 4, 136, 160)
    yield Case(
        "136_inputs",
        (W, X),
        {"bits": 4},
        seed=2013,
        note="more than 128 columns: with lazy batches (AutoGPTQ's blocksize 128) each block's error reaches the next",
    )
    W, X = _layer(2011, 6, 8, 6)
    X[1] = 0
    yield Case(
        "dead_input_small_activations",
        (W, X * 0.01),
        {"bits": 3},
        seed=2011,
        note="activations ~0.01 and a dead input: its H[i, i] = 1 dominates mean(diag H), hence the dampening",
    )


def _errors(impl, W, X, bits=4):
    """||W X - Q X|| for the learner's GPTQ and RTN; passes when GPTQ is at most 2% above the reference's and
    clearly better than the learner's own RTN."""
    Wt, Xt = to_torch(W), to_torch(X)
    err = lambda Q: float(((Wt - Q) @ Xt).norm())
    return {"gptq": err(impl.gptq_quantize(Wt, Xt, bits)), "rtn": err(impl.rtn_quantize(Wt, bits))}


def _beats_rtn(expected, actual, case):
    if actual["gptq"] > 1.02 * expected["gptq"]:
        return f"GPTQ's ||WX - QX|| is {actual['gptq']:.4g}, the reference's {expected['gptq']:.4g}"
    if actual["gptq"] > 0.9 * actual["rtn"]:
        return f"GPTQ's ||WX - QX|| {actual['gptq']:.4g} is not clearly below round-to-nearest's {actual['rtn']:.4g}"
    return None


def beats_cases():
    for k, bits in enumerate([4, 3]):
        W, X = _layer(2100 + k, 32, 64, 256)
        yield Case(
            f"32x64_{bits}bit",
            (W, X),
            {"bits": bits},
            seed=2100 + k,
            note="the reconstruction error on the calibration inputs, against your own round-to-nearest",
        )


# -- known mistakes ---------------------------------------------------------------------------------


def _gptq(variant):
    def gptq_quantize(W, X, bits=4, percdamp=0.01):
        import torch

        from reference_impls.torch.gptq import quantize, quantizer_params

        if variant == "symmetric":
            quantizer_params = _symmetric_params  # noqa: F811 - AutoGPTQ's sym=True grid in place of the task's
        W = W.clone()
        d = W.shape[1]
        scale, zero = quantizer_params(W, bits)
        H = 2 * X @ X.T / (X.shape[1] if variant == "h_over_n" else 1)
        dead = torch.diag(H) == 0
        H[dead, dead] = 1
        if variant != "keep_dead":
            W[:, dead] = 0
        if variant != "no_damp":
            H += percdamp * torch.diag(H).mean() * torch.eye(d, dtype=H.dtype)
        order = torch.arange(d)
        if variant == "act_order":  # AutoGPTQ's desc_act: the columns by decreasing diag(H)
            order = torch.argsort(torch.diag(H), descending=True)
            W, H = W[:, order], H[order][:, order]
        if variant == "full_inverse":
            U = torch.linalg.inv(H)
        else:
            U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
        Q = torch.zeros_like(W)
        for i in range(d):
            if variant == "params_refit":
                scale, zero = quantizer_params(W, bits)
            grid = quantizer_params(W[:, i : i + 1], bits) if variant == "params_per_column" else (scale, zero)
            q = quantize(W[:, i : i + 1], *grid, bits)[:, 0]
            Q[:, i] = q
            if variant == "no_compensation":
                continue
            err = (W[:, i] - q) / (1.0 if variant == "err_not_divided" else U[i, i])
            end = min((i // 128 + 1) * 128, d) if variant == "blocks_not_updated" else d  # lazy batches of 128
            W[:, i:end] -= err[:, None] * U[i, i:end][None, :]
        return Q[:, torch.argsort(order)]

    return gptq_quantize


def _with_rtn(gptq_quantize):
    """A probe's impl for every check of gptq_quantize, beats_rtn included (which also calls rtn_quantize)."""

    def rtn_quantize(W, bits=4):
        from reference_impls.torch.gptq import rtn_quantize

        return rtn_quantize(W, bits)

    return {"gptq_quantize": gptq_quantize, "rtn_quantize": rtn_quantize}


def _symmetric_params(W, bits=4):
    """AutoGPTQ's sym=True grid: xmax = max(|xmin|, xmax), xmin = -xmax, zero in the middle, (maxq + 1) / 2."""
    import torch

    maxq = 2**bits - 1
    xmin, xmax = W.min(dim=1).values.clamp(max=0), W.max(dim=1).values.clamp(min=0)
    xmax = torch.maximum(xmin.abs(), xmax)
    xmin = torch.where(xmin < 0, -xmax, xmin)
    both_zero = (xmin == 0) & (xmax == 0)
    xmin, xmax = torch.where(both_zero, -1.0, xmin), torch.where(both_zero, 1.0, xmax)
    scale = (xmax - xmin) / maxq
    return scale[:, None], torch.full_like(scale, (maxq + 1) / 2)[:, None]


def _symmetric_rtn(W, bits=4):
    from reference_impls.torch.gptq import quantize

    return quantize(W, *_symmetric_params(W, bits), bits)


EXERCISE = Exercise.of(
    info("gptq"),
    preamble="import torch\n",
    task="""GPTQ (Frantar et al. 2023, Algorithm 1) quantizes a layer's weights W (d_out, d_in) one input
column at a time and lets the columns not yet quantized absorb each column's rounding error, so that
W X stays close on calibration inputs X (d_in, n).

1. `quantizer_params(W, bits)`: per output row, asymmetric min-max: xmin = min(row min, 0), xmax =
   max(row max, 0) (a row of zeros: -1 and 1), scale = (xmax - xmin) / (2^bits - 1),
   zero = round(-xmin / scale); both shaped (d_out, 1).
2. `quantize(w, scale, zero, bits)`: scale * (clamp(round(w / scale) + zero, 0, 2^bits - 1) - zero).
3. `rtn_quantize(W, bits)`: round to nearest, the baseline: quantize(W, *quantizer_params(W, bits), bits).
4. `gptq_quantize(W, X, bits, percdamp=0.01)`: scale and zero from the original W (fixed); H = 2 X X^T
   (not divided by n: with a dead input, whose H[i, i] becomes 1, the scale of H changes the dampening);
   where diag(H) is 0 set it to 1 and W's column to 0; H += percdamp * mean(diag H) * I;
   U = cholesky(cholesky_inverse(cholesky(H)), upper=True) (H^-1 = U^T U); then for i = 0 .. d_in-1:
   Q[:, i] = quantize(W[:, i]); err = (W[:, i] - Q[:, i]) / U[i, i]; W[:, i:] -= outer(err, U[i, i:]).
   Return Q (dequantized, W's dtype), computed in W's dtype (no .float(): float32 flips rounding decisions
   on float64 weights). Work on a copy of W.

Row i of the upper Cholesky factor of H^-1 is, up to scale, the OBS update over the columns left
(the reference's test checks it against explicit inverses of the shrinking Hessian).""",
    entry_points=(
        EntryPoint("quantizer_params", "(W, bits=4)", "(scale, zero), each (d_out, 1): asymmetric min-max per row."),
        EntryPoint("quantize", "(w, scale, zero, bits=4)", "Quantize-dequantize w with the given scale and zero."),
        EntryPoint("rtn_quantize", "(W, bits=4)", "Round-to-nearest quantization of W (dequantized)."),
        EntryPoint(
            "gptq_quantize",
            "(W, X, bits=4, percdamp=0.01)",
            "GPTQ's Q (dequantized) for W (d_out, d_in) and X (d_in, n).",
        ),
    ),
    checks=(
        Check(
            "params",
            "quantizer_params",
            params_cases,
            call=call_torch("quantizer_params"),
            description="4-bit, 2-bit float32; an all-positive, an all-negative and a zero row",
        ),
        Check(
            "quantize",
            "quantize",
            quantize_cases,
            call=call_torch("quantize"),
            description="4-bit float64, 2-bit float32: values past both ends of the grid",
        ),
        Check("rtn", "rtn_quantize", params_cases, call=call_torch("rtn_quantize"), description="the same weights"),
        Check(
            "gptq",
            "gptq_quantize",
            gptq_cases,
            call=call_torch("gptq_quantize"),
            description="6x12 (n 40, 4-bit), 4x16 with n 8 (singular H), 8x8 (2-bit), a dead input; float64",
        ),
        Check(
            "beats_rtn",
            "gptq_quantize",
            beats_cases,
            call=_errors,
            compare=_beats_rtn,
            description="32x64, n 256, 4 and 3 bits: ||WX - QX|| within 2% of the reference's and below 0.9 x RTN's",
        ),
    ),
    probes=(
        Probe(
            "Q equals round-to-nearest here: no column absorbed the quantization error; after quantizing column i, "
            "update the remaining columns W[:, i:] -= outer((w - q) / U[i, i], U[i, i:]), with U the UPPER Cholesky "
            "factor of H^-1 (the lower factor's row i is zero right of i: no update)",
            impl={"gptq_quantize": _gptq("no_compensation")},
        ),
        Probe(
            "the rows of H^-1 itself are not the update: use the upper Cholesky factor of H^-1, whose row i is "
            "the inverse Hessian of the columns not yet quantized (after the earlier ones were fixed)",
            impl={"gptq_quantize": _gptq("full_inverse")},
        ),
        Probe(
            "the error was pushed onto the next column only: every column not yet quantized absorbs part of it, "
            "W[:, i:] -= outer(err, U[i, i:])",
            impl="wrong/gptq/next_column_only.py",
            checks=("gptq", "beats_rtn"),
        ),
        Probe(
            "the error stayed inside its block of 128 columns: after each lazy batch, push the block's errors onto "
            "every later column, W[:, i2:] -= Err1 @ Hinv[i1:i2, i2:]",
            impl={"gptq_quantize": _gptq("blocks_not_updated")},
            checks=("gptq",),
        ),
        Probe(
            "H was divided by the number of samples (AutoGPTQ's running mean, 2/n X X^T): the task's H is 2 X X^T; the "
            "scale matters through a dead input, whose H[i, i] = 1 enters mean(diag H) and so the dampening",
            impl={"gptq_quantize": _gptq("h_over_n")},
            checks=("gptq",),
        ),
        Probe(
            "the error was not divided by U[i, i]: the OBS update is err = (w - q) / U[i, i], then "
            "W[:, i:] -= outer(err, U[i, i:]) (so that column i itself moves by exactly w - q)",
            impl=_with_rtn(_gptq("err_not_divided")),
        ),
        Probe(
            "a dead input's weights were kept: where diag(H) is 0 (the input is always 0) set W[:, i] = 0 as well "
            "as H[i, i] = 1, so its column quantizes to 0",
            impl={"gptq_quantize": _gptq("keep_dead")},
            checks=("gptq",),
        ),
        Probe(
            "the grid was fitted per column: scale and zero are per output ROW, fitted once on the whole original W "
            "(quantizer_params(W)) before the loop, and used for every column",
            impl={"gptq_quantize": _gptq("params_per_column")},
        ),
        Probe(
            "the grid was refitted on the updated W inside the loop: scale and zero come from the ORIGINAL W, fixed "
            "before the first column (the updates push columns past its range: those values clamp)",
            impl={"gptq_quantize": _gptq("params_refit")},
        ),
        Probe(
            "columns in order of decreasing diag(H) (act_order / desc_act): a valid GPTQ option, but the task "
            "quantizes the columns in their own order, 0 .. d_in - 1",
            impl={"gptq_quantize": _gptq("act_order")},
            checks=("gptq",),
        ),
        Probe(
            "a symmetric grid (AutoGPTQ's sym=True: xmax = max(|xmin|, xmax), zero = 2^(bits-1)): the task's grid is "
            "asymmetric min-max, xmin = min(row min, 0), xmax = max(row max, 0), zero = round(-xmin / scale)",
            impl={
                "quantizer_params": _symmetric_params,
                "rtn_quantize": _symmetric_rtn,
                "gptq_quantize": _gptq("symmetric"),
            },
        ),
        Probe(
            "no dampening: with fewer samples than inputs H is singular and Cholesky fails; add "
            "percdamp * mean(diag H) to the diagonal",
            impl={"gptq_quantize": _gptq("no_damp")},
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "gptq_quantize",
            "torch.eye(d_in, dtype=H.dtype)",
            "torch.eye(d_in)",
            "a float32 identity added to float64 H promotes to float64; its entries 0 and 1 are exact",
        ),
        Equivalent("gptq_quantize", "[:, 0]", "[:, -1]", "w[:, None] has one column: index 0 and -1 are the same"),
    ),
)
