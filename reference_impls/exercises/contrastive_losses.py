"""Exercise: contrastive losses and their gradients: NT-Xent (SimCLR's InfoNCE), the triplet margin
loss, the pair loss (Module 0.6, "Contrastive learning")."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe, grid
from reference_impls.exercises._cases import LOOSE, randn

NT_XENT = [(4, 8, 0.5), (1, 3, 0.1), (8, 5, 0.07)]


def nt_xent_cases():
    seed = 19000
    for n, d, tau in NT_XENT:
        for dtype in ("float32", "float64"):
            seed += 1
            rng = np.random.default_rng(seed)
            z1 = randn(rng, (n, d), dtype, 3.0)
            z2 = (z1 + randn(rng, (n, d), dtype)).astype(dtype)
            yield Case(
                f"N{n}_D{d}_tau{tau}",
                (z1, z2),
                {"temperature": tau},
                seed=seed,
                zero_ok=n == 1,
                note="N = 1: the positive is the only candidate left after masking the diagonal: loss 0"
                if n == 1
                else "",
            )
    rng = np.random.default_rng(19100)
    z1 = randn(rng, (5, 4), "float64", 50.0)
    yield Case(
        "large_norms",
        (z1, z1 * 0.01 + randn(rng, (5, 4), "float64")),
        {"temperature": 0.2},
        seed=19100,
        note="norms from ~1 to ~100: similarities are cosines, so normalize the rows first",
    )


def triplet_cases():
    seed = 19200
    for margin in (1.0, 0.3):
        for dtype in ("float32", "float64"):
            seed += 1
            rng = np.random.default_rng(seed)
            a = randn(rng, (10, 6), dtype)
            p = (a + randn(rng, (10, 6), dtype, 0.7)).astype(dtype)
            n = (a + randn(rng, (10, 6), dtype, 0.9)).astype(dtype)
            yield Case(
                f"margin{margin}",
                (a, p, n),
                {"margin": margin},
                seed=seed,
                note="some triplets already satisfy the margin: loss 0 and no gradient for them",
            )
    rng = np.random.default_rng(19300)
    a = randn(rng, (4, 3), "float64")
    yield Case(
        "all_violating",
        (a, a + 2.0, a + 0.1),
        {"margin": 0.5},
        seed=19300,
        note="every negative is closer than its positive",
    )


def pair_cases():
    for rng, shape, dtype, s in grid([(12, 4), (5, 2)], seed=19400):
        x1 = randn(rng, shape, dtype)
        x2 = (x1 + randn(rng, shape, dtype, 0.8)).astype(dtype)
        same = (np.arange(shape[0]) % 2).astype(np.int64)
        yield Case(
            f"N{shape[0]}",
            (x1, x2, same),
            {"margin": 1.5},
            seed=s,
            note="same = 1: pull together (d^2); same = 0: push to at least the margin (max(0, m - d)^2)",
        )


# -- known mistakes ----------------------------------------------------------------------------------------


def _nt_xent_variant(normalize=True, one_direction=False, multiply=False):
    def loss(z1, z2, temperature=0.5):
        z = np.concatenate([z1, z2])
        u = z / np.linalg.norm(z, axis=1, keepdims=True) if normalize else z
        S = u @ u.T * temperature if multiply else u @ u.T / temperature
        np.fill_diagonal(S, -np.inf)
        n = len(z1)
        pos = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
        logp = S - S.max(1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
        rows = np.arange(n) if one_direction else np.arange(2 * n)
        return -logp[rows, pos[rows]].mean()

    return loss


def _nt_xent_grad_no_projection(z1, z2, temperature=0.5):
    """Treats u = z / ||z|| as a plain scaling: dz = dU / ||z||, missing the projection term."""
    from reference_impls.numpy.contrastive import _nt_xent_parts

    norm, u, logp, pos = _nt_xent_parts(z1, z2, temperature)
    dS = np.exp(logp)
    dS[np.arange(len(pos)), pos] -= 1
    dz = (dS + dS.T) / len(pos) @ u / temperature / norm
    return dz[: len(z1)], dz[len(z1) :]


def _triplet_no_eps(anchor, positive, negative, margin=1.0, eps=1e-6):
    from reference_impls.numpy.contrastive import triplet_margin_loss

    return triplet_margin_loss(anchor, positive, negative, margin, 0.0)


def _triplet_no_hinge(anchor, positive, negative, margin=1.0, eps=1e-6):
    d_ap = np.linalg.norm(anchor - positive + eps, axis=1)
    d_an = np.linalg.norm(anchor - negative + eps, axis=1)
    return (d_ap - d_an + margin).mean()


def _pair_swapped(x1, x2, same, margin=1.0):
    from reference_impls.numpy.contrastive import pair_contrastive_loss

    return pair_contrastive_loss(x1, x2, 1 - same, margin)


EXERCISE = Exercise.of(
    info("contrastive_losses"),
    task="""Losses that shape an embedding space: pull matching pairs together, push the rest apart.
