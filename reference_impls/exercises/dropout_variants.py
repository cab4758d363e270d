"""Exercise: DropConnect and DropPath (stochastic depth), train / eval, forward / backward, and
their drop-rate schedules (Module 0.6, "Dropout variants")."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe, grid
from reference_impls.exercises._cases import LOOSE, randn


def _with_rng(entry):
    """The case holds a seed; each implementation gets a fresh Generator from it (the same draws)."""

    def call(impl, *args, seed=None, **kwargs):
        return getattr(impl, entry)(*args, rng=np.random.default_rng(seed), **kwargs)

    return call


def dropconnect_cases():
    for rng, (n, i, o), dtype, s in grid([(6, 5, 4), (1, 8, 3)], seed=18000, fresh=1):
        x, W, b = randn(rng, (n, i), dtype), randn(rng, (i, o), dtype), randn(rng, (o,), dtype)
        for p in (0.3, 0.5):
            yield Case(
                f"train_p{p}",
                (x, W, b),
                {"p": p, "training": True, "seed": s},
                seed=s,
                note="keep = rng.random(W.shape) >= p: the mask has W's shape, one for the whole batch",
            )
    rng = np.random.default_rng(18100)
    x, W, b = randn(rng, (4, 6), "float64"), randn(rng, (6, 3), "float64"), randn(rng, (3,), "float64")
    yield Case(
        "eval",
        (x, W, b),
        {"p": 0.5, "training": False, "seed": 18100},
        seed=18100,
        note="training=False: the plain layer x @ W + b, and mask None",
    )
    yield Case(
        "train_p0.9",
        (x, W, b),
        {"p": 0.9, "training": True, "seed": 18101},
        seed=18101,
        note="p = 0.9: surviving weights are scaled by 10",
    )
    yield Case(
        "train_p1",
        (x, W, b),
        {"p": 1.0, "training": True, "seed": 18102},
        seed=18102,
        note="p = 1 drops every weight: out = b, mask zeros (no division by 1 - p = 0)",
    )
    yield Case(
        "train_p0",
        (x, W, b),
        {"p": 0.0, "training": True, "seed": 18103},
        seed=18103,
        note="p = 0 while training: nothing to drop, the plain layer and mask None (as eval)",
    )


def dropconnect_backward_cases():
    for rng, (n, i, o), dtype, s in grid([(6, 5, 4), (2, 3, 7)], seed=18200):
        keep = rng.random((i, o)) >= 0.4
        yield Case(
            "train",
            (
                randn(rng, (n, o), dtype),
                randn(rng, (n, i), dtype),
                randn(rng, (i, o), dtype),
                (keep / 0.6).astype(dtype),
            ),
            seed=s,
            note="dropped weights get no gradient: dW = (x^T dout) * M; dx goes through W * M",
        )
    rng = np.random.default_rng(18210)
    yield Case(
        "eval",
        (randn(rng, (3, 2), "float64"), randn(rng, (3, 4), "float64"), randn(rng, (4, 2), "float64"), None),
        seed=18210,
        note="mask None: the plain linear layer's gradients",
    )


def drop_path_cases():
    for rng, shape, dtype, s in grid([(8, 4), (6, 3, 4, 4), (5, 7, 3)], seed=18300, fresh=1):
        for p in (0.2, 0.5):
            yield Case(
                f"train_p{p}_{len(shape)}d",
                (randn(rng, shape, dtype),),
                {"p": p, "training": True, "seed": s},
                seed=s,
                note="keep = rng.random(N) >= p, one per example; mask (N, 1, ..., 1)",
            )
    x = randn(np.random.default_rng(18400), (4, 3, 2, 2), "float32")
    yield Case(
        "eval",
        (x,),
        {"p": 0.5, "training": False, "seed": 18400},
        seed=18400,
        note="training=False: x unchanged (a copy), mask None",
    )
    yield Case(
        "train_p1",
        (x,),
        {"p": 1.0, "training": True, "seed": 18401},
        seed=18401,
        zero_ok=True,
        note="p = 1 drops every example's branch: zeros, no division by 0",
    )
    yield Case(
        "train_p0",
        (x,),
        {"p": 0.0, "training": True, "seed": 18402},
        seed=18402,
        note="p = 0 (drop_path's default) while training: x unchanged, mask None",
    )


def drop_path_backward_cases():
    for rng, shape, dtype, s in grid([(6, 3, 4, 4), (5, 7)], seed=18500):
        keep = (rng.random(shape[0]) >= 0.3).reshape((-1,) + (1,) * (len(shape) - 1))
        yield Case("train", (randn(rng, shape, dtype), (keep / 0.7).astype(dtype)), seed=s)
    yield Case("eval", (np.arange(6.0).reshape(2, 3), None), note="mask None: dout passes unchanged")


def rates_cases():
    yield Case("L12_p0.5", (12, 0.5), note="p_l = l / L * p_L: 1/24 for the first block, 0.5 for the last")
    yield Case("L1_p0.2", (1, 0.2), note="one block gets p_L itself")
    yield Case("L54_p0.5", (54, 0.5), note="the paper's 110-layer ResNet: 54 residual blocks, p_L = 0.5")


def scheduled_cases():
    for step, total in [(0, 100), (25, 100), (100, 100), (150, 100), (1, 3)]:
        yield Case(
            f"step{step}_of_{total}",
            (0.3, step, total),
            zero_ok=step == 0,
            note="past total_steps the probability stays at p_final" if step > total else "",
        )


# -- known mistakes --------------------------------------------------------------------------------------


def _mask_scaled(scale_of_p, per_element=False):
    """Wrong DropConnect / DropPath with another scale (or DropPath drawing per element)."""

    def dropconnect_linear(x, W, b, p=0.5, training=True, rng=None):
        if not training or p == 0:
            return x @ W + b, None
        mask = (rng.random(W.shape) >= p).astype(W.dtype) * W.dtype.type(scale_of_p(p))
        return x @ (W * mask) + b, mask

    def drop_path(x, p=0.0, training=True, rng=None):
        if not training or p == 0:
            return x.copy(), None
        shape = x.shape if per_element else (x.shape[0],) + (1,) * (x.ndim - 1)
        mask = (rng.random(x.shape if per_element else x.shape[0]) >= p).reshape(shape).astype(x.dtype)
        return x * mask * x.dtype.type(scale_of_p(p)), mask * x.dtype.type(scale_of_p(p))

    return {"dropconnect_linear": dropconnect_linear, "drop_path": drop_path}


def _timm_linspace(num_blocks, p_last):
    return np.linspace(0, p_last, num_blocks)


def _uncapped(p_final, step, total_steps):
    return p_final * step / total_steps


EXERCISE = Exercise.of(
    info("dropout_variants"),
    task="""Two relatives of dropout. Both drop at training time with probability p and scale what
