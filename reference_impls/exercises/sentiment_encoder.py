"""Exercise: module 0.5's step 4, an encoder-only classifier trained on a synthetic sentiment task.

The model is the reference EncoderClassifier (reference_impls/torch/encoder_classifier.py; the
encoder_classifier exercise checks the learner's own): this exercise checks the data pipeline, the
training loop and the evaluation, and that the trained model reaches the accuracy milestone.
"""

from functools import cache

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

THRESHOLD = 0.9  # held-out accuracy after the default training (the reference: ~0.96)
MAX_LEN = 12
POSITIVE, NEGATIVE, NEUTRAL = range(2, 6), range(6, 10), (10, 20)  # token ids; 0 = [PAD], 1 = [CLS]


def sentences(n, seed):
    """n (tokens, label) pairs: 4-10 neutral words with 1-3 words of one polarity mixed in; label 1 = positive."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        length, label = int(rng.integers(4, 11)), int(rng.integers(0, 2))
        tokens = rng.integers(*NEUTRAL, length)
        k = int(rng.integers(1, 4))
        tokens[rng.choice(length, k, replace=False)] = rng.choice(list(POSITIVE if label else NEGATIVE), k)
        out.append((tokens.tolist(), label))
    return out


@cache
def _split():
    """(X_train, y_train, X_test, y_test): 400 and 200 encoded sentences."""
    import torch

    from reference_impls.torch.sentiment_encoder import encode_batch

    data = sentences(600, 3400)
    X = encode_batch([s for s, _ in data], MAX_LEN)
    y = torch.tensor([label for _, label in data])
    return X[:400], y[:400], X[400:], y[400:]


def _model(seed=0, dropout=False):
    import torch
    import torch.nn as nn

    from reference_impls.torch.encoder_classifier import EncoderClassifier, EncoderClassifierConfig

    torch.manual_seed(seed)
    config = EncoderClassifierConfig(
        vocab_size=20, max_len=MAX_LEN, d_model=16, n_head=2, n_layer=1, d_ff=32, n_classes=2
    )
    model = EncoderClassifier(config)
    if dropout:
        model.classifier = nn.Sequential(nn.Dropout(0.5), model.classifier)
        model.train()
    return model


def encode_cases():
    yield Case("three_sentences", ([[12, 3, 15], [7, 11], [10, 10, 10, 2, 19]], 8), note="shorter than max_len")
    yield Case(
        "truncated",
        ([[11, 12, 13, 14, 15, 16, 17, 18, 19, 2], [4]], 6),
        note="10 tokens into max_len 6: [CLS] and the first 5",
    )
    yield Case(
        "empty_sentence_other_ids",
        ([[], [5, 6]], 4),
        {"cls_id": 3, "pad_id": 9},
        note="an empty sentence is [CLS] then padding; cls_id and pad_id given",
    )


def _encode(impl, sentences_, max_len, **kwargs):
    return np.asarray(impl.encode_batch([list(s) for s in sentences_], max_len, **kwargs), dtype=np.int64)


def accuracy_cases():
    yield Case(
        "trained_with_dropout_left_on",
        (),
        {"seed": 1},
        note="a model left in train mode with dropout: evaluate in eval mode",
    )


@cache
def _trained_state(seed):
    """The state of a model with dropout trained for 30 steps: trained once, loaded for every call."""
    from reference_impls.torch.sentiment_encoder import train_sentiment

    X, y, _, _ = _split()
    return train_sentiment(_model(seed, dropout=True), X, y, steps=30, seed=seed).state_dict()


def _accuracy(impl, seed):
    import torch

    _, _, X_test, y_test = _split()
    model = _model(seed, dropout=True)
    model.load_state_dict(_trained_state(seed))
    model.train()
    torch.manual_seed(seed)  # the dropout masks of a train-mode evaluation
    return np.float64(impl.accuracy(model, X_test.clone(), y_test.clone()))


def train_cases():
    yield Case("defaults", (), note="400 sentences; the check measures accuracy on 200 held-out ones")


def _train(impl):
    import torch

    from reference_impls.torch.sentiment_encoder import accuracy

    X, y, X_test, y_test = _split()
    model = impl.train_sentiment(_model(0), X.clone(), y.clone())
    before = _model(0)
    changed = any(not torch.equal(p, q) for p, q in zip(model.parameters(), before.parameters()))
    return {"accuracy": accuracy(model, X_test, y_test), "changed": changed}


def step_cases():
    yield Case("zero_steps", (), {"steps": 0}, note="steps=0: the model passed in, untouched")
    yield Case("one_step", (), {"steps": 1}, note="one Adam step on batches of 4 from 10 sentences")
    yield Case("three_steps_seed_5", (), {"steps": 3, "seed": 5}, note="three steps: the prescribed draws, in order")


def _steps(impl, steps, seed=0):
    """The logits, in eval mode, of the model after `steps` steps on 10 training sentences in batches of 4."""
    import torch

    X, y, X_test, _ = _split()
    model = impl.train_sentiment(_model(3), X[:10].clone(), y[:10].clone(), steps=steps, batch_size=4, seed=seed)
    model.eval()
    with torch.no_grad():
        return model(X_test[:8]).numpy()


def _judge_train(expected, actual, case):
    if not actual["changed"]:
        return "the returned model's parameters are the initial ones: train the model passed in and return it"
    if actual["accuracy"] >= THRESHOLD:
        return None
    return f"held-out accuracy {actual['accuracy']:.3f} is under {THRESHOLD} (the reference: ~0.96 after 60 Adam steps)"


# -- known mistakes -----------------------------------------------------------------------------------------


def _encode_no_cls(sentences_, max_len, cls_id=1, pad_id=0):
    import torch

    idx = torch.full((len(sentences_), max_len), pad_id, dtype=torch.int64)
    for i, tokens in enumerate(sentences_):
        tokens = list(tokens)[:max_len]
        idx[i, : len(tokens)] = torch.tensor(tokens, dtype=torch.int64)
    return idx


def _encode_left_padded(sentences_, max_len, cls_id=1, pad_id=0):
    import torch

    idx = torch.full((len(sentences_), max_len), pad_id, dtype=torch.int64)
    for i, tokens in enumerate(sentences_):
        row = [cls_id] + list(tokens)[: max_len - 1]
        idx[i, max_len - len(row) :] = torch.tensor(row, dtype=torch.int64)
    return idx


def _overflows_on_long_sentences(case, actual, expected):
    """A sentence longer than max_len - 1 made the encoding raise or come out wider than max_len."""
    sentences_, max_len = case.args[0], case.args[1]
    if not any(len(s) > max_len - 1 for s in sentences_):
        return False
    return hasattr(actual, "message") or np.shape(actual)[-1:] != (max_len,)


def _train_randperm_batches(model, X, y, steps=60, batch_size=32, lr=3e-3, seed=0):
    import torch
    import torch.nn.functional as F

    gen = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        batch = torch.randperm(len(y), generator=gen)[:batch_size]
        loss = F.cross_entropy(model(X[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def _accuracy_train_mode(model, X, y):
    import torch

    with torch.no_grad():
        return (model(X).argmax(dim=-1) == y).double().mean().item()


EXERCISE = Exercise.of(
    info("sentiment_encoder"),
    preamble="import torch\nimport torch.nn.functional as F\n",
    task=f"""Module 0.5's step 4 trains the encoder-only model on sentiment analysis (IMDB, SST-2). At a CPU's scale,
