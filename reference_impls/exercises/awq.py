"""Exercise: AWQ's activation-aware scale search, group-wise INT4 / INT3, and folding the scales away."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._torch_io import call_torch

# The errors are means of squares: llm-awq itself computes them in float32 (`.float().pow(2).mean()`).
LOSS_TOLERANCE = {"float64": (1e-5, 1e-9)}


def _layer(seed, tokens=48, d_in=64, d_out=16, salient=(5, 22, 41), boost=25.0, dtype="float32"):
    """Activations where a few input channels are large in every token (as in LLMs), and a weight."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((tokens, d_in))
    x[:, list(salient)] *= boost
    return x.astype(dtype), rng.standard_normal((d_out, d_in)).astype(dtype)


def quantize_cases():
    rng = np.random.default_rng(4100)
    for k, (n_bit, group_size, dtype) in enumerate([(4, 32, "float32"), (3, 16, "float64"), (4, 64, "float32")]):
        w = rng.standard_normal((6, 64)) * rng.uniform(0.1, 2, (6, 1)) + 0.1
        yield Case(
            f"int{n_bit}_groups_of_{group_size}",
            (w.astype(dtype),),
            {"n_bit": n_bit, "group_size": group_size},
            seed=4100 + k,
            note="one (scale, zero point) per group of consecutive weights in a row; asymmetric, 0 .. 2^n - 1",
        )
    w = rng.standard_normal((2, 32)).astype("float32")
    w[1, :16] = 0.7
    yield Case(
        "constant_group",
        (w,),
        {"n_bit": 4, "group_size": 16},
        seed=4110,
        note="a group of equal weights: max - min = 0 is clamped to 1e-5 (no 0 / 0)",
    )
    w = rng.standard_normal((3, 32)) * 0.05
    w[0] += 1.0
    w[1] -= 1.0
    yield Case(
        "all_positive_and_all_negative_rows",
        (w.astype("float32"),),
        {"n_bit": 4, "group_size": 16},
        seed=4120,
        note="rows near +1 and -1: the zero point is clamped to 0 and to 2^n - 1, and codes clamp at 0",
    )


def scale_cases():
    x, _ = _layer(4200)
    yield Case("tokens_by_channels", (x,), seed=4200, note="mean |x| over the tokens: one value per input channel")
    x, _ = _layer(4201, dtype="float64")
    yield Case("batched_3d_float64", (x.reshape(4, 12, 64),), seed=4201, note="(batch, tokens, d_in): every token")


def search_cases():
    for k, (n_bit, group_size, n_grid, dtype) in enumerate(
        [(4, 32, 20, "float32"), (3, 16, 10, "float64"), (4, 64, 20, "float64")]
    ):
        x, w = _layer(4300 + k, dtype=dtype)
        yield Case(
            f"int{n_bit}_g{group_size}_grid{n_grid}",
            (w, x),
            {"n_bit": n_bit, "group_size": group_size, "n_grid": n_grid},
            seed=4300 + k,
            note="three channels 25x larger than the rest: alpha > 0 wins",
        )
    x, w = _layer(4310, boost=1.0, dtype="float64")
    yield Case(
        "no_salient_channels",
        (w, x),
        {"n_bit": 4, "group_size": 32, "n_grid": 10},
        seed=4310,
        note="flat activations: the scales hardly matter; alpha 0 (plain rounding) is in the grid",
    )
    rng = np.random.default_rng(4320)
    x = np.where(rng.random((32, 64)) < 0.5, -1.0, 1.0)
    yield Case(
        "equal_channel_means_ties",
        (rng.standard_normal((8, 64)), x),
        {"n_bit": 4, "group_size": 32, "n_grid": 10},
        seed=4320,
        note="x = +-1: mean |x| is 1 in every channel, so every alpha gives scales 1 and the same error: "
        "the first alpha (0) is kept",
    )


