"""Exercise: Module 0.2's capstone, a mini deep-learning framework: Layer classes with forward and
backward, a Network that stacks them, losses, SGD / Adam, and a training loop."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE, blobs
from reference_impls.exercises._fresh import fresh

TRANSPOSED_HINT = "W is stored (in_features, out_features): out = x @ W + b (torch.nn.Linear stores the transpose)"
TRAIN_TOL = {"float64": (1e-6, 1e-8)}  # a dozen optimizer steps amplify rounding differences a little


# -- building the learner's objects ------------------------------------------------------------------


def _load(obj, values):
    """Copy `values` into obj.params() in place: the arrays params() returns must be the live ones."""
    ps = obj.params()
    if len(ps) != len(values):
        raise ValueError(
            f"params() returned {len(ps)} arrays, expected {len(values)} (W, b per LinearLayer, "
            "gamma, beta per BatchNormLayer, in layer order)"
        )
    for i, (p, v) in enumerate(zip(ps, values)):
        if np.shape(p) != v.shape:
            flipped = " (transposed)" if np.shape(p) == v.shape[::-1] else ""
            raise ValueError(f"params()[{i}] has shape {np.shape(p)}, expected {v.shape}{flipped}")
        p[...] = v


def _layer(impl, spec, seed):
    kind, *args = spec
    if kind == "linear":
        return impl.LinearLayer(*args, rng=np.random.default_rng(seed))
    if kind == "dropout":
        return impl.DropoutLayer(args[0], rng=np.random.default_rng(seed))
    if kind == "batchnorm":
        return impl.BatchNormLayer(*args)
    return impl.ActivationLayer(kind)


def _network(impl, specs, values, seed):
    net = impl.Network([_layer(impl, spec, seed + i) for i, spec in enumerate(specs)])
    _load(net, values)
    return net


def _values(specs, seed, dtype="float64"):
    """Weights for the specs' layers (W, b per linear; gamma, beta per batchnorm), seeded."""
    rng = np.random.default_rng(seed)
    values = []
    for kind, *args in specs:
        if kind == "linear":
            i, o = args
            values += [rng.standard_normal((i, o)) * np.sqrt(2.0 / i), rng.standard_normal(o) * 0.1]
        elif kind == "batchnorm":
            values += [1 + 0.2 * rng.standard_normal(args[0]), 0.1 * rng.standard_normal(args[0])]
    return [v.astype(dtype) for v in values]


def _copies(arrays):
    return [np.array(a, copy=True) for a in arrays]


# -- step 1: the base class ---------------------------------------------------------------------------


def _base(impl):
    subclasses = {
        name: issubclass(getattr(impl, name), impl.Layer)
        for name in ("LinearLayer", "ActivationLayer", "DropoutLayer", "BatchNormLayer", "Network")
    }
    rng = np.random.default_rng(0)
    counts = {
        "LinearLayer(3, 2)": len(impl.LinearLayer(3, 2, rng=rng).params()),
        "ActivationLayer('relu')": len(impl.ActivationLayer("relu").params()),
        "DropoutLayer(0.5)": len(impl.DropoutLayer(0.5, rng=rng).params()),
        "BatchNormLayer(4)": len(impl.BatchNormLayer(4).params()),
    }
    big = impl.LinearLayer(400, 50, rng=np.random.default_rng(1))
    W, b = big.params()
    ratio = float(np.std(W)) / np.sqrt(2.0 / 400)  # 20,000 draws: within 2% of 1 for N(0, 2 / in)
    he = "std sqrt(2 / in_features) (He init)" if abs(ratio - 1) < 0.05 else f"std {ratio:.3f} x sqrt(2 / in_features)"
    return {
        "subclass_of_Layer": subclasses,
        "number_of_params": counts,
        "LinearLayer(400, 50) W": he,
        "LinearLayer(400, 50) b is zero": bool(not np.any(b)),
    }


