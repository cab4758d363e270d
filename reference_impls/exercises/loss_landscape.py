"""Exercise: module 0.9's loss-landscape tools on a tiny float64 MLP; the top Hessian eigenvalue is compared with
the exact Hessian's (torch.autograd.functional.hessian, then numpy.linalg.eigvalsh), not with the reference's."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe


def _problem(seed, sizes=(3, 6, 1), n=24, scale=1.0, linear_loss=False):
    """(model, loss_fn): a float64 tanh MLP and its MSE on n fixed generated points (or, with linear_loss, its
    L1 loss: for a single Linear layer piecewise linear in the parameters, its Hessian zero)."""
    import torch
    import torch.nn as nn

    g = torch.Generator().manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b).double())
        if i < len(sizes) - 2:
            layers.append(nn.Tanh())
    model = nn.Sequential(*layers)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64) * scale)
    X = torch.randn(n, sizes[0], generator=g, dtype=torch.float64)
    y = torch.sin(X.sum(1, keepdim=True))

    def loss_fn(m):
        return (m(X) - y).abs().mean() if linear_loss else ((m(X) - y) ** 2).mean()

    return model, loss_fn


def _flat(model):
    from torch.nn.utils import parameters_to_vector

    return parameters_to_vector(model.parameters()).detach().clone()


def line_cases():
    yield Case(
        "between_two_nets",
        (),
        {"seed": 2600, "alphas": [-0.5, 0.0, 0.25, 0.5, 1.0, 1.5]},
        seed=2600,
        note="theta_a and theta_b two random nets; a outside [0, 1] extrapolates",
    )
    yield Case("one_alpha", (), {"seed": 2601, "alphas": [0.3]}, seed=2601)


def _line(impl, seed, alphas):
    import torch

    model, loss_fn = _problem(seed)
    theta_b = _flat(_problem(seed + 50)[0])
    before = _flat(model)
    values = impl.loss_along_line(model, loss_fn, before.clone(), theta_b, alphas)
    losses = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=np.float64)  # the task asks float64
    return {"losses": losses, "params_restored": bool(torch.equal(_flat(model), before))}


def normalize_cases():
    yield Case(
        "linear_layers", (), {"kind": "mlp"}, seed=2700, note="Linear weights: one filter per row; biases zeroed"
    )
    yield Case(
        "conv_layer", (), {"kind": "conv"}, seed=2710, note="Conv2d weight (8, 3, 3, 3): one filter per output channel"
    )
    yield Case(
        "a_dead_filter",
        (),
        {"kind": "dead"},
        seed=2720,
        note="a row of theta that is all zero: that filter of d is zero",
    )


def _normalize(impl, kind):
    import torch
    import torch.nn as nn

    torch.manual_seed({"mlp": 2700, "conv": 2710, "dead": 2720}[kind])
    if kind == "conv":
        model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(4)).double()
        model(torch.randn(1, 3, 5, 5, dtype=torch.float64))
    else:
        model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2)).double()
        if kind == "dead":
            with torch.no_grad():
                model[0].weight[2] = 0.0
    params = [p.detach().clone() for p in model.parameters()]
    direction = [torch.randn_like(p) for p in params]
    out = impl.filter_normalize([d.clone() for d in direction], [p.clone() for p in params])
    return [np.asarray(d, dtype=np.float64) for d in out]


def surface_cases():
    yield Case(
        "three_by_four", (), {"seed": 2800, "alphas": [-1.0, 0.0, 1.0], "betas": [-0.5, 0.0, 0.5, 1.0]}, seed=2800
    )


def _surface(impl, seed, alphas, betas):
    import torch

    model, loss_fn = _problem(seed)
    g = torch.Generator().manual_seed(seed + 1)
    n = _flat(model).numel()
    d1, d2 = torch.randn(n, generator=g, dtype=torch.float64), torch.randn(n, generator=g, dtype=torch.float64)
    return np.asarray(impl.loss_surface(model, loss_fn, d1, d2, alphas, betas), dtype=np.float64)


def hvp_cases():
    yield Case("mlp_3_6_1", (), {"seed": 2900, "sizes": (3, 6, 1)}, seed=2900, note="33 parameters")
    yield Case("two_hidden_layers", (), {"seed": 2910, "sizes": (2, 4, 3, 1)}, seed=2910)


def _hvp(impl, seed, sizes):
    import torch

    model, loss_fn = _problem(seed, sizes)
    v = torch.randn(_flat(model).numel(), generator=torch.Generator().manual_seed(seed + 7), dtype=torch.float64)
    first = impl.hessian_vector_product(model, loss_fn, v.clone())
    second = impl.hessian_vector_product(model, loss_fn, v.clone())  # a second call must not see the first's grads
    return {"Hv": np.asarray(first, dtype=np.float64), "Hv_again": np.asarray(second, dtype=np.float64)}


def eigen_cases():
    yield Case("mlp_3_6_1", (), {"seed": 3000, "sizes": (3, 6, 1), "scale": 1.0}, seed=3000)
    yield Case(
        "large_weights",
        (),
        {"seed": 3010, "sizes": (2, 5, 1), "scale": 3.0},
        seed=3010,
        note="weights x3: a sharper minimum region, a larger top eigenvalue",
    )
    yield Case("two_hidden_layers", (), {"seed": 3020, "sizes": (2, 4, 3, 1), "scale": 1.0}, seed=3020)
    yield Case(
        "zero_hessian",
        (),
        {"seed": 3030, "sizes": (3, 1), "scale": 1.0, "linear_loss": True},
        seed=3030,
        note="the L1 loss of one Linear layer: piecewise linear, H = 0, H v / |H v| is 0/0",
        zero_ok=True,
    )


def _eigen(impl, seed, sizes, scale, linear_loss=False):
    model, loss_fn = _problem(seed, sizes, scale=scale, linear_loss=linear_loss)
    return np.float64(impl.top_hessian_eigenvalue(model, loss_fn, iters=100, seed=1))


def power_step_cases():
    yield Case("mlp_3_6_1", (), {"seed": 3100, "sizes": (3, 6, 1)}, seed=3100, note="1, 2 and 5 iterations from seed 2")


def _power_steps(impl, seed, sizes):
    """The estimates after 1, 2 and 5 iterations: the prescribed start and update, step by step."""
    model, loss_fn = _problem(seed, sizes)
    return np.array([impl.top_hessian_eigenvalue(model, loss_fn, iters=k, seed=2) for k in (1, 2, 5)], np.float64)


def _exact_top_eigenvalue(seed, sizes, scale, linear_loss=False):
    """The oracle: the full Hessian by torch.autograd.functional.hessian, its eigenvalue of largest magnitude."""
    import torch
    from torch.func import functional_call

    model, loss_fn = _problem(seed, sizes, scale=scale, linear_loss=linear_loss)
    names = [name for name, _ in model.named_parameters()]
    shapes = [p.shape for p in model.parameters()]
    sizes_ = [p.numel() for p in model.parameters()]

    def loss_of(theta):
        chunks = torch.split(theta, sizes_)
        return loss_fn(lambda x: functional_call(model, {n: c.view(s) for n, c, s in zip(names, chunks, shapes)}, (x,)))

    H = torch.autograd.functional.hessian(loss_of, _flat(model)).numpy()
    eigenvalues = np.linalg.eigvalsh(H)
    return np.float64(eigenvalues[np.argmax(np.abs(eigenvalues))])


# -- known mistakes ---------------------------------------------------------------------------------------


def _normalize_whole_layer(direction, params):
    import torch

    return [torch.zeros_like(d) if d.dim() <= 1 else d * (p.norm() / d.norm()) for d, p in zip(direction, params)]


def _normalize_keep_bias(direction, params):
    from reference_impls.torch.loss_landscape import filter_normalize

    return [d if d.dim() <= 1 else n for d, n in zip(direction, filter_normalize(direction, params))]


def _params_left_moved(case, actual, expected):
    return isinstance(actual, dict) and actual.get("params_restored") is False


EXERCISE = Exercise.of(
    info("loss_landscape"),
    preamble="import numpy as np\nimport torch\nfrom torch.nn.utils import parameters_to_vector, vector_to_parameters\n",
    task="""Module 0.9's loss-landscape tools, on tiny float64 MLPs. `loss_fn(model)` returns the scalar loss of the
