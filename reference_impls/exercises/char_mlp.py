"""Exercise: makemore's bigram baseline and MLP on Shakespeare, evaluated on held-out text (module 0.7, milestone 2)."""

from functools import cache

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import CHAR_LM_TEXT
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe

MARGIN = 0.1  # the MLP's held-out loss must beat the bigram model's by this many nats


@cache
def _tokens():
    """(vocab size, the first 90 % of the shipped text as int64 tokens, the last 10 %)."""
    import torch

    text = CHAR_LM_TEXT.read_text(encoding="utf-8")
    stoi = {c: i for i, c in enumerate(sorted(set(text)))}
    tokens = torch.tensor([stoi[c] for c in text])
    cut = int(0.9 * len(tokens))
    return len(stoi), tokens[:cut], tokens[cut:]


def _pick(which):
    import torch

    _, train, held_out = _tokens()
    if which == "random":
        return torch.from_numpy(np.random.default_rng(1700).integers(0, 5, 40))
    return {"train": train, "held_out": held_out}[which]


# -- the bigram baseline ---------------------------------------------------------------------------------


def bigram_cases():
    yield Case(
        "shakespeare", (), {"which": "train", "vocab": 58, "smoothing": 1.0}, note="28,567 characters, 58 distinct"
    )
    yield Case("held_out_light_smoothing", (), {"which": "held_out", "vocab": 58, "smoothing": 0.1})
    yield Case("five_symbols", (), {"which": "random", "vocab": 5, "smoothing": 0.5}, note="40 symbols of 5")


def _bigram(impl, which, vocab, smoothing):
    return np.asarray(impl.bigram_probs(_pick(which).clone(), vocab, smoothing=smoothing), dtype=np.float64)


def nll_cases():
    yield Case(
        "train_on_held_out", (), {"which": "held_out"}, note="P from the training text, scored on the held-out 10 %"
    )
    yield Case("five_symbols", (), {"which": "random"})


def _nll(impl, which):
    from reference_impls.torch.char_mlp import bigram_probs

    V, train, _ = _tokens()
    tokens = _pick(which)
    P = bigram_probs(train, V) if which != "random" else bigram_probs(tokens, 5, smoothing=0.5)
    return np.float64(impl.bigram_nll(P, tokens.clone()))


# -- the dataset, the model, the evaluation ------------------------------------------------------------------


def dataset_cases():
    yield Case("block_3", (), {"which": "random", "block_size": 3}, note="40 symbols: 37 examples")
    yield Case("block_1", (), {"which": "random", "block_size": 1}, note="block 1: the bigram's examples")
    yield Case("block_8_held_out", (), {"which": "held_out", "block_size": 8})


def _dataset(impl, which, block_size):
    X, Y = impl.build_dataset(_pick(which).clone(), block_size)
    return {"X": np.asarray(X, dtype=np.int64), "Y": np.asarray(Y, dtype=np.int64)}


def model_cases():
    yield Case(
        "defaults", (), {"kwargs": {}}, note="58 characters, block 3, embeddings 10, hidden 64: 6,334 parameters"
    )
    yield Case("block_5_embd_4_hidden_32", (), {"kwargs": {"block_size": 5, "n_embd": 4, "n_hidden": 32}})