def base_cases():
    yield Case(
        "hierarchy",
        note="every layer and Network subclass Layer; layers without weights have params() == []; "
        "LinearLayer(400, 50)'s W ~ N(0, 2 / 400), b zeros",
    )


# -- step 2: the layers ---------------------------------------------------------------------------------


def _linear(impl, values, x, dout):
    layer = impl.LinearLayer(*values[0].shape, rng=np.random.default_rng(0))
    _load(layer, values)
    out = np.array(layer.forward(x, training=True), copy=True)
    dx = layer.backward(dout)
    return {"out": out, "dx": dx, "grads": _copies(layer.grads())}


def linear_cases():
    for j, (n, i, o) in enumerate([(5, 3, 4), (1, 6, 2), (8, 1, 3), (4, 7, 7)]):
        s = 14000 + j
        rng = np.random.default_rng(s)
        values = [rng.standard_normal((i, o)), rng.standard_normal(o)]
        yield Case(
            f"N{n}_in{i}_out{o}",
            (values, rng.standard_normal((n, i)), rng.standard_normal((n, o))),
            seed=s,
            note="W is (in_features, out_features): out = x @ W + b"
            if i != o
            else "square W: a transposed W gives no shape error",
        )
    for rng, (n, i, o), _, s in fresh([(5, 3, 4), (1, 6, 2)], ("float64",), seed=14050, n=2):  # drawn afresh
        values = [rng.standard_normal((i, o)), rng.standard_normal(o)]
        yield Case("fresh", (values, rng.standard_normal((n, i)), rng.standard_normal((n, o))), seed=s)


def _activation(impl, kind, x, dout):
    layer = impl.ActivationLayer(kind)
    out = np.array(layer.forward(x, training=True), copy=True)
    return {"out": out, "dx": layer.backward(dout)}


def activation_cases():
    for j, kind in enumerate(("relu", "tanh", "sigmoid")):
        s = 14100 + j
        rng = np.random.default_rng(s)
        x = rng.standard_normal((6, 5)) * 3
        x[0, :3] = [0.0, 40.0, -800.0]
        yield Case(
            kind,
            (kind, x, rng.standard_normal((6, 5))),
            seed=s,
            note="x holds 0 (relu'(0) = 0, as PyTorch), 40 and -800 (sigmoid must not overflow)",
        )


def _dropout(impl, p, seed, x, dout):
    layer = impl.DropoutLayer(p, rng=np.random.default_rng(seed))
    first = np.array(layer.forward(x, training=True), copy=True)
    second = np.array(layer.forward(x, training=True), copy=True)
    dx = layer.backward(dout)
    evaluated = np.array(layer.forward(x, training=False), copy=True)
    return {"train_1": first, "train_2": second, "dx": dx, "eval": evaluated, "eval_dx": layer.backward(dout)}


def dropout_cases():
    for j, p in enumerate((0.3, 0.5, 0.0, 1.0)):
        s = 14200 + j
        rng = np.random.default_rng(s)
        yield Case(
            f"p{p}",
            (p, s, rng.standard_normal((8, 6)), rng.standard_normal((8, 6))),
            seed=s,
            note="two training forwards draw two masks from the same rng; backward uses the last one; "
            "eval passes x and dout through",
        )


def _batchnorm(impl, values, momentum, x, dout, x_eval):
    layer = impl.BatchNormLayer(values[0].shape[0], momentum=momentum)
    _load(layer, values)
    y = np.array(layer.forward(x, training=True), copy=True)
    dx = layer.backward(dout)
    grads = _copies(layer.grads())
    running = (np.array(layer.running_mean, copy=True), np.array(layer.running_var, copy=True))
    return {
        "y": y,
        "dx": dx,
        "grads": grads,
        "running_mean_var": running,
        "eval_y": np.array(layer.forward(x_eval, training=False), copy=True),
        "eval_dx": layer.backward(np.resize(dout, x_eval.shape)),  # dout tiled to the eval batch
        "eval_grads": _copies(layer.grads()),
    }