a synthetic task with the same shape: sentences of 4-10 neutral words (ids 10-19) with one to three
sentiment words of one polarity mixed in anywhere (positive 2-5, negative 6-9); the label is that
polarity (1 positive). Ids 0 and 1 are [PAD] and [CLS]. The model is the encoder_classifier
exercise's EncoderClassifier (the check passes the reference's: vocab 20, max_len {MAX_LEN}, d_model 16,
2 heads, 1 layer, 2 classes); you write the pipeline around it:

1. `encode_batch(sentences, max_len, cls_id=1, pad_id=0)`: (B, max_len) int64: [CLS] first, then the
   sentence's tokens (truncated to max_len - 1), padded on the RIGHT with pad_id (the classifier
   reads position 0 and ignores pad keys).
2. `train_sentiment(model, X, y, steps=60, batch_size=32, lr=3e-3, seed=0)`: gen =
   torch.Generator().manual_seed(seed), torch.optim.Adam(model.parameters(), lr=lr), and `steps`
   steps, each on the rows torch.randint(0, len(y), (batch_size,), generator=gen) (the model in
   train mode), minimizing the mean cross-entropy of their logits; return the model. The check
   compares the model after 0, 1 and 3 steps with the reference's, so draw the batches exactly so.
   Milestone: >= {THRESHOLD} accuracy on 200 held-out sentences after the default training.
