"""Exercises: an N-layer MLP's forward pass and parameter count; its manual backward pass."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE
from reference_impls.exercises._fresh import fresh

SIZES = [[3, 2], [4, 5, 3], [6, 8, 8, 4], [2, 16, 1, 7, 3]]


def _net(sizes, n, dtype, seed):
    rng = np.random.default_rng(seed)
    weights = [(rng.standard_normal((i, o)) * np.sqrt(2.0 / i)).astype(dtype) for i, o in zip(sizes, sizes[1:])]
    biases = [(rng.standard_normal(o) * 0.1).astype(dtype) for o in sizes[1:]]
    x = rng.standard_normal((n, sizes[0])).astype(dtype)
    return rng, x, weights, biases


def _grid():
    seed = 3000
    for sizes in SIZES:
        for n in (1, 9):
            for dtype in ("float32", "float64"):
                seed += 1
                yield (f"layers_{len(sizes) - 1}_batch_{n}", sizes, n, dtype, seed)
    for rng, _, dtype, s in fresh([()], seed=3050, n=2):  # depth, widths (1 and odd included) and batch drawn afresh
        sizes = [int(d) for d in rng.integers(1, 10, size=int(rng.integers(2, 6)))]
        sizes[-1] = max(sizes[-1], 2)  # two classes at least (the loss check)
        yield ("fresh", sizes, int(rng.integers(1, 10)), dtype, s)


def forward_cases():
    for name, sizes, n, dtype, seed in _grid():
        _, x, W, b = _net(sizes, n, dtype, seed)
        yield Case(name, (x, W, b), seed=seed)


def backward_cases():
    for name, sizes, n, dtype, seed in _grid():
        rng, x, W, b = _net(sizes, n, dtype, seed)
        yield Case(name, (x, W, b, rng.standard_normal((n, sizes[-1])).astype(dtype)), seed=seed)
    rng, x, W, b = _net([4, 5, 3], 6, "float64", 3100)
    x[:2] = 0.0  # two all-zero rows
    b[0][:] = 0.0
    b[0][1] = 0.5
    yield Case(
        "relu_at_zero",
        (x, W, b, rng.standard_normal((6, 3))),
        seed=3100,
        note="zero rows and zero biases: hidden pre-activations exactly 0, where ReLU's derivative is 0 (PyTorch's)",
    )


def loss_cases():
    for name, sizes, n, dtype, seed in _grid():
        rng, x, W, b = _net(sizes, n, dtype, seed)
        if sizes[-1] > 1:
            yield Case(name, (x, rng.integers(0, sizes[-1], n), W, b), seed=seed)


def count_cases():
    for sizes in SIZES + [[784, 128, 64, 10], [10, 1]]:
        yield Case(f"sizes_{'_'.join(map(str, sizes))}", (sizes,))
    yield Case("one_layer_no_weights", ([5],), zero_ok=True, note="a single size: no layer, no parameters")


def _relu_on_output(x, weights, biases):
    h = x
    for W, b in zip(weights, biases):
        h = np.maximum(h @ W + b, 0)
    return h


def _transposed(x, weights, biases):
    h = x
    for i, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        h = np.maximum(h, 0) if i < len(weights) - 1 else h
    return h


FORWARD = Exercise.of(
    info("mlp_forward"),
    task="""An MLP with ReLU between layers: Linear -> ReLU -> ... -> Linear (no activation on the last
layer: it returns logits).

1. mlp_forward(x, weights, biases): x (N, D_0); weights[l] (D_l, D_{l+1}), stored (in, out) so a
   layer is h @ W + b; biases[l] (D_{l+1},). Return the logits (N, D_L) in x's dtype.