def batchnorm_cases():
    for j, (n, c, momentum) in enumerate([(8, 3, 0.1), (5, 6, 0.3), (2, 1, 0.1)]):
        s = 14300 + j
        rng = np.random.default_rng(s)
        values = [1 + 0.3 * rng.standard_normal(c), 0.2 * rng.standard_normal(c)]
        x = rng.standard_normal((n, c)) * 2 + 1
        yield Case(
            f"N{n}_C{c}_momentum{momentum}",
            (values, momentum, x, rng.standard_normal((n, c)), rng.standard_normal((4, c))),
            seed=s,
            note="running_var takes the UNBIASED batch variance; eval normalizes with the running statistics",
        )


# -- step 3: the network and the losses -----------------------------------------------------------------

NETWORKS = [
    ("mlp_relu", [("linear", 4, 8), ("relu",), ("linear", 8, 3)]),
    (
        "bn_dropout",
        [
            ("linear", 4, 10),
            ("batchnorm", 10),
            ("relu",),
            ("dropout", 0.25),
            ("linear", 10, 6),
            ("tanh",),
            ("linear", 6, 3),
        ],
    ),
    (
        "sigmoid_deep",
        [("linear", 4, 5), ("sigmoid",), ("linear", 5, 5), ("relu",), ("linear", 5, 5), ("relu",), ("linear", 5, 3)],
    ),
]


def _network_pass(impl, specs, values, seed, x, y):
    net = _network(impl, specs, values, seed)
    loss_fn = impl.SoftmaxCrossEntropy()
    logits = np.array(net.forward(x, training=True), copy=True)
    loss = loss_fn.forward(logits, y)
    dx = net.backward(loss_fn.backward())
    return {
        "logits": logits,
        "loss": float(loss),
        "dx": dx,
        "grads": _copies(net.grads()),
        "eval_logits": np.array(net.forward(x, training=False), copy=True),
    }


def network_cases():
    for j, (name, specs) in enumerate(NETWORKS):
        s = 14400 + j
        X, y = blobs(s, 9, 3, 4)
        yield Case(
            name,
            (specs, _values(specs, s), s, X, y),
            seed=s,
            note="backward visits the layers in reverse order; grads() lists them in params() order",
        )


def _loss(class_name):
    def call(impl, pred, target):
        loss_fn = getattr(impl, class_name)()
        return {"loss": float(loss_fn.forward(pred, target)), "grad": loss_fn.backward()}

    return call


def cross_entropy_cases():
    for j, (n, c) in enumerate([(6, 3), (1, 5), (4, 4)]):
        s = 14500 + j
        rng = np.random.default_rng(s)
        yield Case(f"N{n}_C{c}", (rng.standard_normal((n, c)) * 3, rng.integers(0, c, n)), seed=s)
    for rng, (n, c), _, s in fresh([(6, 3), (1, 5)], ("float64",), seed=14550, n=2):  # drawn afresh
        c = max(c, 2)
        yield Case("fresh", (rng.standard_normal((n, c)) * 3, rng.integers(0, c, n)), seed=s)
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 1.0]])
    yield Case("large_logits", (logits, np.array([2, 1])), note="logits of +-1000: use log-softmax (subtract the max)")


def mse_cases():
    for j, shape in enumerate([(6, 2), (5, 1), (3, 4)]):
        s = 14600 + j
        rng = np.random.default_rng(s)
        yield Case(
            f"shape_{shape[0]}x{shape[1]}",
            (rng.standard_normal(shape), rng.standard_normal(shape)),
            seed=s,
            note="the mean over every element, so the gradient is 2 (pred - target) / pred.size",
        )
    for rng, shape, _, s in fresh([(6, 2), (5, 1)], ("float64",), seed=14650, n=2):  # drawn afresh
        yield Case("fresh", (rng.standard_normal(shape), rng.standard_normal(shape)), seed=s)


