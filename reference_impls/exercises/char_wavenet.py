"""Exercise: makemore parts 3 and 5 on Shakespeare: initialization, batch norm, its diagnostics, a WaveNet (module 0.7)."""

import math

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import CHAR_LM_THRESHOLD
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises.char_mlp import _tokens

PARAMETERS = 22_398  # WaveNet(58) with the defaults
INIT_LOSS_SLACK = 0.05  # nats above ln(vocab_size) allowed for the untrained WaveNet
LONG_RANGE_LOSS = 0.5  # held-out loss on the period-8 sequence (ln 10 = 2.30 for a model that cannot see 8 back)


# -- initialization ----------------------------------------------------------------------------------------------


def init_cases():
    yield Case(
        "kaiming_tanh_gain",
        (),
        {"shape": (256, 512), "strategy": "kaiming", "gain": 5 / 3},
        seed=0,
        note="fan_in is the weight's second dimension (512), not its first",
    )
    yield Case("kaiming_tall", (), {"shape": (600, 150), "strategy": "kaiming", "gain": 1.0}, seed=1)
    yield Case(
        "xavier",
        (),
        {"shape": (128, 384), "strategy": "xavier", "gain": 1.0},
        seed=2,
        note="uniform on (-a, a), a = gain * sqrt(6 / (fan_in + fan_out))",
    )
    yield Case("xavier_tanh_gain", (), {"shape": (300, 100), "strategy": "xavier", "gain": 5 / 3}, seed=3)
    yield Case("naive", (), {"shape": (200, 300), "strategy": "naive", "gain": 1.0}, seed=4)


def _init(impl, shape, strategy, gain):
    import torch

    torch.manual_seed(0)
    weight = torch.full(shape, 7.0)
    returned = impl.init_weight_(weight, strategy, gain)
    w = weight.double()
    std = w.std().item()
    return {
        "std": std,
        "mean": w.mean().item(),
        "within_one_std": (w.abs() < std).double().mean().item(),  # 0.683 for a normal, 0.577 for a uniform
        "in_place": returned is weight,
    }


def _judge_init(expected, actual, case):
    if not isinstance(actual, dict):
        return "init_weight_ must return the weight it filled"
    if not actual["in_place"]:
        return "return the weight you were given, filled in place (weight.normal_ / uniform_ under torch.no_grad())"
    if abs(actual["std"] / expected["std"] - 1) > 0.04:
        return f"the weights' std is {actual['std']:.4f}, expected {expected['std']:.4f}"
    if abs(actual["mean"]) > 0.05 * expected["std"] + 1e-3:
        return f"the weights' mean is {actual['mean']:.4f}, expected 0"
    if abs(actual["within_one_std"] - expected["within_one_std"]) > 0.02:
        return (
            f"{actual['within_one_std']:.3f} of the weights lie within one std of 0, expected "
            f"{expected['within_one_std']:.3f}: the distribution's shape is wrong (normal: 0.683, uniform: 0.577)"
        )
    return None


# -- batch norm ------------------------------------------------------------------------------------------------------


def batchnorm_cases():
    yield Case("features_2d", (), {"shape": (32, 16), "momentum": 0.1}, seed=10)
    yield Case(
        "sequence_3d",
        (),
        {"shape": (8, 4, 16), "momentum": 0.1},
        seed=11,
        note="(B, T, C), as in WaveNet: the statistics are over B and T, one per feature",
    )
    yield Case(
        "batch_of_two",
        (),
        {"shape": (2, 5), "momentum": 0.1},
        seed=12,
        note="2 examples: the biased variance (/ n) normalizes, the unbiased (/ (n - 1)) updates running_var",
    )
    yield Case(
        "momentum_half_offset",
        (),
        {"shape": (16, 8), "momentum": 0.5, "offset": 50.0},
        seed=13,
        note="inputs around 50: running_mean moves half-way each step",
    )