def _search(impl, w, x, **kwargs):
    from reference_impls.exercises._torch_io import to_numpy, to_torch

    scales, alpha, errors = impl.search_scale(*to_torch((w, x)), **kwargs)
    return {"scales": to_numpy(scales), "alpha": np.float64(alpha), "errors": to_numpy(errors)}


def fold_cases():
    rng = np.random.default_rng(4400)
    for dtype in ("float32", "float64"):
        x, w = _layer(4400, dtype=dtype)
        s = (np.abs(x).mean(axis=0) ** 0.5).astype(dtype)
        yield Case(
            f"layernorm_{dtype}",
            (rng.uniform(0.5, 1.5, 64).astype(dtype), rng.uniform(-0.2, 0.2, 64).astype(dtype), w, s),
            seed=4400,
            note="gamma / s and beta / s, W's input columns times s: LayerNorm then Linear compute the same",
        )


def awq_cases():
    for k, (n_bit, group_size) in enumerate([(4, 32), (3, 32)]):
        x, w = _layer(4500 + k, dtype="float64")
        yield Case(
            f"int{n_bit}_g{group_size}",
            (w, x),
            {"n_bit": n_bit, "group_size": group_size},
            seed=4500 + k,
            note="the effective weight Q(W s) / s, and the output MSE of plain rounding (alpha 0) and of AWQ",
        )


# -- known mistakes ---------------------------------------------------------------------------------


def _symmetric_groups(w, n_bit=4, group_size=128):
    import torch

    g = w.reshape(-1, group_size)
    q_max = 2 ** (n_bit - 1) - 1
    scales = g.abs().amax(dim=1, keepdim=True).clamp(min=1e-5) / q_max
    return (torch.clamp(torch.round(g / scales), -q_max - 1, q_max) * scales).reshape(w.shape)


def _scales_not_normalized(w, x, n_bit=4, group_size=128, n_grid=20):
    import torch

    from reference_impls.torch.awq import activation_scale, pseudo_quantize

    x = x.reshape(-1, x.shape[-1])
    x_mean, reference = activation_scale(x), x @ w.T
    errors, best = [], None
    for i in range(n_grid):
        s = x_mean.pow(i / n_grid).clamp(min=1e-4)
        err = ((x @ (pseudo_quantize(w * s, n_bit, group_size) / s).T - reference) ** 2).mean()
        errors.append(err)
        if best is None or err < best[2]:
            best = (s, i / n_grid, err)
    return best[0], best[1], torch.stack(errors)


def _search_variant(endpoint=False, ties_last=False, act_max=False):
    """search_scale and awq_quantize with one mistake: alpha = i / (n_grid - 1), the last alpha of a tie kept, or
    the channels' max |x| in place of their mean."""

    def search_scale(w, x, n_bit=4, group_size=128, n_grid=20):
        import torch

        from reference_impls.torch.awq import activation_scale, pseudo_quantize

        x = x.reshape(-1, x.shape[-1])
        x_mean = x.abs().amax(dim=0) if act_max else activation_scale(x)
        reference = x @ w.T
        errors, best = [], None
        for i in range(n_grid):
            alpha = i / (n_grid - 1) if endpoint else i / n_grid
            s = x_mean.pow(alpha).clamp(min=1e-4)
            s = s / (s.max() * s.min()).sqrt()
            err = ((x @ (pseudo_quantize(w * s, n_bit, group_size) / s).T - reference) ** 2).mean()
            errors.append(err)
            if best is None or err < best[2] or (ties_last and err == best[2]):
                best = (s, alpha, err)
        return best[0], best[1], torch.stack(errors)

    def awq_quantize(w, x, n_bit=4, group_size=128, n_grid=20):
        from reference_impls.torch.awq import pseudo_quantize

        s, _, errors = search_scale(w, x, n_bit, group_size, n_grid)
        return pseudo_quantize(w * s, n_bit, group_size) / s, errors[0], errors.min()

    impl = {"search_scale": search_scale, "awq_quantize": awq_quantize}
    if act_max:
        impl["activation_scale"] = lambda x: x.abs().reshape(-1, x.shape[-1]).amax(dim=0)
    return impl