model on fixed data; parameters are taken in model.parameters() order, flattened as
torch.nn.utils.parameters_to_vector does.

1. `loss_along_line(model, loss_fn, theta_a, theta_b, alphas)`: the loss at (1 - a) theta_a + a theta_b
   for each a (flat vectors), a float64 array; afterwards the model's parameters are as they were.
2. `filter_normalize(direction, params)` (Li et al. 2018): lists of tensors of the same shapes; each
   filter of d (a slice d[i] along dim 0: a Linear weight's row, a Conv2d weight's output channel)
   rescaled to the norm of the same filter of the parameter, d[i] * |p[i]| / |d[i]|; a 1-D tensor
   (a bias) becomes zeros. A filter whose parameter is all zero gets a zero direction.
3. `loss_surface(model, loss_fn, d1, d2, alphas, betas)`: the (len(alphas), len(betas)) float64 grid
   of losses at theta + a d1 + b d2, theta the model's current parameters (restored afterwards).
4. `hessian_vector_product(model, loss_fn, v)`: H v as a flat tensor, by double backpropagation
   (torch.autograd.grad with create_graph=True, then the gradient of grad . v), never forming H.
   Calling it twice must give the same answer (nothing accumulates in p.grad).
5. `top_hessian_eigenvalue(model, loss_fn, iters=100, seed=0)`: power iteration from the unit vector
   v = r / |r|, r = torch.randn(n, generator=torch.Generator().manual_seed(seed), dtype=the parameters'
   dtype) (n parameters); each of the `iters` iterations computes hv = H v, the estimate v . hv, then
   v = hv / |hv|; return the last estimate, a float. If hv is zero (H is zero along v) return 0.0.
   It converges to the eigenvalue of largest magnitude; the check runs 100 iterations and compares
   with eigvalsh of the full Hessian, and compares the estimates after 1, 2 and 5 iterations with
   the reference's (the same start, so draw r as above).