2. count_parameters(sizes): the number of weights and biases of an MLP with layer sizes
   [D_0, D_1, ..., D_L] (an int). [784, 128, 64, 10] has 109386.""",
    entry_points=(
        EntryPoint(
            "mlp_forward", "(x, weights, biases)", "Logits (N, D_L) of the MLP: ReLU after every layer but the last."
        ),
        EntryPoint("count_parameters", "(sizes)", "sum over layers of (D_in + 1) * D_out, an int."),
    ),
    checks=(
        Check(
            "forward",
            "mlp_forward",
            forward_cases,
            tolerance=LOOSE,
            description="1 to 4 layers, batch 1 and 9, float32/64",
        ),
        Check("count", "count_parameters", count_cases, description="5 architectures, MNIST-sized, a single size"),
    ),
    probes=(
        Probe(
            "ReLU on the output layer: the last layer returns logits, with no activation",
            impl={"mlp_forward": _relu_on_output},
        ),
        Probe(
            "weights are stored (in, out): a layer is h @ W + b, not h @ W.T (torch.nn.Linear's layout)",
            impl={"mlp_forward": _transposed},
        ),
        Probe(
            "biases not counted: each layer has D_out biases besides its D_in * D_out weights",
            impl={"count_parameters": lambda sizes: sum(i * o for i, o in zip(sizes, sizes[1:]))},
        ),
    ),
)


BACKWARD = Exercise.of(
    info("mlp_backprop"),
    task="""The backward pass of the MLP of `mlp_forward` (ReLU hidden layers, linear output), by the
chain rule, layer by layer, from the last:

    dW_l = h_{l-1}.T @ da_l      db_l = da_l.sum(0)      dh_{l-1} = da_l @ W_l.T
    da_{l-1} = dh_{l-1} * (a_{l-1} > 0)                  (ReLU's derivative, on the PRE-activation)

1. mlp_backward(x, weights, biases, dlogits): given the upstream gradient dlogits (N, D_L), return
   (dweights, dbiases, dx): two lists shaped like weights and biases, and dx (N, D_0).
2. mlp_loss_and_grads(x, y, weights, biases): the mean softmax cross-entropy of the logits against
   integer labels y (N,), and its gradients: (loss, dweights, dbiases). Its dlogits is
   (softmax(logits) - one_hot(y)) / N.

Check yourself with finite differences before verifying (see gradcheck in reference_impls).""",
    entry_points=(
        EntryPoint(
            "mlp_backward",
            "(x, weights, biases, dlogits)",
            "(dweights, dbiases, dx) of sum(dlogits * mlp_forward(x, weights, biases)).",
        ),
        EntryPoint(
            "mlp_loss_and_grads",
            "(x, y, weights, biases)",
            "(loss, dweights, dbiases) of the mean cross-entropy of the logits against y.",
        ),
    ),
    checks=(
        Check(
            "backward",
            "mlp_backward",
            backward_cases,
            tolerance=LOOSE,
            description="1 to 4 layers, batch 1 and 9, float32/64, a width-1 layer",
        ),
        Check(
            "loss_and_grads",
            "mlp_loss_and_grads",
            loss_cases,
            tolerance=LOOSE,
            description="the same networks with cross-entropy",
        ),
    ),
    probes=(
        Probe(
            "ReLU's backward is missing: multiply dh by (a > 0), the mask of the pre-activation, before the next layer",
            impl="wrong/mlp_backprop/no_relu_mask.py",
        ),
        Probe(
            "dx is masked by (x > 0): the input has no ReLU in front of it, so the first layer's dx = da_1 @ W_1.T "
            "with no mask (mask only the hidden layers' pre-activations)",
            impl="wrong/mlp_backprop/mask_on_input.py",
        ),
        Probe(
            "ReLU on the output layer: the last layer is linear (logits may be negative), so neither the forward "
            "clips it nor the backward masks dlogits",
            impl="wrong/mlp_backprop/relu_on_logits.py",
        ),
        Probe(
            "db must SUM da over the batch (axis 0), like dW sums over the batch through the matmul, not average it",
            impl="wrong/mlp_backprop/bias_grad_mean.py",
        ),
        Probe(
            "the loss is the mean over the batch, so dlogits = (softmax - one_hot) / N: the gradients are N times too large",
            impl="wrong/mlp_backprop/grad_not_divided.py",
            checks=("loss_and_grads",),
        ),
    ),
    equivalent_mutants=(
        *(
            Equivalent(
                "mlp_backward",
                "hs.append(np.maximum(a, 0) if l < len(weights) - 1 else a)",
                edit,
                "the backward reads hs[l] only for l < len(weights) (the inputs of the layers): the last "
                "activation, ReLU'd or not, is never used",
            )
            for edit in ("l <= len(weights) - 1", "l < len(weights) else", "l < len(weights) - 0")
        ),
    ),
)

EXERCISES = [FORWARD, BACKWARD]