# -- step 4: optimizers and training ----------------------------------------------------------------------


def _optimizer(class_name):
    def call(impl, params, grads, **kwargs):
        ps = _copies(params)
        opt = getattr(impl, class_name)(ps, **kwargs)
        trajectory = []
        for step in grads:
            opt.step(step)
            trajectory.append(_copies(ps))
        return trajectory

    return call


def _optimizer_cases(configs, seed):
    def cases():
        for j, (name, kwargs) in enumerate(configs):
            rng = np.random.default_rng(seed + j)
            params = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
            grads = [[rng.standard_normal(p.shape) for p in params] for _ in range(4)]
            yield Case(
                name,
                (params, grads),
                kwargs,
                seed=seed + j,
                note="4 steps with given gradients; params updated in place",
            )

    return cases


def _train(impl, specs, values, X, y, loss, optimizer, opt_kwargs, epochs, batch_size, seed):
    net = _network(impl, specs, values, seed)
    opt = getattr(impl, optimizer)(net.params(), **opt_kwargs)
    loss_fn = impl.SoftmaxCrossEntropy() if loss == "cross_entropy" else impl.MSELoss()
    losses = impl.train(net, loss_fn, opt, X, y, epochs=epochs, batch_size=batch_size, rng=np.random.default_rng(seed))
    return {"losses": np.asarray(losses, dtype=np.float64), "params": _copies(net.params())}


TRAIN = [
    ("sgd_momentum_relu", NETWORKS[0][1], "cross_entropy", "SGD", {"lr": 0.1, "momentum": 0.9}, 48, 16),
    ("adam_batchnorm_dropout", NETWORKS[1][1], "cross_entropy", "Adam", {"lr": 0.01}, 48, 10),
    (
        "sgd_mse_tanh_last_batch_of_1",
        [("linear", 4, 8), ("tanh",), ("linear", 8, 2)],
        "mse",
        "SGD",
        {"lr": 0.05},
        49,
        16,
    ),
]


def train_cases():
    for j, (name, specs, loss, optimizer, kwargs, n, batch) in enumerate(TRAIN):
        s = 14700 + j
        X, y = blobs(s, n, 3, 4)
        if loss == "mse":
            y = np.stack([X[:, 0] - X[:, 1], X[:, 2] * 0.5], axis=1)
        yield Case(
            name,
            (specs, _values(specs, s), X, y, loss, optimizer, kwargs, 3, batch, s),
            seed=s,
            note=f"3 epochs of {n} examples in batches of {batch}: order = rng.permutation(N) each epoch",
        )