def _batchnorm(impl, shape, momentum, offset=0.0):
    import torch

    g = torch.Generator().manual_seed(sum(shape))
    C = shape[-1]
    bn = impl.BatchNorm1d(C, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(1 + 0.5 * torch.randn(C, generator=g))
        bn.bias.copy_(torch.randn(C, generator=g))
    bn.train()
    for _ in range(3):
        x = offset + 3 * torch.randn(shape, generator=g) + torch.randn(C, generator=g)
        train_out = bn(x)
    bn.eval()
    with torch.no_grad():
        eval_out = bn(offset + torch.randn(shape, generator=g))
    return {
        "train_output": train_out.detach().numpy(),
        "running_mean": bn.running_mean.detach().numpy().copy(),
        "running_var": bn.running_var.detach().numpy().copy(),
        "eval_output": eval_out.numpy(),
    }


# -- activation statistics: what batch norm fixes --------------------------------------------------------------------


def _stack(init, batchnorm, depth=4, width=64, block=3):
    """Embeddings of 3 characters -> depth x [Linear -> (BatchNorm1d) -> Tanh] -> Linear, built for the check."""
    import torch
    import torch.nn as nn

    torch.manual_seed(5)
    layers, fan_in = [nn.Embedding(58, 10), nn.Flatten()], 10 * block
    for _ in range(depth):
        linear = nn.Linear(fan_in, width, bias=not batchnorm)
        with torch.no_grad():
            linear.weight.normal_(0.0, 1.0 if init == "naive" else (5 / 3) / math.sqrt(fan_in))
        layers += [linear] + ([nn.BatchNorm1d(width)] if batchnorm else []) + [nn.Tanh()]
        fan_in = width
    return nn.Sequential(*layers, nn.Linear(width, 58))


def stats_cases():
    yield Case(
        "naive_init",
        (),
        {"model": "naive"},
        note="weights N(0, 1): ~0.75 of the tanh units saturate, the gradient std shrinks tenfold towards the input",
    )
    yield Case(
        "naive_init_with_batchnorm",
        (),
        {"model": "naive_bn"},
        note="the same weights, batch norm before each tanh: ~0.03 saturate, the gradients stay level",
    )
    yield Case("kaiming_init", (), {"model": "kaiming"})
    yield Case("wavenet_nested", (), {"model": "wavenet"}, note="the tanh layers sit inside a submodule")


def _stats(impl, model):
    import torch

    from reference_impls.torch.char_wavenet import WaveNet

    if model == "wavenet":
        torch.manual_seed(6)
        net, block = WaveNet(58), 8
    else:
        net, block = _stack("naive" if model.startswith("naive") else "kaiming", model.endswith("_bn")), 3
    _, train, _ = _tokens()
    idx = torch.arange(block, block + 512)
    X, Y = train[idx[:, None] - torch.arange(block, 0, -1)], train[idx]
    stats = impl.activation_stats(net, X, Y)
    return {
        k: np.asarray(torch.as_tensor(stats[k]).detach(), dtype=np.float32)
        for k in ("mean", "std", "saturated", "grad_std")
    }


# -- FlattenConsecutive and the WaveNet -------------------------------------------------------------------------------


def flatten_cases():
    yield Case("pairs", (), {"shape": (4, 8, 10), "n": 2}, seed=20, note="(4, 8, 10) -> (4, 4, 20)")
    yield Case("last_level_squeezed", (), {"shape": (3, 2, 5), "n": 2}, seed=21, note="one step left: (3, 10)")
    yield Case("triples", (), {"shape": (2, 9, 3), "n": 3}, seed=22)
    yield Case(
        "batch_of_one",
        (),
        {"shape": (1, 4, 6), "n": 4},
        seed=23,
        note="a batch of one keeps its batch dimension: (1, 24), not (24,)",
    )


def _flatten(impl, shape, n):
    import torch

    x = torch.randn(shape, generator=torch.Generator().manual_seed(n * 100 + shape[1]))
    return impl.FlattenConsecutive(n)(x).numpy()


def wavenet_cases():
    yield Case(
        "defaults",
        (),
        {"kwargs": {}},
        note=f"58 characters, block 8, embeddings 10, hidden 64: {PARAMETERS:,} parameters",
    )
    yield Case("block_4_embd_6_hidden_32", (), {"kwargs": {"block_size": 4, "n_embd": 6, "n_hidden": 32}})
    yield Case("block_16", (), {"kwargs": {"block_size": 16, "n_hidden": 24}}, note="four levels")


def _wavenet(impl, kwargs):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    model = impl.WaveNet(58, **kwargs)
    block = kwargs.get("block_size", 8)
    _, train, _ = _tokens()
    idx = torch.arange(block, block + 1024)
    X, Y = train[idx[:, None] - torch.arange(block, 0, -1)], train[idx]
    model.train()
    with torch.no_grad():
        logits = model(X)
    loss = F.cross_entropy(logits, Y).item()
    return {
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "shapes": np.array(
            sorted(sum((list(p.shape) + [0] * (2 - p.dim()) for p in model.parameters()), [])), np.int64
        ),
        "logits_shape": np.array(logits.shape, np.int64),
        "initial_loss_near_uniform": bool(loss < math.log(58) + INIT_LOSS_SLACK),
    }


# -- the milestone ----------------------------------------------------------------------------------------------------


def train_cases():
    yield Case("defaults", (), note="trained on the first 90 %; the loss measured by the check on the last 10 %")


def _train(impl):
    import torch.nn as nn

    from reference_impls.torch.char_mlp import split_loss

    V, train, held_out = _tokens()
    model = impl.train_wavenet(train.clone(), V)
    if not isinstance(model, nn.Module):
        return {"loss": float("nan"), "parameters": -1}
    return {
        "loss": split_loss(model, held_out, getattr(model, "block_size", 8)),
        "parameters": int(sum(p.numel() for p in model.parameters())),
    }


def _judge_train(expected, actual, case):
    if actual["parameters"] != PARAMETERS:
        return f"the trained model has {actual['parameters']:,} parameters: train your WaveNet(58) ({PARAMETERS:,})"
    if actual["loss"] < CHAR_LM_THRESHOLD:
        return None
    return (
        f"held-out loss {actual['loss']:.3f} nats is not under {CHAR_LM_THRESHOLD} (the reference: ~2.2 after 200 "
        "Adam steps of 256 at lr 2e-2)"
    )


def steps_cases():
    for steps in (0, 3):
        yield Case(
            f"steps_{steps}",
            (),
            {"steps": steps},
            note="one repeated character, so every mini-batch is the same: the model after `steps` Adam steps",
        )


def _steps(impl, steps):
    """train_wavenet's model against the check's own `steps` Adam steps from the same start, by logits in
    training mode (batch statistics: extra forward passes that move the running statistics do not matter)."""
    import torch
    import torch.nn.functional as F

    V, block, batch_size, lr, seed = 6, 4, 8, 0.05, 7
    model = impl.train_wavenet(
        torch.full((30,), 2), V, block_size=block, steps=steps, batch_size=batch_size, lr=lr, seed=seed
    )
    torch.manual_seed(seed)
    expected = impl.WaveNet(V, block)
    optimizer = torch.optim.Adam(expected.parameters(), lr=lr)
    expected.train()
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(expected(torch.full((batch_size, block), 2)), torch.full((batch_size,), 2)).backward()
        optimizer.step()
    X = torch.randint(0, V, (16, block), generator=torch.Generator().manual_seed(8))
    model.train(), expected.train()
    with torch.no_grad():
        return {"got": model(X).double().numpy(), "want": expected(X).double().numpy()}


def _judge_steps(expected, actual, case):
    got, want = actual["got"], actual["want"]
    if got.shape == want.shape and np.allclose(got, want, rtol=1e-4, atol=1e-5):
        return None
    steps = case.kwargs["steps"]
    return (
        f"with steps={steps}, the returned model differs from a WaveNet built after torch.manual_seed(seed) and "
        f"trained by {steps} Adam steps (lr, batch_size as given; largest logit difference "
        f"{np.abs(got - want).max() if got.shape == want.shape else float('nan'):.3g}): one optimizer step per step"
    )


# -- long-range dependencies: a synthetic sequence whose next token is the one 8 steps back ---------------------------


def long_range_cases():
    yield Case(
        "period_8",
        (),
        note="random patterns of 8 tokens (of 10) repeated: the next token is the one 8 back, out of a block-3 MLP's "
        "reach (it stays at ln 10 = 2.30 nats); a WaveNet of block 8 reads it",
    )


def _period_8(n, seed):
    import torch

    patterns = torch.randint(0, 10, (n, 8), generator=torch.Generator().manual_seed(seed))
    return patterns, patterns[:, 0]  # context: the 8 previous tokens, one period; next: the first of them again


def _fit(model, block, steps=80):
    import torch
    import torch.nn.functional as F

    X, Y = _period_8(2048, 30)
    X_val, Y_val = _period_8(512, 31)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
    g = torch.Generator().manual_seed(32)
    model.train()
    for _ in range(steps):
        batch = torch.randint(0, len(Y), (64,), generator=g)
        loss = F.cross_entropy(model(X[batch][:, -block:]), Y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        return F.cross_entropy(model(X_val[:, -block:]), Y_val).item()


def _long_range(impl):
    import torch

    from reference_impls.torch.char_mlp import CharMLP

    torch.manual_seed(0)
    wavenet = _fit(impl.WaveNet(10, block_size=8, n_embd=8, n_hidden=32), 8)
    torch.manual_seed(0)
    return {"wavenet": wavenet, "mlp_block_3": _fit(CharMLP(10, 3, 8, 64), 3)}


def _judge_long_range(expected, actual, case):
    if actual["wavenet"] < LONG_RANGE_LOSS:
        return None
    return (
        f"trained by the check for 80 steps, your WaveNet's held-out loss is {actual['wavenet']:.3f} nats (a block-3 MLP: "
        f"{actual['mlp_block_3']:.2f}; the reference WaveNet: ~0.01): it should read the token 8 steps back, under "
        f"{LONG_RANGE_LOSS}"
    )


# -- known mistakes ---------------------------------------------------------------------------------------------------


def _init_fan_out(weight, strategy, gain=1.0):
    import torch

    fan_out, fan_in = weight.shape
    with torch.no_grad():
        if strategy == "kaiming":
            return weight.normal_(0.0, gain / math.sqrt(fan_out))
        if strategy == "xavier":
            bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
            return weight.uniform_(-bound, bound)
        return weight.normal_(0.0, gain)


def _init_xavier_normal(weight, strategy, gain=1.0):
    import torch

    fan_out, fan_in = weight.shape
    if strategy != "xavier":
        from reference_impls.torch.char_wavenet import init_weight_

        return init_weight_(weight, strategy, gain)
    with torch.no_grad():
        return weight.normal_(0.0, gain * math.sqrt(6.0 / (fan_in + fan_out)))


def _loss_not_near_uniform(case, actual, expected):
    return isinstance(actual, dict) and actual.get("initial_loss_near_uniform") is False


EXERCISE = Exercise.of(
    info("char_wavenet"),
    preamble="import math\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n",
    task=f"""Karpathy's makemore, parts 3 and 5, on the shipped Shakespeare (the checks encode it as int64 tokens
over its 58 sorted characters and split it 90 / 10, as in char_mlp): initialize so that the
activations keep their scale, normalize them with batch norm, watch the statistics that show why, and
read a longer context hierarchically, WaveNet-style.

1. `init_weight_(weight, strategy, gain=1.0)`: fill a Linear weight (fan_out, fan_in) in place and
   return it: "naive" N(0, gain^2); "kaiming" N(0, gain^2 / fan_in); "xavier" U(-a, a) with
   a = gain * sqrt(6 / (fan_in + fan_out)). (tanh's gain is 5/3, torch.nn.init.calculate_gain('tanh').)
2. `BatchNorm1d(dim, eps=1e-5, momentum=0.1)`, an nn.Module as torch's: parameters `weight` (ones) and
   `bias` (zeros), buffers `running_mean` (zeros) and `running_var` (ones). Input (B, C), or (B, T, C):
   then the statistics are over B and T. In training (self.training), normalize with the batch's
   mean and biased variance, then y = weight * x_hat + bias; update running = (1 - momentum) *
   running + momentum * batch statistic, with the unbiased variance (n / (n - 1)). In eval mode,
   normalize with the running statistics.
3. `activation_stats(model, X, Y)`: for every nn.Tanh among model.modules(), in that order: the mean
   and std (torch's, unbiased) of its output, the fraction of outputs with |t| > 0.97 (saturated: the
   gradient 1 - t^2 is under 0.06), and the std of the gradient of F.cross_entropy(model(X), Y) with
   respect to that output; the model in train mode (as in training). Return a dict of 1-D tensors
   "mean", "std", "saturated", "grad_std". The check runs it on a 4-layer tanh stack with N(0, 1)
   weights (saturated), the same with batch norm before each tanh (not), and Kaiming weights.
4. `FlattenConsecutive(n)`, an nn.Module: (B, T, C) -> (B, T // n, n * C), each n consecutive time
   steps concatenated; when one step is left, (B, n * C) (squeeze dimension 1 only).
5. `WaveNet(vocab_size, block_size=8, n_embd=10, n_hidden=64)`, an nn.Module with a `block_size`
   attribute: an embedding table, then log2(block_size) levels of FlattenConsecutive(2), Linear
   (no bias: batch norm follows; weight "kaiming" with gain 5/3), BatchNorm1d(n_hidden), Tanh; then a
   Linear to the logits with its weight scaled by 0.1 at init, so that the untrained model's loss is
   within {INIT_LOSS_SLACK} of ln(vocab_size). forward(X (N, block_size) int64) -> (N, vocab_size). With the
   defaults and 58 characters: {PARAMETERS:,} parameters. Each level is a dilated convolution of kernel 2
   (dilation 1, 2, 4): a tree over the 8 characters instead of one flat layer. The check also trains
   WaveNet(10, 8, n_embd=8, n_hidden=32) on a synthetic sequence whose next token is the one 8 steps
   back: it must get under {LONG_RANGE_LOSS} nats, where an MLP reading 3 characters stays at ln 10 = 2.30.
6. `train_wavenet(tokens, vocab_size, block_size=8, steps=200, batch_size=256, lr=2e-2, seed=0)`:
   torch.manual_seed(seed), then WaveNet(vocab_size, block_size) (before any other random draw), Adam,
   and `steps` optimizer steps on random mini-batches of (previous block_size characters, next
   character). Milestone: held-out loss under {CHAR_LM_THRESHOLD} nats (the reference: ~2.2).

The reference: reference_impls/torch/char_wavenet.py.""",
    entry_points=(
        EntryPoint(
            "init_weight_", "(weight, strategy, gain=1.0)", "Fill weight (fan_out, fan_in) in place; return it."
        ),
        EntryPoint(
            "BatchNorm1d",
            "(self, dim, eps=1e-5, momentum=0.1)",
            "Batch normalization over (B, C) or (B, T, C), as torch.nn.BatchNorm1d (an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, x)", "x (B, C) or (B, T, C) -> the same shape."),),
        ),
        EntryPoint(
            "activation_stats",
            "(model, X, Y)",
            'Per nn.Tanh: {"mean", "std", "saturated", "grad_std"}, 1-D tensors, in train mode.',
        ),
        EntryPoint(
            "FlattenConsecutive",
            "(self, n)",
            "Concatenate n consecutive time steps (an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, x)", "(B, T, C) -> (B, T // n, n * C), or (B, n * C) if T == n."),),
        ),
        EntryPoint(
            "WaveNet",
            "(self, vocab_size, block_size=8, n_embd=10, n_hidden=64)",
            "The hierarchical character model (an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, X)", "X (N, block_size) int64 -> logits (N, vocab_size)."),),
        ),
        EntryPoint(
            "train_wavenet",
            "(tokens, vocab_size, block_size=8, steps=200, batch_size=256, lr=2e-2, seed=0)",
            "A trained WaveNet.",
        ),
    ),
    checks=(
        Check(
            "init_weight_",
            "init_weight_",
            init_cases,
            call=_init,
            compare=_judge_init,
            description="kaiming (gain 5/3 and 1, wide and tall), xavier (gain 1 and 5/3), naive: std, mean, shape",
        ),
        Check(
            "batchnorm",
            "BatchNorm1d",
            batchnorm_cases,
            call=_batchnorm,
            tolerance={"float32": (1e-4, 1e-5)},
            description="(B, C) and (B, T, C), a batch of 2, momentum 0.5: 3 training steps, running stats, eval",
        ),
        Check(
            "activation_stats",
            "activation_stats",
            stats_cases,
            call=_stats,
            tolerance={"float32": (1e-3, 1e-6)},
            description="a tanh stack naive / naive with batch norm / Kaiming, and the WaveNet",
        ),
        Check(
            "flatten_consecutive",
            "FlattenConsecutive",
            flatten_cases,
            call=_flatten,
            description="pairs, the last level squeezed, triples, a batch of one",
        ),
        Check(
            "wavenet",
            "WaveNet",
            wavenet_cases,
            call=_wavenet,
            description=f"the defaults ({PARAMETERS:,} parameters), block 4 and 16: shapes, the initial loss",
        ),
        Check(
            "training_steps",
            "train_wavenet",
            steps_cases,
            call=_steps,
            compare=_judge_steps,
            reference_output=False,
            description="0 and 3 steps on identical mini-batches: your WaveNet's start plus exactly that many Adam steps",
        ),
        Check(
            "long_range",
            "WaveNet",
            long_range_cases,
            call=_long_range,
            compare=_judge_long_range,
            reference_output=False,
            description=f"a period-8 synthetic sequence: your WaveNet under {LONG_RANGE_LOSS} nats where a block-3 MLP gets 2.30",
        ),
        Check(
            "train_wavenet",
            "train_wavenet",
            train_cases,
            call=_train,
            compare=_judge_train,
            reference_output=False,
            description=f"the defaults: held-out loss under {CHAR_LM_THRESHOLD}",
        ),
    ),
    probes=(
        Probe(
            "Kaiming's std is gain / sqrt(fan_in), and fan_in is the weight's second dimension (a Linear weight is "
            "(out_features, in_features))",
            impl={"init_weight_": _init_fan_out},
            checks=("init_weight_",),
        ),
        Probe(
            "Xavier here is uniform on (-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (its std is a / sqrt(3)), "
            "not a normal with std a",
            impl={"init_weight_": _init_xavier_normal},
            checks=("init_weight_",),
        ),
        Probe(
            "the batch was normalized with the unbiased variance (torch's x.var() default): normalize with the "
            "biased one (unbiased=False); only running_var takes the unbiased estimate",
            impl="wrong/char_wavenet/unbiased_normalization.py",
            checks=("batchnorm",),
        ),
        Probe(
            "on a (B, T, C) input the statistics were taken over dimension 0 only: take them over (0, 1), one mean "
            "and variance per feature",
            impl="wrong/char_wavenet/batch_dim_only.py",
            checks=("batchnorm",),
        ),
        Probe(
            "the statistics were taken on the inputs of tanh (the pre-activations): measure its outputs, and the "
            "gradient with respect to them (retain_grad() on the tanh outputs, or a forward hook)",
            impl="wrong/char_wavenet/preactivation_stats.py",
            checks=("activation_stats",),
        ),
        Probe(
            "each output step must join n consecutive steps (t, t + 1, ...): x.view(B, T // n, n * C), or "
            "torch.cat([x[:, i::n] for i in range(n)], dim=2); not n chunks of the sequence side by side",
            impl="wrong/char_wavenet/halves_not_pairs.py",
            checks=("flatten_consecutive",),
        ),
        Probe(
            "squeeze() removed the batch dimension of a batch of one: squeeze only dimension 1 (x.squeeze(1))",
            impl="wrong/char_wavenet/squeeze_all.py",
            checks=("flatten_consecutive",),
        ),
        Probe(
            f"the untrained model's loss is more than {INIT_LOSS_SLACK} nats above ln(vocab_size): scale the last "
            "Linear's weight by 0.1 at init (under torch.no_grad()), so that the first predictions are near uniform",
            when=_loss_not_near_uniform,
            checks=("wavenet",),
        ),
    ),
)