EXERCISE = Exercise.of(
    info("awq"),
    preamble="import torch\n",
    task="""AWQ (Lin et al. 2023): a few input channels of a Linear see much larger activations than the
others, so their weights matter most. Scale those weight columns up by s_j before quantizing and
divide the activation by s_j: the product is unchanged, the salient weights round more finely.

1. `pseudo_quantize(w, n_bit=4, group_size=128)`: quantize-dequantize w (out, in) group-wise, as
   llm-awq: per group of `group_size` consecutive weights of a row, s_q = max(max - min, 1e-5) /
   (2^n - 1), z = clamp(-round(min / s_q), 0, 2^n - 1), Q(w) = (clamp(round(w / s_q) + z, 0,
   2^n - 1) - z) * s_q. Same shape and dtype as w.
2. `activation_scale(x)`: mean |x| over every token, per input channel: (..., d_in) -> (d_in,).
3. `search_scale(w, x, n_bit=4, group_size=128, n_grid=20) -> (scales, alpha, errors)`: for
   alpha = i / n_grid, i = 0 .. n_grid - 1: s = activation_scale(x)^alpha clamped to >= 1e-4, then
   s / sqrt(max(s) * min(s)); the output error mean((x @ (Q(W * s) / s).T - x @ W.T)^2) (W * s scales
   input column j by s_j). Return the scales and alpha of the lowest error (the first on a tie) and
   the errors of all alphas as a tensor in x's dtype. alpha 0 (s = 1) is plain round-to-nearest.
4. `fold_scales(ln_weight, ln_bias, fc_weight, scales)`: the 1 / s goes into the op before the
   Linear, here a LayerNorm: (ln_weight / s, ln_bias / s, fc_weight * s): the same function, no cost.
5. `awq_quantize(w, x, n_bit=4, group_size=128, n_grid=20) -> (w_q, rtn_error, awq_error)`: the
   effective weight Q(W s) / s with the searched scales, and the errors at alpha 0 and at the best.

tests/reference/test_awq_reference.py checks the reference against a direct NumPy computation.""",
    entry_points=(
        EntryPoint(
            "pseudo_quantize",
            "(w, n_bit=4, group_size=128)",
            "Group-wise asymmetric INT-n quantize-dequantize of w (out, in); same shape and dtype.",
        ),
        EntryPoint("activation_scale", "(x)", "mean |x| per input channel over every token: (d_in,)."),
        EntryPoint(
            "search_scale",
            "(w, x, n_bit=4, group_size=128, n_grid=20)",
            "(best scales (d_in,), best alpha, output errors of every alpha (n_grid,)).",
        ),
        EntryPoint(
            "fold_scales",
            "(ln_weight, ln_bias, fc_weight, scales)",
            "(ln_weight / s, ln_bias / s, fc_weight * s): the LayerNorm then the Linear, unchanged.",
        ),
        EntryPoint(
            "awq_quantize",
            "(w, x, n_bit=4, group_size=128, n_grid=20)",
            "(Q(W s) / s, the error of plain rounding, the error of AWQ).",
        ),
    ),
    checks=(
        Check(
            "pseudo_quantize",
            "pseudo_quantize",
            quantize_cases,
            call=call_torch("pseudo_quantize"),
            description="INT4 groups of 32 and 64, INT3 groups of 16 (float64), a constant group, rows all positive "
            "and all negative",
        ),
        Check(
            "activation_scale",
            "activation_scale",
            scale_cases,
            call=call_torch("activation_scale"),
            description="(tokens, d_in) and (batch, tokens, d_in)",
        ),
        Check(
            "search",
            "search_scale",
            search_cases,
            call=_search,
            tolerance=LOSS_TOLERANCE,
            description="3 salient channels x25: INT4 g32 / g64, INT3 g16 (grid 10); flat activations; equal "
            "channel means (a tie: the first alpha)",
        ),
        Check(
            "fold",
            "fold_scales",
            fold_cases,
            call=call_torch("fold_scales"),
            description="a LayerNorm's gamma and beta and the next Linear, float32 and float64",
        ),
        Check(
            "awq_quantize",
            "awq_quantize",
            awq_cases,
            call=call_torch("awq_quantize"),
            tolerance=LOSS_TOLERANCE,
            description="INT4 and INT3, groups of 32: the effective weight, the RTN and AWQ errors",
        ),
    ),
    probes=(
        Probe(
            "the group's zero point was not clamped: zeros = clamp(-round(min / scale), 0, 2^n - 1), so a group "
            "of all-positive or all-negative weights keeps its zero point a code",
            impl="wrong/awq/zero_point_unclamped.py",
            checks=("pseudo_quantize",),
        ),
        Probe(
            "the scales came from the weights: AWQ's s is the mean |x| of each input channel over the calibration "
            "tokens (activation-aware), raised to alpha",
            impl="wrong/awq/weight_magnitude.py",
            checks=("search", "awq_quantize"),
        ),
        Probe(
            "the scaled weight was not divided back by s: the quantized layer is Q(W s) applied to x / s, so "
            "compare x @ (Q(W * s) / s).T with x @ W.T",
            impl="wrong/awq/no_division.py",
            checks=("search", "awq_quantize"),
        ),
        Probe(
            "the scales were not normalized: divide s by sqrt(max(s) * min(s)) so they centre on 1",
            impl={"search_scale": _scales_not_normalized},
            checks=("search",),
        ),
        Probe(
            "symmetric quantization: AWQ's groups are asymmetric, codes 0 .. 2^n - 1 with a zero point from the "
            "group's min and max",
            impl={"pseudo_quantize": _symmetric_groups},
            checks=("pseudo_quantize",),
        ),
        Probe(
            "the activation scale is the MEAN |x| of each input channel over the tokens (llm-awq's get_act_scale, "
            "though its variable is named x_max), not the max",
            impl=_search_variant(act_max=True),
        ),
        Probe(
            "the tokens are every leading dim: flatten x to (-1, d_in) before the mean, "
            "x.abs().reshape(-1, x.shape[-1]).mean(dim=0)",
            impl={"activation_scale": lambda x: x.abs().mean(dim=0)},
            checks=("activation_scale",),
        ),
        Probe(
            "alpha = i / n_grid for i = 0 .. n_grid - 1 (0, 0.05, ..., 0.95 for a grid of 20, as llm-awq), not "
            "n_grid points from 0 to 1 (linspace(0, 1, n_grid) or i / (n_grid - 1))",
            impl=_search_variant(endpoint=True),
            checks=("search", "awq_quantize"),
        ),
        Probe(
            "on a tie the FIRST alpha is kept: replace the best only on a strictly lower error (err < best, not <=)",
            impl=_search_variant(ties_last=True),
            checks=("search",),
        ),
        Probe(
            "the LayerNorm's bias is divided by s too: its output is gamma * x_hat + beta, and all of it is "
            "scaled by 1 / s (gamma / s, beta / s)",
            impl={"fold_scales": lambda ln_w, ln_b, fc_w, s: (ln_w / s, ln_b, fc_w * s)},
            checks=("fold",),
        ),
        Probe(
            "folded the wrong way round: the LayerNorm's output is divided by s (gamma / s, beta / s) and the "
            "Linear's input columns multiplied by s",
            impl={"fold_scales": lambda ln_w, ln_b, fc_w, s: (ln_w * s, ln_b * s, fc_w / s)},
            checks=("fold",),
        ),
    ),
)