3. `accuracy(model, X, y)`: the fraction of argmax predictions equal to y, a float, in eval mode and
   without gradients.

Run the same code on SST-2 with your own tokenizer when you have the data.
The reference: reference_impls/torch/sentiment_encoder.py.""",
    entry_points=(
        EntryPoint(
            "encode_batch",
            "(sentences, max_len, cls_id=1, pad_id=0)",
            "(B, max_len) int64: [CLS], the tokens (truncated), right padding.",
        ),
        EntryPoint(
            "train_sentiment",
            "(model, X, y, steps=60, batch_size=32, lr=3e-3, seed=0)",
            "The model, trained with Adam on random mini-batches.",
        ),
        EntryPoint("accuracy", "(model, X, y)", "The accuracy of the argmax predictions, in eval mode; a float."),
    ),
    checks=(
        Check(
            "encode_batch",
            "encode_batch",
            encode_cases,
            call=_encode,
            description="short sentences, truncation, an empty sentence with other ids",
        ),
        Check(
            "accuracy",
            "accuracy",
            accuracy_cases,
            call=_accuracy,
            description="a model with dropout left in train mode",
        ),
        Check(
            "train_sentiment",
            "train_sentiment",
            train_cases,
            call=_train,
            compare=_judge_train,
            reference_output=False,
            description=f"the defaults: held-out accuracy >= {THRESHOLD}",
        ),
        Check(
            "train_sentiment_steps",
            "train_sentiment",
            step_cases,
            call=_steps,
            tolerance={"float32": (1e-4, 1e-5)},
            description="0, 1 and 3 Adam steps from the same model: logits equal to the reference's",
        ),
    ),
    probes=(
        Probe(
            "the [CLS] token is missing: put cls_id at position 0, the sentence after it",
            impl={"encode_batch": _encode_no_cls},
            checks=("encode_batch",),
        ),
        Probe(
            "the padding is on the left: pad on the right, so [CLS] stays at position 0",
            impl={"encode_batch": _encode_left_padded},
            checks=("encode_batch",),
        ),
        Probe(
            "truncate the sentence to max_len - 1 tokens so that [CLS] and the tokens fit in max_len (or truncate "
            "[CLS] + tokens to max_len)",
            when=_overflows_on_long_sentences,
            checks=("encode_batch",),
        ),
        Probe(
            "each step's rows are torch.randint(0, len(y), (batch_size,), generator=gen): drawn with replacement, "
            "not a slice of torch.randperm",
            impl={"train_sentiment": _train_randperm_batches},
            checks=("train_sentiment_steps",),
        ),
        Probe(
            "the model was evaluated in train mode: call model.eval() (dropout is on in train mode)",
            impl={"accuracy": _accuracy_train_mode},
            checks=("accuracy",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "encode_batch",
            "torch.full((len(sentences), max_len), pad_id, dtype=torch.int64)",
            "torch.full((len(sentences), max_len), pad_id)",
            "pad_id is a Python int: torch.full infers int64",
        ),
    ),
)