def _model(impl, kwargs):
    import torch

    torch.manual_seed(0)
    model = impl.CharMLP(58, **kwargs)
    X = torch.randint(0, 58, (7, kwargs.get("block_size", 3)), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        logits = model(X)
    return {
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "shapes": np.array(
            sorted(sum((list(p.shape) + [0] * (2 - p.dim()) for p in model.parameters()), [])), np.int64
        ),
        "logits_shape": np.array(logits.shape, np.int64),
    }


def loss_cases():
    yield Case(
        "held_out", (), {"block_size": 3}, note="a model with dropout, left in train mode: evaluate in eval mode"
    )
    yield Case("held_out_block_5", (), {"block_size": 5})


def _given_model(block_size):
    import torch
    import torch.nn as nn

    from reference_impls.torch.char_mlp import CharMLP

    torch.manual_seed(3)
    model = CharMLP(58, block_size)
    model.hidden = nn.Sequential(model.hidden, nn.Dropout(0.5))
    model.train()
    return model


def _loss(impl, block_size):
    return np.float64(impl.split_loss(_given_model(block_size), _tokens()[2].clone(), block_size))


# -- the milestone: the MLP beats the bigram on held-out text ---------------------------------------------------------


def train_cases():
    yield Case("defaults", (), note="trained on the first 90 %; both losses measured by the check on the last 10 %")


def _train(impl):
    from reference_impls.torch.char_mlp import bigram_nll, bigram_probs, split_loss

    V, train, held_out = _tokens()
    model = impl.train_mlp(train.clone(), V)
    return {
        "mlp": split_loss(model, held_out, getattr(model, "block_size", 3)),
        "bigram": bigram_nll(bigram_probs(train, V), held_out),
    }


def train_steps_cases():
    yield Case(
        "3_steps_on_one_repeated_character",
        (3,),
        note="20 copies of one token (V = 5, block 3, batch 4, lr 1e-2): every mini-batch is the same, so 3 steps of "
        "train_mlp must equal 3 Adam steps from the model train_mlp(..., steps=0) returns",
    )


def _train_steps(impl, steps):
    import copy

    import torch
    import torch.nn.functional as F

    tokens, V = torch.full((20,), 2, dtype=torch.int64), 5
    init = impl.train_mlp(tokens.clone(), V, 3, 0, 4, 1e-2, 0)
    trained = impl.train_mlp(tokens.clone(), V, 3, steps, 4, 1e-2, 0)
    expected = copy.deepcopy(init)
    expected.train()
    optimizer = torch.optim.Adam(expected.parameters(), lr=1e-2)
    X, Y = tokens[:12].reshape(4, 3), tokens[:4]
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(expected(X), Y).backward()
        optimizer.step()
    accumulated = copy.deepcopy(init)  # the same steps with the gradients never reset (a known mistake)
    accumulated.train()
    optimizer = torch.optim.Adam(accumulated.parameters(), lr=1e-2)
    for _ in range(steps):
        F.cross_entropy(accumulated(X), Y).backward()
        optimizer.step()
    probe = torch.randint(V, (16, 3), generator=torch.Generator().manual_seed(7))
    models = (("init", init), ("trained", trained), ("expected", expected), ("no_zero_grad", accumulated))
    for _, model in models:
        model.eval()
    with torch.no_grad():
        return {k: m(probe).double().numpy() for k, m in models}


def _gradients_accumulate(case, actual, expected):
    try:
        return not np.allclose(actual["trained"], actual["expected"], rtol=1e-4, atol=1e-5) and np.allclose(
            actual["trained"], actual["no_zero_grad"], rtol=1e-4, atol=1e-5
        )
    except (TypeError, KeyError, IndexError, ValueError):
        return False


def _judge_train_steps(expected, actual, case):
    if np.allclose(actual["trained"], actual["expected"], rtol=1e-4, atol=1e-5):
        return None
    if np.allclose(actual["trained"], actual["init"], rtol=1e-4, atol=1e-5):
        return "train_mlp(..., steps=3) returned the model it starts from: no Adam step changed it"
    err = float(np.max(np.abs(actual["trained"] - actual["expected"])))
    return (
        f"on {case.note.split(':')[0]}, the logits after train_mlp(..., steps=3) differ from 3 Adam steps (lr 1e-2, "
        f"default betas) from your own initial model by up to {err:.3g} (rtol 1e-4, atol 1e-5): take exactly `steps` "
        "Adam steps, each on the mean cross-entropy of one mini-batch"
    )


def _judge_train(expected, actual, case):
    if actual["mlp"] <= actual["bigram"] - MARGIN:
        return None
    return (
        f"held-out loss {actual['mlp']:.3f} nats: not {MARGIN} below the bigram model's {actual['bigram']:.3f} "
        "(the reference: ~2.15 after 300 Adam steps at lr 1e-2)"
    )


# -- known mistakes -------------------------------------------------------------------------------------------------


def _nll_summed(P, tokens):
    import torch

    return -torch.log(P[tokens[:-1], tokens[1:]]).sum().item()


def _loss_train_mode(model, tokens, block_size):
    import torch
    import torch.nn.functional as F

    from reference_impls.torch.char_mlp import build_dataset

    X, Y = build_dataset(tokens, block_size)
    with torch.no_grad():
        return F.cross_entropy(model(X), Y).item()


def _nll_bits(P, tokens):
    import torch

    return -torch.log2(P[tokens[:-1], tokens[1:]]).mean().item()


def _smoothing_zeros_only(tokens, vocab_size, smoothing=1.0):
    import torch

    counts = torch.zeros(vocab_size, vocab_size, dtype=torch.float64)
    counts.index_put_((tokens[:-1], tokens[1:]), torch.ones(len(tokens) - 1, dtype=torch.float64), accumulate=True)
    counts[counts == 0] = smoothing
    return counts / counts.sum(dim=1, keepdim=True)


def _dataset_padded(tokens, block_size):
    import torch

    from reference_impls.torch.char_mlp import build_dataset

    padded = torch.cat([torch.zeros(block_size, dtype=tokens.dtype), tokens])
    return build_dataset(padded, block_size)


EXERCISE = Exercise.of(
    info("char_mlp"),
    preamble="import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n",
    task=f"""Karpathy's makemore, parts 1 and 2, on the shipped Shakespeare (reference_impls/data; the checks
encode it as int64 tokens over its 58 sorted characters and split it 90 / 10): a bigram baseline, an
MLP that reads the previous `block_size` characters (Bengio et al. 2003), both scored on held-out text.

1. `bigram_probs(tokens, vocab_size, smoothing=1.0)`: count every consecutive pair (previous i, next
   j), add `smoothing` to every count, normalize each row: a (V, V) float64 tensor whose row i is
   P(next | previous = i).
2. `bigram_nll(P, tokens)`: the mean negative log-likelihood (nats) of every consecutive pair; a float.
3. `build_dataset(tokens, block_size)`: (X, Y) with X (N, block_size) the characters before each
   position from block_size on and Y (N,) the character there (N = len(tokens) - block_size).
4. `CharMLP(vocab_size, block_size=3, n_embd=10, n_hidden=64)`, an nn.Module with a `block_size`
   attribute: an embedding table (vocab_size, n_embd), the block_size embeddings concatenated, a
   Linear to n_hidden, tanh, a Linear to vocab_size logits. forward(X (N, block_size)) -> (N, vocab).
5. `split_loss(model, tokens, block_size)`: the mean cross-entropy over build_dataset(tokens,
   block_size), in eval mode, without gradients; a float.
6. `train_mlp(tokens, vocab_size, block_size=3, steps=300, batch_size=256, lr=1e-2, seed=0)`:
   torch.manual_seed(seed), then a CharMLP (so steps=0 returns the initial model), then `steps` Adam
   steps (default betas), each on the mean cross-entropy of a random mini-batch of the examples.
   Milestone: its held-out loss at least {MARGIN} nats under the bigram model's (2.43; the reference
   gets ~2.15): the comparison with the simpler baseline.

The reference: reference_impls/torch/char_mlp.py.""",
    entry_points=(
        EntryPoint("bigram_probs", "(tokens, vocab_size, smoothing=1.0)", "(V, V) float64: smoothed, rows sum to 1."),
        EntryPoint("bigram_nll", "(P, tokens)", "Mean negative log-likelihood of the consecutive pairs; a float."),
        EntryPoint("build_dataset", "(tokens, block_size)", "(X (N, block_size), Y (N,)) int64."),
        EntryPoint(
            "CharMLP",
            "(self, vocab_size, block_size=3, n_embd=10, n_hidden=64)",
            "The MLP language model (an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(EntryPoint("forward", "(self, X)", "X (N, block_size) int64 -> logits (N, vocab_size)."),),
        ),
        EntryPoint("split_loss", "(model, tokens, block_size)", "Mean cross-entropy in eval mode; a float."),
        EntryPoint(
            "train_mlp",
            "(tokens, vocab_size, block_size=3, steps=300, batch_size=256, lr=1e-2, seed=0)",
            "A trained CharMLP.",
        ),
    ),
    checks=(
        Check(
            "bigram_probs",
            "bigram_probs",
            bigram_cases,
            call=_bigram,
            description="Shakespeare, smoothing 1 / 0.1, 5 symbols",
        ),
        Check(
            "bigram_nll",
            "bigram_nll",
            nll_cases,
            call=_nll,
            description="held-out text under the training counts; 5 symbols",
        ),
        Check("build_dataset", "build_dataset", dataset_cases, call=_dataset, description="block 3, 1 and 8"),
        Check(
            "model",
            "CharMLP",
            model_cases,
            call=_model,
            description="the defaults (6,334 parameters) and a wider block",
        ),
        Check(
            "split_loss",
            "split_loss",
            loss_cases,
            call=_loss,
            tolerance={"float64": (1e-5, 1e-8)},
            description="held-out text, a model with dropout left in train mode; block 3 and 5",
        ),
        Check(
            "train_steps",
            "train_mlp",
            train_steps_cases,
            call=_train_steps,
            compare=_judge_train_steps,
            reference_output=False,
            description="steps=3 on one repeated character: 3 Adam steps from the steps=0 model",
        ),
        Check(
            "train_mlp",
            "train_mlp",
            train_cases,
            call=_train,
            compare=_judge_train,
            reference_output=False,
            description=f"the defaults: held-out loss {MARGIN} nats under the bigram model's",
        ),
    ),
    probes=(
        Probe(
            "the columns sum to 1, not the rows: normalize each row (counts / counts.sum(dim=1, keepdim=True)), "
            "so that P[i] is the distribution of the character after i",
            impl="wrong/char_mlp/bigram_columns.py",
            checks=("bigram_probs",),
        ),
        Probe(
            "the log-likelihoods were summed: the loss is their mean over the pairs",
            impl={"bigram_nll": _nll_summed},
            checks=("bigram_nll",),
        ),
        Probe(
            "the model was evaluated in train mode: call model.eval() (dropout is on in train mode)",
            impl={"split_loss": _loss_train_mode},
            checks=("split_loss",),
        ),
        Probe(
            "the contexts are off by one: X[k] holds tokens[k : k + block_size] and Y[k] = tokens[k + block_size], "
            "the character right after them",
            impl="wrong/char_mlp/context_includes_target.py",
            checks=("build_dataset",),
        ),
        Probe(
            "the loss is in nats: torch.log (the natural log), not log2 (bits)",
            impl={"bigram_nll": _nll_bits},
            checks=("bigram_nll",),
        ),
        Probe(
            "smoothing is added to EVERY count (add-k smoothing), not only to the pairs never seen",
            impl={"bigram_probs": _smoothing_zeros_only},
            checks=("bigram_probs",),
        ),
        Probe(
            "no start padding here: the first example is the character at position block_size (the text is one "
            "stream, no '.' token), so N = len(tokens) - block_size",
            impl={"build_dataset": _dataset_padded},
            checks=("build_dataset",),
        ),
        Probe(
            "the gradients accumulate across steps: call optimizer.zero_grad() (or set each p.grad = None) before "
            "every loss.backward()",
            when=_gradients_accumulate,
            checks=("train_steps",),
        ),
    ),
)