Inputs are float32 / float64 (N, D) embeddings; losses are scalars of the inputs' dtype (np.mean
of an array gives one); gradients have the inputs' shapes and dtype.

1. nt_xent_loss(z1, z2, temperature): SimCLR's InfoNCE for two views of N examples. Stack
   z = [z1; z2] (2N, D), normalize each row (u = z / ||z||), S = u u^T / temperature, set the
   diagonal to -inf (an example is not its own negative). Each of the 2N rows is an anchor whose
   positive is the other view (row i pairs with i + N mod 2N): the loss is the mean over the 2N
   rows of -log softmax(S_i)[positive]. Use a stable log-softmax.
2. nt_xent_grad(z1, z2, temperature) -> (dz1, dz2). dS = (softmax(S) - onehot) / 2N, then
   dU = (dS + dS^T) u / temperature, then back through the normalization:
   dz = (dU - u * sum(dU * u, axis=1, keepdims=True)) / ||z||.
3. triplet_margin_loss(anchor, positive, negative, margin, eps) as torch.nn.TripletMarginLoss:
   d(a, b) = ||a - b + eps||_2 (torch's pairwise_distance adds eps to the difference),
   loss = mean(max(d(a, p) - d(a, n) + margin, 0)). triplet_margin_grad(...) -> (da, dp, dn).
4. pair_contrastive_loss(x1, x2, same, margin) (Hadsell et al. 2006), d = ||x1 - x2||:
   mean(0.5 * (same * d^2 + (1 - same) * max(0, margin - d)^2)), same (N,) of 0 / 1.

Checked against the reference (itself checked against F.cross_entropy and nn.TripletMarginLoss):
N = 1 to 10, temperatures 0.07 to 0.5, large norms, inactive and all-violating triplets.""",
    entry_points=(
        EntryPoint("nt_xent_loss", "(z1, z2, temperature=0.5)", "The NT-Xent loss, a scalar of z1's dtype."),
        EntryPoint("nt_xent_grad", "(z1, z2, temperature=0.5)", "(dz1, dz2), shaped like z1 and z2."),
        EntryPoint(
            "triplet_margin_loss",
            "(anchor, positive, negative, margin=1.0, eps=1e-6)",
            "The mean triplet loss, a scalar.",
        ),
        EntryPoint(
            "triplet_margin_grad", "(anchor, positive, negative, margin=1.0, eps=1e-6)", "(da, dp, dn), each (N, D)."
        ),
        EntryPoint("pair_contrastive_loss", "(x1, x2, same, margin=1.0)", "The mean pair loss, a scalar."),
    ),
    checks=(
        Check(
            "nt_xent",
            "nt_xent_loss",
            nt_xent_cases,
            tolerance=LOOSE,
            description="N x D 4x8, 1x3, 8x5; tau 0.5 / 0.1 / 0.07; float32/64; norms up to ~100",
        ),
        Check("nt_xent_grad", "nt_xent_grad", nt_xent_cases, tolerance=LOOSE, description="the same cases"),
        Check(
            "triplet",
            "triplet_margin_loss",
            triplet_cases,
            tolerance=LOOSE,
            description="margin 1 and 0.3, float32/64, some triplets inactive; all violating",
        ),
        Check("triplet_grad", "triplet_margin_grad", triplet_cases, tolerance=LOOSE, description="the same cases"),
        Check(
            "pair",
            "pair_contrastive_loss",
            pair_cases,
            tolerance=LOOSE,
            description="N 12 and 5, margin 1.5, float32/64",
        ),
    ),
    probes=(
        Probe(
            "the similarity is a COSINE: normalize every row (u = z / ||z||) before u u^T",
            impl={"nt_xent_loss": _nt_xent_variant(normalize=False)},
            checks=("nt_xent",),
        ),
        Probe(
            "the diagonal is not masked: an example's similarity with itself (1 / tau, the largest score) is not a "
            "negative; set S_ii = -inf before the softmax",
            impl="wrong/contrastive_losses/self_not_masked.py",
            checks=("nt_xent", "nt_xent_grad"),
        ),
        Probe(
            "only z1's rows are anchors: every one of the 2N embeddings is an anchor (z2's rows too), so average "
            "over 2N rows",
            impl={"nt_xent_loss": _nt_xent_variant(one_direction=True)},
            checks=("nt_xent",),
        ),
        Probe(
            "divide the similarities by the temperature (a small tau sharpens the softmax)",
            impl={"nt_xent_loss": _nt_xent_variant(multiply=True)},
            checks=("nt_xent",),
        ),
        Probe(
            "the normalization's backward is missing its projection: dz = (dU - u * sum(dU * u, axis=1, keepdims=True)) "
            "/ ||z||",
            impl={"nt_xent_grad": _nt_xent_grad_no_projection},
            checks=("nt_xent_grad",),
        ),
        Probe(
            "the positive belongs in the denominator: -log softmax(S_i)[positive] = logsumexp over every j != i "
            "(the positive AND the negatives) minus S_i,positive",
            impl="wrong/contrastive_losses/positive_not_in_denominator.py",
            checks=("nt_xent",),
        ),
        Probe(
            "no gradient for a triplet whose hinge is inactive (d(a, p) - d(a, n) + margin <= 0, loss 0): mask the "
            "gradient by the active triplets",
            impl="wrong/contrastive_losses/triplet_grad_unmasked.py",
            checks=("triplet_grad",),
        ),
        Probe(
            "the dissimilar pairs' term is max(0, margin - d)^2 with d the Euclidean distance: the hinge on d, "
            "then squared, not max(0, margin - d^2)",
            impl="wrong/contrastive_losses/pair_hinge_on_squared.py",
            checks=("pair",),
        ),
        Probe(
            "TripletMarginLoss uses the Euclidean distance, not its square (FaceNet's form)",
            impl="wrong/contrastive_losses/squared_distance.py",
            checks=("triplet", "triplet_grad"),
        ),
        Probe(
            "torch's pairwise_distance adds eps to the DIFFERENCE: d(a, b) = ||a - b + eps||",
            impl={"triplet_margin_loss": _triplet_no_eps},
            checks=("triplet",),
        ),
        Probe(
            "the hinge is missing: a triplet that already satisfies the margin contributes max(..., 0) = 0",
            impl={"triplet_margin_loss": _triplet_no_hinge},
            checks=("triplet",),
        ),
        Probe(
            "similar pairs (same = 1) pay d^2, dissimilar ones max(0, margin - d)^2: they are swapped",
            impl={"pair_contrastive_loss": _pair_swapped},
            checks=("pair",),
        ),
    ),
)