survives by 1 / (1 - p), so that the expected training output equals the eval output. The mask
comes from the Generator `rng` you are given, drawn exactly as below, so the checks can
reproduce it; masks are returned already scaled, in the input's dtype.

1. DropConnect drops WEIGHTS. dropconnect_linear(x, W, b, p, training, rng) for x (N, in),
   W (in, out), b (out,): keep = rng.random(W.shape) >= p, M = keep / (1 - p), returns
   (x @ (W * M) + b, M); eval (or p = 0): (x @ W + b, None). p = 1: M all zeros.
   dropconnect_backward(dout, x, W, mask) -> (dx, dW, db): dropped weights get no gradient.
2. DropPath (stochastic depth) drops a whole residual BRANCH per example: out = x + drop_path(f(x)).
   drop_path(x, p, training, rng): keep = rng.random(N) >= p (one draw per example), mask (N, 1,
   ..., 1) = keep / (1 - p); returns (x * mask, mask); eval (or p = 0): (a copy of x, None).
   drop_path_backward(dout, mask).
3. stochastic_depth_rates(num_blocks, p_last): Huang et al.'s linear decay, p_l = l / L * p_last
   for l = 1..L (float64 array). scheduled_drop_prob(p_final, step, total_steps): NASNet's
   ScheduledDropPath, p_final * step / total_steps, held at p_final after total_steps.