EXERCISE = Exercise.of(
    info("nn_framework"),
    task="""Module 0.2's capstone: a framework small enough to read in one sitting, the shape of
PyTorch's. Parameters and inputs are float64 NumPy arrays; x is (N, features).

1. `Layer`, the base class: forward(x, training=True) -> out (caching what backward needs),
   backward(dout) -> dx (storing the gradients of the parameters, OVERWRITING the previous ones),
   params() and grads(): lists of the layer's own arrays, in the same order (base: []).
   Every layer below subclasses Layer (the stubs say so: keep it).
2. The layers (compare torch.nn):
   - `LinearLayer(in_features, out_features, rng)`: W (in, out) ~ N(0, 2 / in) from rng, b zeros;
     out = x @ W + b; params() [W, b].
   - `ActivationLayer(kind)`: 'relu' | 'tanh' | 'sigmoid', elementwise; relu'(0) = 0.
   - `DropoutLayer(p, rng)`: inverted dropout. Training: keep = self.rng.random(x.shape) >= p,
     drawn once per forward; out = x * keep / (1 - p). Eval: x unchanged (and backward passes dout).
   - `BatchNormLayer(num_features, momentum=0.1, eps=1e-5)`: BatchNorm1d on (N, C): gamma ones, beta
     zeros, params() [gamma, beta]; running_mean zeros, running_var ones, updated in training with
     PyTorch's momentum and the UNBIASED variance; eval uses them. backward after an eval forward
     (a frozen BN, when fine-tuning) treats the running statistics as constants: y is then an affine map
     per feature, dx = dout * gamma / sqrt(running_var + eps).
3. `Network(layers)`: forward through the layers in order, backward in reverse order; params() and
   grads() concatenate the layers' lists. Losses `SoftmaxCrossEntropy` (logits (N, C), integer
   labels (N,)) and `MSELoss` (pred, target same shape): forward(...) -> the mean loss, a float;
   backward() -> the gradient with respect to the first argument of forward.
4. Optimizers over a list of arrays, updated IN PLACE by step(grads): `SGD(params, lr, momentum)`
   (torch.optim.SGD: buf = g on the first step, then buf = momentum buf + g; p -= lr buf) and
   `Adam(params, lr, betas, eps)` (bias-corrected). `train(network, loss_fn, optimizer, X, y,
   epochs, batch_size, rng)`: each epoch order = rng.permutation(N), then batches X[order[i:i+B]] in
   that order (the last may be smaller), each: forward (training), loss, backward, optimizer.step(
   network.grads()). Return the losses of every step as an array.

The checks load weights with `p[...] = value` into the arrays params() returns, then compare
outputs, dx, grads(), running statistics, optimizer trajectories and a 3-epoch loss curve (with
batch norm and dropout) with the reference's. Step 5 (MNIST) is yours: train a 3-layer network on
sklearn's load_digits or MNIST with this framework.""",
    entry_points=(
        EntryPoint(
            "Layer",
            "(self)",
            "The base class: forward / backward to override, params() / grads() -> [].",
            kind="class",
            methods=(
                EntryPoint("forward", "(self, x, training=True)", "out; cache what backward needs."),
                EntryPoint("backward", "(self, dout)", "dx; store the parameters' gradients."),
                EntryPoint("params", "(self)", "The layer's parameter arrays (the live ones, not copies)."),
                EntryPoint("grads", "(self)", "Their gradients, same order and shapes."),
            ),
        ),
        EntryPoint(
            "LinearLayer",
            "(self, in_features, out_features, rng=None)",
            "out = x @ W + b, W (in, out) He-initialized from rng, b zeros.",
            kind="class",
            base="Layer",
            methods=(
                EntryPoint("forward", "(self, x, training=True)", "(N, in) -> (N, out)."),
                EntryPoint("backward", "(self, dout)", "Store dW, db; return dx (N, in)."),
                EntryPoint("params", "(self)", "[W, b]"),
                EntryPoint("grads", "(self)", "[dW, db]"),
            ),
        ),
        EntryPoint(
            "ActivationLayer",
            "(self, kind='relu')",
            "relu, tanh or sigmoid, elementwise.",
            kind="class",
            base="Layer",
            methods=(
                EntryPoint("forward", "(self, x, training=True)", "f(x)."),
                EntryPoint("backward", "(self, dout)", "dout * f'(x)."),
            ),
        ),
        EntryPoint(
            "DropoutLayer",
            "(self, p=0.5, rng=None)",
            "Inverted dropout with keep = rng.random(x.shape) >= p.",
            kind="class",
            base="Layer",
            methods=(
                EntryPoint("forward", "(self, x, training=True)", "x * keep / (1 - p) in training, x in eval."),
                EntryPoint("backward", "(self, dout)", "dout * keep / (1 - p) (dout after an eval forward)."),
            ),
        ),
        EntryPoint(
            "BatchNormLayer",
            "(self, num_features, momentum=0.1, eps=1e-5)",
            "BatchNorm1d on (N, C): gamma, beta, running_mean, running_var.",
            kind="class",
            base="Layer",
            methods=(
                EntryPoint(
                    "forward",
                    "(self, x, training=True)",
                    "Normalize with batch (training) or running (eval) statistics.",
                ),
                EntryPoint(
                    "backward", "(self, dout)", "Store dgamma, dbeta; return dx (through the batch statistics)."
                ),
                EntryPoint("params", "(self)", "[gamma, beta]"),
                EntryPoint("grads", "(self)", "[dgamma, dbeta]"),
            ),
        ),
        EntryPoint(
            "Network",
            "(self, layers)",
            "A stack of layers, itself a Layer.",
            kind="class",
            base="Layer",
            methods=(
                EntryPoint("forward", "(self, x, training=True)", "Through the layers in order."),
                EntryPoint("backward", "(self, dout)", "Through the layers in reverse order; return dx."),
                EntryPoint("params", "(self)", "Every layer's params(), in layer order."),
                EntryPoint("grads", "(self)", "Every layer's grads(), in the same order."),
            ),
        ),
        EntryPoint(
            "SoftmaxCrossEntropy",
            "(self)",
            "Mean softmax cross-entropy of logits against integer labels.",
            kind="class",
            methods=(
                EntryPoint("forward", "(self, logits, y)", "The mean loss, a float."),
                EntryPoint("backward", "(self)", "d loss / d logits, (N, C)."),
            ),
        ),
        EntryPoint(
            "MSELoss",
            "(self)",
            "Mean squared error over every element.",
            kind="class",
            methods=(
                EntryPoint("forward", "(self, pred, target)", "The mean loss, a float."),
                EntryPoint("backward", "(self)", "d loss / d pred."),
            ),
        ),
        EntryPoint(
            "SGD",
            "(self, params, lr=0.01, momentum=0.0)",
            "torch.optim.SGD with momentum, in place.",
            kind="class",
            methods=(EntryPoint("step", "(self, grads)", "One update of every parameter."),),
        ),
        EntryPoint(
            "Adam",
            "(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)",
            "torch.optim.Adam, in place.",
            kind="class",
            methods=(EntryPoint("step", "(self, grads)", "One bias-corrected update of every parameter."),),
        ),
        EntryPoint(
            "train",
            "(network, loss_fn, optimizer, X, y, epochs=1, batch_size=32, rng=None)",
            "Mini-batch training, shuffled by rng.permutation(N) each epoch; the loss of every step (array).",
        ),
    ),
    checks=(
        Check(
            "base",
            "Layer",
            base_cases,
            call=_base,
            description="every layer and Network subclass Layer; 2, 0, 0, 2 parameter arrays",
        ),
        Check(
            "linear",
            "LinearLayer",
            linear_cases,
            call=_linear,
            tolerance=LOOSE,
            description="N x in x out 5x3x4, 1x6x2, 8x1x3, 4x7x7: out, dx, dW, db",
        ),
        Check(
            "activation",
            "ActivationLayer",
            activation_cases,
            call=_activation,
            description="relu, tanh, sigmoid with 0, 40 and -800 in x: out and dx",
        ),
        Check(
            "dropout",
            "DropoutLayer",
            dropout_cases,
            call=_dropout,
            description="p 0.3 / 0.5 / 0 / 1: two training masks from one rng, backward, eval",
        ),
        Check(
            "batchnorm",
            "BatchNormLayer",
            batchnorm_cases,
            call=_batchnorm,
            tolerance=LOOSE,
            description="(8, 3), (5, 6) momentum 0.3, (2, 1): y, dx, dgamma, dbeta, running stats; eval forward and "
            "backward",
        ),
        Check(
            "network",
            "Network",
            network_cases,
            call=_network_pass,
            tolerance=LOOSE,
            description="3 stacks (relu; batchnorm + dropout + tanh; sigmoid, 4 layers) with cross-entropy: "
            "logits, loss, dx, grads, eval logits",
        ),
        Check(
            "cross_entropy",
            "SoftmaxCrossEntropy",
            cross_entropy_cases,
            call=_loss("SoftmaxCrossEntropy"),
            description="N x C 6x3, 1x5, 4x4; logits of +-1000",
        ),
        Check("mse", "MSELoss", mse_cases, call=_loss("MSELoss"), description="(6, 2), (5, 1), (3, 4)"),
        Check(
            "sgd",
            "SGD",
            _optimizer_cases([("plain", {"lr": 0.1}), ("momentum_0.9", {"lr": 0.05, "momentum": 0.9})], 14800),
            call=_optimizer("SGD"),
            description="4 steps: plain, momentum 0.9",
        ),
        Check(
            "adam",
            "Adam",
            _optimizer_cases([("default", {"lr": 0.01}), ("betas_0.5_0.6", {"lr": 0.1, "betas": (0.5, 0.6)})], 14900),
            call=_optimizer("Adam"),
            description="4 steps: default betas, betas (0.5, 0.6)",
        ),
        Check(
            "train",
            "train",
            train_cases,
            call=_train,
            tolerance=TRAIN_TOL,
            description="3 epochs: SGD momentum + cross-entropy; Adam with batch norm and dropout; SGD + MSE with a "
            "last batch of 2: every step's loss and the final weights",
        ),
    ),
    probes=(
        Probe(
            "running_var is updated with the UNBIASED batch variance (x.var(axis=0, ddof=1), PyTorch's), while the "
            "normalization itself uses the biased one",
            impl="wrong/nn_framework/running_var_biased.py",
            checks=("batchnorm", "network", "train"),
        ),
        Probe(
            "Adam's bias correction is missing: divide the moments by 1 - beta1^t and 1 - beta2^t (t counts the steps "
            "from 1) before the update",
            impl="wrong/nn_framework/adam_no_bias_correction.py",
            checks=("adam", "train"),
        ),
        Probe(
            "backward OVERWRITES the previous gradients (dW = x^T dout, not dW += ...): this framework has no "
            "zero_grad, so accumulated gradients grow from step to step",
            impl="wrong/nn_framework/grads_accumulate.py",
            checks=("train",),
        ),
        Probe(
            "params() must return the layer's own arrays, not copies: optimizers update them in place (and the "
            "checks load weights through them)",
            impl="wrong/nn_framework/params_copies.py",
            checks=("linear", "batchnorm", "network"),
        ),
        Probe(
            "db must SUM dout over the batch (axis 0), like dW sums over the batch through the matmul",
            impl="wrong/nn_framework/bias_grad_mean.py",
            checks=("linear", "network"),
        ),
        Probe(
            "Network.backward must visit the layers in REVERSE order (the last layer's backward first)",
            impl="wrong/nn_framework/backward_in_forward_order.py",
            checks=("network",),
        ),
        Probe(
            "train must shuffle every epoch: order = rng.permutation(N), then batches X[order[i:i + batch_size]]",
            impl="wrong/nn_framework/no_shuffle.py",
            checks=("train",),
        ),
        Probe(
            "dropout is applied in eval mode: with training=False return x unchanged",
            impl="wrong/nn_framework/dropout_in_eval.py",
            checks=("dropout", "network"),
        ),
        Probe(TRANSPOSED_HINT, impl="wrong/nn_framework/transposed_weight.py", checks=("linear",)),
        Probe(
            TRANSPOSED_HINT,
            when=lambda case, actual, expected: "(transposed)" in str(getattr(actual, "message", "")),
            checks=("linear", "network", "train"),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "DropoutLayer.forward",
            "keep = self.rng.random(x.shape) >= self.p",
            "self.rng.random(x.shape) > self.p",
            "a uniform draw equals p with probability 0",
        ),
        Equivalent(
            "DropoutLayer.forward",
            "keep * (0.0 if self.p == 1 else",
            "keep * (1.0 if self.p == 1",
            "with p = 1 nothing is kept (keep is all False), so the factor multiplies zeros",
        ),
    ),
)
