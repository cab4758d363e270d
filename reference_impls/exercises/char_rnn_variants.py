"""Exercise: RNN, LSTM, GRU and attention-enhanced LSTM character models of equal size, trained alike (module 0.4)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises.char_mlp import _tokens
from reference_impls.exercises.digits_cnn_zoo import _fill

BUDGET = 6_000  # parameters of each model in the milestone
LOSS_BOUND = 3.15  # the mean of the last 10 training losses (character frequencies alone: 3.28 nats)


# -- the models --------------------------------------------------------------------------------------------------------


def model_cases():
    yield Case("rnn", (), {"cell": "rnn", "hidden": 12, "attention": False}, note="one tanh RNN layer")
    yield Case("lstm", (), {"cell": "lstm", "hidden": 10, "attention": False}, note="torch's gate layout (i, f, g, o)")
    yield Case("gru", (), {"cell": "gru", "hidden": 9, "attention": False})
    yield Case(
        "lstm_attention",
        (),
        {"cell": "lstm", "hidden": 8, "attention": True},
        note="causal dot-product attention over the LSTM's outputs, scaled by 1 / sqrt(H)",
    )


def _model(impl, cell, hidden, attention):
    import torch

    torch.manual_seed(0)
    model = impl.CharRNN(58, cell=cell, hidden=hidden, n_embd=6, attention=attention)
    _fill(model)
    X = torch.randint(0, 58, (3, 11), generator=torch.Generator().manual_seed(2))
    model.eval()
    with torch.no_grad():
        logits = model(X)
        X_changed = X.clone()
        X_changed[:, 7:] = (X_changed[:, 7:] + 1) % 58
        early = model(X_changed)[:, :7]
    return {
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "logits": logits.numpy(),
        "causal": bool(torch.allclose(early, logits[:, :7])),
    }


def count_cases():
    for cell in ("rnn", "lstm", "gru"):
        yield Case(cell, (), {"cell": cell, "vocab_size": 58, "hidden": 40, "n_embd": 16, "attention": False})
    yield Case(
        "lstm_attention",
        (),
        {"cell": "lstm", "vocab_size": 58, "hidden": 40, "n_embd": 16, "attention": True},
        note="the output layer reads [h_t, c_t]: 2 H inputs",
    )
    yield Case("gru_small", (), {"cell": "gru", "vocab_size": 5, "hidden": 1, "n_embd": 3, "attention": False})


def _count(impl, **kwargs):
    return np.int64(impl.parameter_count(**kwargs))


def budget_cases():
    for cell in ("rnn", "lstm", "gru"):
        yield Case(cell, (), {"cell": cell, "vocab_size": 58, "budget": BUDGET}, note=f"{BUDGET:,} parameters")
    yield Case("lstm_attention", (), {"cell": "lstm", "vocab_size": 58, "budget": BUDGET, "attention": True})
    yield Case(
        "exact_fit",
        (),
        {"cell": "gru", "vocab_size": 58, "budget": 5_402},
        note="the GRU with H = 24 has exactly 5,402 parameters: it fits",
    )
    yield Case(
        "room_for_one",
        (),
        {"cell": "rnn", "vocab_size": 58, "budget": 1_100},
        note="H = 1 has 1,063 parameters, H = 2 has 1,142: the answer is 1",
    )


def _budget(impl, **kwargs):
    return np.int64(impl.hidden_for_budget(**kwargs))


# -- identical training: recording models --------------------------------------------------------------------------------


def _recorder(extra):
    """Logs the input windows it is given; predicts token + 1 (the check's tokens count up), so the loss is ~0
    exactly when the targets are the inputs shifted by one."""
    import torch
    import torch.nn as nn

    class Recorder(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(()) + 0 * torch.randn(extra).sum())  # draws from torch's RNG
            self.log = []

        def forward(self, X):
            self.log.append(X.tolist())
            return 30.0 * self.scale * nn.functional.one_hot((X + 1) % 300, 300).float()

    return Recorder


def identical_cases():
    yield Case("windows", (), {"seq_len": 7, "steps": 5, "batch_size": 4}, note="300 tokens counting up 0 .. 299")
    yield Case("one_step_long_windows", (), {"seq_len": 50, "steps": 1, "batch_size": 3})
    yield Case(
        "four_possible_windows",
        (),
        {"seq_len": 296, "steps": 4, "batch_size": 8},
        note="windows of 296 of 300 tokens: the starts 0 .. 3, each drawn among 32",
    )


def _identical(impl, seq_len, steps, batch_size):
    import torch

    tokens = torch.arange(300)
    built = {}

    def builder(name, extra):
        def build():
            built[name] = _recorder(extra)()
            return built[name]

        return build

    losses = impl.train_all(
        {"a": builder("a", 3), "b": builder("b", 40)},
        tokens,
        seq_len=seq_len,
        steps=steps,
        batch_size=batch_size,
        lr=1e-3,
        seed=5,
    )
    return {
        "losses": {k: [float(v) for v in vs] for k, vs in losses.items()},
        "logs": {k: m.log for k, m in built.items()},
        "seq_len": seq_len,
        "steps": steps,
        "batch_size": batch_size,
    }


def _judge_identical(expected, actual, case):
    losses, logs = actual["losses"], actual["logs"]
    seq_len, steps, batch_size = actual["seq_len"], actual["steps"], actual["batch_size"]
    if set(losses) != {"a", "b"}:
        return f"train_all returned {sorted(losses)}: one entry per model, keyed by the names it was given"
    for name in ("a", "b"):
        if len(losses[name]) != steps:
            return f"{len(losses[name])} losses for model {name!r}: one per step ({steps})"
        if len(logs[name]) != steps:
            return f"model {name!r} was called {len(logs[name])} times: once per step ({steps})"
        for batch in logs[name]:
            if len(batch) != batch_size or any(len(row) != seq_len for row in batch):
                return f"a batch was not {batch_size} windows of seq_len={seq_len} tokens"
            if any(row != list(range(row[0], row[0] + seq_len)) for row in batch):
                return "a window is not seq_len consecutive tokens of the text"
            if any(row[-1] + 1 >= 300 for row in batch):
                return "a window runs to the last token: its last target would lie past the end"
        span = 300 - seq_len  # the starts 0 .. span - 1 have a target for every input
        starts = {row[0] for batch in logs[name] for row in batch}
        if span <= 4 and {0, span - 1} - starts:
            return (
                f"the windows started at {sorted(starts)} of 0 .. {span - 1}: every start from 0 to len(tokens) - seq_len "
                "- 1 has its targets in the text (torch.randint(0, len(tokens) - seq_len, ...))"
            )
        if max(losses[name]) > 1e-3:
            return (
                f"model {name!r} predicts each next token exactly, yet its loss is {max(losses[name]):.3g}: the targets "
                "must be the inputs shifted by one (tokens[s + 1 : s + seq_len + 1] for inputs tokens[s : s + seq_len])"
            )
    if logs["a"] != logs["b"]:
        return (
            "the models were not trained on the same windows: seed one generator per model run with `seed` "
            "(torch.Generator().manual_seed(seed)) and draw the windows' starts from it"
        )
    return None


def _identical_failure(phrase):
    def when(case, actual, expected):
        return isinstance(actual, dict) and "logs" in actual and phrase in (_judge_identical(None, actual, case) or "")

    return when


# -- the milestone ------------------------------------------------------------------------------------------------------


def train_cases():
    yield Case(
        "four_variants", (), note=f"RNN, LSTM, GRU, LSTM + attention, {BUDGET:,} parameters each, on Shakespeare"
    )


def _train(impl):
    V, train, _ = _tokens()
    models = {}
    for name, cell, attention in (
        ("rnn", "rnn", False),
        ("lstm", "lstm", False),
        ("gru", "gru", False),
        ("lstm_attention", "lstm", True),
    ):
        hidden = impl.hidden_for_budget(cell, V, BUDGET, attention=attention)
        models[name] = lambda cell=cell, hidden=hidden, attention=attention: impl.CharRNN(
            V, cell, hidden, 16, attention
        )
    losses = impl.train_all(models, train.clone(), seq_len=16, steps=50, batch_size=16)
    return {name: [float(v) for v in curve] for name, curve in losses.items()}


def _judge_train(expected, actual, case):
    for name in ("rnn", "lstm", "gru", "lstm_attention"):
        curve = actual.get(name, [])
        if len(curve) != 50:
            return f"{name}: {len(curve)} losses, expected 50"
        last = sum(curve[-10:]) / 10
        if not last < LOSS_BOUND:
            return (
                f"{name}: the mean of the last 10 losses is {last:.2f} nats, not under {LOSS_BOUND} (character "
                "frequencies alone give 3.28; the reference: 2.55-2.96)"
            )
    return None


# -- known mistakes -----------------------------------------------------------------------------------------------------


def _count_one_bias(cell, vocab_size, hidden, n_embd=16, attention=False):
    from reference_impls.torch.char_rnn_variants import GATES

    H, E, V = hidden, n_embd, vocab_size
    return V * E + GATES[cell] * (H * E + H * H + H) + (2 * H if attention else H) * V + V


def _budget_overshoots(cell, vocab_size, budget, n_embd=16, attention=False):
    from reference_impls.torch.char_rnn_variants import parameter_count

    H = 1
    while parameter_count(cell, vocab_size, H, n_embd, attention) <= budget:
        H += 1
    return H


EXERCISE = Exercise.of(
    info("char_rnn_variants"),
    preamble="import math\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n",
    task=f"""Module 0.4's project: character-level language models with different recurrent cells, of the same
size, trained alike. On the shipped Shakespeare (the checks encode it as int64 tokens over its 58
sorted characters).

1. `CharRNN(vocab_size, cell="lstm", hidden=64, n_embd=16, attention=False)`, an nn.Module: an
   nn.Embedding(vocab_size, n_embd); one torch.nn.RNN (tanh) / nn.LSTM / nn.GRU layer (cell "rnn",
   "lstm", "gru"; batch_first=True, torch's weights and two biases per gate); a Linear from each step's
   output to the logits. With attention=True (the attention-enhanced model): at each step t the
   scores h_t . h_s / sqrt(hidden) over s <= t only (causal: masked with -inf after t), their softmax a,
   the context c_t = sum_s a_s h_s, and the Linear reads torch.cat([h_t, c_t]) (2 * hidden inputs).
   forward(X (B, T) int64) -> logits (B, T, vocab_size).
2. `parameter_count(cell, vocab_size, hidden, n_embd=16, attention=False)`: the closed form, an int:
   embeddings, the cell (an LSTM has 4 gates, a GRU 3, an RNN 1, each with an input and a recurrent
   weight and two biases), the output Linear.
3. `hidden_for_budget(cell, vocab_size, budget, n_embd=16, attention=False)`: the largest hidden size
   whose model has at most `budget` parameters (ValueError if none): "the same size" is the same
   parameter count, so an LSTM gets a smaller hidden state than an RNN.
4. `train_all(models, tokens, seq_len=32, steps=100, batch_size=32, lr=1e-2, seed=0)`: models maps
   names to functions of no arguments that build a model. Train each alike: torch.manual_seed(seed)
   before building it, Adam(lr), and one torch.Generator().manual_seed(seed) per model from which each
   step draws batch_size window starts s (torch.randint(0, len(tokens) - seq_len, ...)); the inputs are
   tokens[s : s + seq_len], the targets the same shifted by one; the mean cross-entropy over every
   position; the gradient norm clipped at 1. Return {{name: [the loss of each step]}}.
   The check runs it on models that record what they are given, then on your four models at
   {BUDGET:,} parameters each (50 steps of 16 windows of 16): the mean of each one's last 10 losses
   must be under {LOSS_BOUND} nats (below the 3.28 of character frequencies alone: the context is used).

The reference: reference_impls/torch/char_rnn_variants.py.""",
    entry_points=(
        EntryPoint(
            "CharRNN",
            "(self, vocab_size, cell='lstm', hidden=64, n_embd=16, attention=False)",
            "A recurrent character model (an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, X)", "X (B, T) int64 -> logits (B, T, vocab_size)."),),
        ),
        EntryPoint(
            "parameter_count", "(cell, vocab_size, hidden, n_embd=16, attention=False)", "The closed form; an int."
        ),
        EntryPoint(
            "hidden_for_budget",
            "(cell, vocab_size, budget, n_embd=16, attention=False)",
            "The largest hidden size within the budget; an int.",
        ),
        EntryPoint(
            "train_all",
            "(models, tokens, seq_len=32, steps=100, batch_size=32, lr=1e-2, seed=0)",
            "{name: [per-step losses]}, every model trained alike.",
        ),
    ),
    checks=(
        Check(
            "model",
            "CharRNN",
            model_cases,
            call=_model,
            tolerance={"float32": (1e-4, 1e-5)},
            description="RNN, LSTM, GRU, LSTM + attention with weights set from their shapes: logits, causality",
        ),
        Check(
            "parameter_count",
            "parameter_count",
            count_cases,
            call=_count,
            description="each cell at H = 40, with attention, a GRU with H = 1",
        ),
        Check(
            "hidden_for_budget",
            "hidden_for_budget",
            budget_cases,
            call=_budget,
            description=f"each cell at {BUDGET:,} parameters, with attention, an exact fit",
        ),
        Check(
            "identical_training",
            "train_all",
            identical_cases,
            call=_identical,
            compare=_judge_identical,
            reference_output=False,
            description="recording models: the same windows for each, consecutive tokens, targets shifted by one",
        ),
        Check(
            "train_all",
            "train_all",
            train_cases,
            call=_train,
            compare=_judge_train,
            reference_output=False,
            description=f"the four variants at {BUDGET:,} parameters: each one's last losses under {LOSS_BOUND} nats",
        ),
    ),
    probes=(
        Probe(
            "torch's recurrent layers have two biases per gate (b_ih and b_hh): g (H E + H H + 2 H) for the cell",
            impl={"parameter_count": _count_one_bias},
            checks=("parameter_count",),
        ),
        Probe(
            "the hidden size returned overshoots the budget by one: return the largest H whose count is <= budget",
            impl={"hidden_for_budget": _budget_overshoots},
            checks=("hidden_for_budget",),
        ),
        Probe(
            "the attention sees the future: mask the scores of s > t with -inf before the softmax",
            impl="wrong/char_rnn_variants/attention_not_causal.py",
            checks=("model",),
        ),
        Probe(
            "the models saw different windows: after torch.manual_seed(seed), building each model draws a different "
            "number of random numbers; draw the windows from a torch.Generator().manual_seed(seed) made per model",
            when=_identical_failure("not trained on the same windows"),
            checks=("identical_training",),
        ),
        Probe(
            "the targets are not the inputs shifted by one: inputs tokens[s : s + seq_len], targets tokens[s + 1 : "
            "s + seq_len + 1]",
            when=_identical_failure("shifted by one"),
            checks=("identical_training",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "hidden_for_budget",
            "H = 1",
            "H = 0",
            "the guard above has already found that H = 1 fits, so a search from 0 takes its first step to 1",
        ),
    ),
)