Checked: float32 and float64, several shapes, p 0.2 to 1, eval mode, backward with and without a mask.""",
    entry_points=(
        EntryPoint(
            "dropconnect_linear",
            "(x, W, b, p=0.5, training=True, rng=None)",
            "(out (N, out), mask (in, out) or None): a linear layer with DropConnect on W.",
        ),
        EntryPoint("dropconnect_backward", "(dout, x, W, mask)", "(dx, dW, db) for the mask used (None: eval)."),
        EntryPoint(
            "drop_path",
            "(x, p=0.0, training=True, rng=None)",
            "(out, mask (N, 1, ..., 1) or None): x's shape and dtype.",
        ),
        EntryPoint("drop_path_backward", "(dout, mask)", "d loss / d x given d loss / d out and the forward's mask."),
        EntryPoint("stochastic_depth_rates", "(num_blocks, p_last)", "(num_blocks,) float64: l / L * p_last."),
        EntryPoint("scheduled_drop_prob", "(p_final, step, total_steps)", "The drop probability at `step`, a float."),
    ),
    checks=(
        Check(
            "dropconnect",
            "dropconnect_linear",
            dropconnect_cases,
            call=_with_rng("dropconnect_linear"),
            tolerance=LOOSE,
            description="float32/64, (6, 5) -> 4 and (1, 8) -> 3, p 0.3 / 0.5 / 0.9 / 1, eval; rng = np.random.default_rng(seed)",
        ),
        Check(
            "dropconnect_backward",
            "dropconnect_backward",
            dropconnect_backward_cases,
            tolerance=LOOSE,
            description="float32/64, a mask and None",
        ),
        Check(
            "drop_path",
            "drop_path",
            drop_path_cases,
            call=_with_rng("drop_path"),
            description="float32/64, (8, 4), (6, 3, 4, 4), (5, 7, 3), p 0.2 / 0.5 / 1, eval",
        ),
        Check(
            "drop_path_backward",
            "drop_path_backward",
            drop_path_backward_cases,
            description="float32/64, a mask and None",
        ),
        Check("rates", "stochastic_depth_rates", rates_cases, description="L 12 / 1 / 54"),
        Check("scheduled", "scheduled_drop_prob", scheduled_cases, description="steps 0, 25, 100, 150 of 100; 1 of 3"),
    ),
    probes=(
        Probe(
            "scaled by 1/p instead of 1/(1-p): survivors are scaled by 1 / (1 - p), the inverse of the KEEP probability",
            impl="wrong/dropout_variants/scaled_by_p.py",
            checks=("dropconnect", "drop_path"),
        ),
        Probe(
            "no rescaling: scale what survives by 1 / (1 - p) so that training and eval agree in expectation",
            impl=_mask_scaled(lambda p: 1.0),
            checks=("dropconnect", "drop_path"),
        ),
        Probe(
            "one keep draw per EXAMPLE for DropPath (rng.random(N), mask (N, 1, ..., 1)); a mask per element is "
            "plain dropout",
            impl="wrong/dropout_variants/per_element_drop_path.py",
            checks=("drop_path",),
        ),
        Probe(
            "eval mode still drops: with training=False use every weight / the whole branch, unscaled, and return mask None",
            impl="wrong/dropout_variants/eval_drops.py",
            checks=("dropconnect", "drop_path"),
        ),
        Probe(
            "the keep test is keep = rng.random(...) >= p, as the task draws it: rng.random(...) < 1 - p (cs231n's "
            "dropout, a Bernoulli(1 - p) draw) has the same rate but keeps the OTHER draws, so the mask differs",
            impl="wrong/dropout_variants/keep_below_keep_prob.py",
            checks=("dropconnect", "drop_path"),
        ),
        Probe(
            "dx goes through the masked weights used forward: dx = dout @ (W * M)^T, not dout @ W^T",
            impl="wrong/dropout_variants/dx_unmasked.py",
            checks=("dropconnect_backward",),
        ),
        Probe(
            "the gradient of a dropped weight is 0: dW = (x^T dout) * M, with the same scaled mask",
            impl="wrong/dropout_variants/dw_unmasked.py",
            checks=("dropconnect_backward",),
        ),
        Probe(
            "the linear decay rule is p_l = l / L * p_L for l = 1..L: the first block already has p_L / L "
            "(np.linspace(0, p_L, L) is timm's variant)",
            impl={"stochastic_depth_rates": _timm_linspace},
            checks=("rates",),
        ),
        Probe(
            "past total_steps the probability stays at p_final: p_final * min(step / total_steps, 1)",
            impl={"scheduled_drop_prob": _uncapped},
            checks=("scheduled",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "dropconnect_linear",
            "rng.random(W.shape) >= p",
            "rng.random(W.shape) > p",
            "the two differ only on a draw exactly equal to p, which 53-bit uniforms never produce here",
        ),
        Equivalent(
            "drop_path",
            "rng.random(x.shape[0]) >= p",
            "rng.random(x.shape[0]) > p",
            "the two differ only on a draw exactly equal to p, which 53-bit uniforms never produce here",
        ),
    ),
)