The reference: reference_impls/torch/loss_landscape.py.""",
    entry_points=(
        EntryPoint(
            "loss_along_line",
            "(model, loss_fn, theta_a, theta_b, alphas)",
            "(len(alphas),) float64 losses along the segment; the model's parameters restored.",
        ),
        EntryPoint(
            "filter_normalize",
            "(direction, params)",
            "[d_i]: each filter rescaled to the parameter's filter norm; 1-D tensors zeroed.",
        ),
        EntryPoint(
            "loss_surface",
            "(model, loss_fn, d1, d2, alphas, betas)",
            "(len(alphas), len(betas)) float64: the loss at theta + a d1 + b d2.",
        ),
        EntryPoint("hessian_vector_product", "(model, loss_fn, v)", "H v (flat, like v) by double backpropagation."),
        EntryPoint(
            "top_hessian_eigenvalue",
            "(model, loss_fn, iters=100, seed=0)",
            "The Hessian's eigenvalue of largest magnitude, by power iteration; a float.",
        ),
    ),
    checks=(
        Check(
            "loss_along_line",
            "loss_along_line",
            line_cases,
            call=_line,
            description="six alphas in [-0.5, 1.5] between two nets, one alpha; parameters restored",
        ),
        Check(
            "filter_normalize",
            "filter_normalize",
            normalize_cases,
            call=_normalize,
            description="Linear rows, Conv2d output channels, a dead filter; biases zeroed",
        ),
        Check("loss_surface", "loss_surface", surface_cases, call=_surface, description="a 3 x 4 grid"),
        Check(
            "hessian_vector_product",
            "hessian_vector_product",
            hvp_cases,
            call=_hvp,
            tolerance={"float64": (1e-6, 1e-9)},
            description="one and two hidden layers, called twice",
        ),
        Check(
            "top_hessian_eigenvalue",
            "top_hessian_eigenvalue",
            eigen_cases,
            call=_eigen,
            expected=_exact_top_eigenvalue,
            tolerance={"float64": (1e-4, 1e-8)},
            description="three nets and a zero Hessian, against eigvalsh of torch.autograd.functional.hessian",
        ),
        Check(
            "power_iteration_steps",
            "top_hessian_eigenvalue",
            power_step_cases,
            call=_power_steps,
            description="the estimates after 1, 2 and 5 iterations: the prescribed start and update",
        ),
    ),
    probes=(
        Probe(
            "the direction was rescaled layer by layer: Li et al. rescale each filter (each slice d[i] along dim 0) "
            "to |p[i]|",
            impl={"filter_normalize": _normalize_whole_layer},
            checks=("filter_normalize",),
        ),
        Probe(
            "the biases kept a random direction: set d = 0 for 1-D parameters (biases, norm layers)",
            impl={"filter_normalize": _normalize_keep_bias},
            checks=("filter_normalize",),
        ),
        Probe(
            "the model's parameters were left at the last point evaluated: save them first and put them back",
            when=_params_left_moved,
            checks=("loss_along_line",),
        ),
        Probe(
            "H v accumulated across calls in p.grad: take the second derivative with torch.autograd.grad (or zero "
            "the grads before each product)",
            impl="wrong/loss_landscape/accumulated_grad.py",
            checks=("hessian_vector_product", "top_hessian_eigenvalue"),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "filter_normalize",
            "torch.where(d_norm > 0,",
            "d_norm >= 0",
            "d_norm is 0 only for a zero filter of d, and then d * scale is 0 for the finite scale p_norm / tiny",
        ),
        Equivalent(
            "filter_normalize",
            "torch.where(d_norm > 0,",
            "d_norm > (-1)",
            "d_norm is 0 only for a zero filter of d, and then d * scale is 0 for the finite scale p_norm / tiny",
        ),
        Equivalent(
            "loss_along_line",
            "for a in alphas], dtype=np.float64)",
            "for a in alphas])",
            "the losses are Python floats (.item()): np.array makes them float64 without being told",
        ),
        Equivalent(
            "hessian_vector_product", "g @ v", "v @ g", "the dot product of two vectors is symmetric: g . v = v . g"
        ),
        Equivalent(
            "top_hessian_eigenvalue", "float(v @ hv)", "float(hv @ v)", "the dot product of two vectors is symmetric"
        ),
        Equivalent(
            "top_hessian_eigenvalue",
            "eigenvalue = 0.0",
            "eigenvalue = 1.0",
            "the loop sets the estimate on its first iteration; iters = 0 (no estimate at all) is outside the task",
        ),
    ),
)
