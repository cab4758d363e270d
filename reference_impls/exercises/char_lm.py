"""Exercise: a character-level GPT trained for a second on Shakespeare, whose loss gets under a threshold."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import CHAR_LM_TEXT as DATA
from reference_impls.data import CHAR_LM_THRESHOLD as THRESHOLD
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

TEXTS = [
    ("shakespeare", None, "the shipped text: 58 distinct characters"),
    ("short", "hello world", "repeated characters count once"),
    ("unicode", "naïve café, déjà vu", "characters, not bytes"),
    ("empty", "", "no characters: an empty vocabulary"),
]


def _text(text):
    return DATA.read_text(encoding="utf-8") if text is None else text


def vocab_cases():
    for name, text, note in TEXTS:
        yield Case(name, (text,), note=note, zero_ok=name == "empty")


def _vocab(impl, text):
    return impl.build_vocab(_text(text))


def _encode(impl, text):
    from reference_impls.torch.char_lm import build_vocab

    text = _text(text)[:2000]
    chars = build_vocab(text)
    ids = impl.encode(text, chars)
    return {"ids": ids.numpy().copy(), "decoded": impl.decode(ids, chars)}


def encode_cases():
    for name, text, note in TEXTS[:3]:
        yield Case(name, (text,), note=note + "; decode(encode(text)) == text")


def _batch(impl, data, block_size, batch_size, seed):
    import torch

    x, y = impl.get_batch(torch.from_numpy(data), block_size, batch_size, torch.Generator().manual_seed(seed))
    return x.numpy().copy(), y.numpy().copy()


def batch_cases():
    rng = np.random.default_rng(800)
    for k, (n, block, batch) in enumerate([(500, 16, 8), (100, 8, 4), (17, 16, 3)]):
        yield Case(
            f"{n}_tokens_block_{block}",
            (rng.integers(0, 58, n).astype(np.int64), block, batch, 800 + k),
            seed=800 + k,
            note="torch.randint(len(data) - block_size, (batch_size,), generator=generator), then the windows"
            + (": the last possible window starts at len(data) - block_size - 1" if n == 17 else ""),
        )


def _model(impl, seed, **cfg):
    """Properties that any correct model has, whatever its initialization: shapes, the loss, causality."""
    import math

    import torch
    import torch.nn.functional as F

    from reference_impls.torch.char_lm import CharLMConfig

    cfg = CharLMConfig(**cfg)
    torch.manual_seed(seed)
    model = impl.CharLM(cfg)
    model.eval()  # dropout off: two forward passes must differ only through the changed token
    g = torch.Generator().manual_seed(seed)
    idx = torch.randint(0, cfg.vocab_size, (3, cfg.block_size), generator=g)
    targets = torch.randint(0, cfg.vocab_size, (3, cfg.block_size), generator=g)
    logits, loss = model(idx, targets)
    t = cfg.block_size // 2
    changed = idx.clone()
    changed[:, t] = (changed[:, t] + 1) % cfg.vocab_size
    logits2, no_loss = model(changed)
    want = (3, cfg.block_size, cfg.vocab_size)
    for given, out in (("with targets", logits), ("without targets", logits2)):
        shape = tuple(getattr(out, "shape", ()))
        if shape != want:  # the learner's mistake, reported as such by _model_compare (not a crash in the checks)
            return {
                "shape_error": f"your logits ({given}) have shape {shape}; expected {want} = (B, T, vocab_size), "
                "with or without targets (flatten them only inside the loss)",
                "logits_ndim": len(shape),
            }
    ce = F.cross_entropy(logits.reshape(-1, cfg.vocab_size), targets.reshape(-1))
    with torch.no_grad():  # one token repeated: only the position embeddings tell position 0 from 1
        repeated = model(torch.full((1, cfg.block_size), 1, dtype=torch.long))[0]
    return {
        "logits_shape": np.array(logits.shape),
        "loss_is_the_mean_cross_entropy": bool(torch.allclose(loss, ce, rtol=1e-4, atol=1e-5)),
        "loss_at_init_near_ln_vocab": bool(abs(loss.item() - math.log(cfg.vocab_size)) < 1.0),
        "earlier_positions_ignore_a_later_token": bool(
            torch.allclose(logits[:, :t], logits2[:, :t], rtol=0, atol=1e-6)
        ),
        "later_positions_see_it": bool(not torch.allclose(logits[:, t:], logits2[:, t:])),
        "no_targets_no_loss": no_loss is None,
        "a_repeated_token_differs_by_position": bool(not torch.allclose(repeated[0, 0], repeated[0, 1])),
    }


def _model_compare(expected, actual, case):
    """The default comparison, after the shape: a (B * T, V) logits tensor is reported, not compared."""
    if "shape_error" in actual:
        return actual["shape_error"]
    if not np.array_equal(actual["logits_shape"], expected["logits_shape"]):
        return f"logits shape {tuple(actual['logits_shape'])}, expected {tuple(expected['logits_shape'])}"
    for key, want in expected.items():
        if key != "logits_shape" and actual.get(key) != want:
            return f"{key}: {actual.get(key)}, expected {want}"
    return None


def model_cases():
    yield Case("default_config", (0,), {}, seed=0, note="vocab 58, block 16, 1 layer, 2 heads, n_embd 32")
    yield Case(
        "2_layers_4_heads", (1,), {"vocab_size": 20, "block_size": 8, "n_layer": 2, "n_head": 4, "n_embd": 32}, seed=1
    )
    yield Case(
        "1_head_block_5",
        (2,),
        {"vocab_size": 7, "block_size": 5, "n_layer": 1, "n_head": 1, "n_embd": 16},
        seed=2,
        note="an odd block size: position 2 changes, positions 0-1 must not",
    )


def _val_loss(impl, steps=300, seed=0):
    """Train with the learner's train_char_lm, then measure the loss on the last 10% of the text ourselves."""
    import torch
    import torch.nn.functional as F

    from reference_impls.torch.char_lm import build_vocab, encode, get_batch

    text = DATA.read_text(encoding="utf-8")
    model = impl.train_char_lm(text, steps=steps, seed=seed)
    data = encode(text, build_vocab(text))
    val = data[int(0.9 * len(data)) :]
    g = torch.Generator().manual_seed(1234)
    model.eval()
    with torch.no_grad():
        losses = []
        for _ in range(20):
            x, y = get_batch(val, 16, 32, g)
            logits = model(x)[0]
            losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item())
    return np.float64(sum(losses) / len(losses))


def _below_threshold(expected, actual, case):
    if float(actual) < THRESHOLD:
        return None
    return (
        f"validation loss {float(actual):.3f} is not below {THRESHOLD} (uniform guessing is 4.06, a bigram model "
        "levels off near 2.4; the reference gets under the threshold with these defaults)"
    )


# -- known mistakes ---------------------------------------------------------------------------------


def _targets_not_shifted(data, block_size, batch_size, generator):
    import torch

    ix = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    x = torch.stack([data[i : i + block_size] for i in ix])
    return x, x.clone()


def _last_window_missed(data, block_size, batch_size, generator):
    import torch

    ix = torch.randint(len(data) - block_size - 1, (batch_size,), generator=generator)
    x = torch.stack([data[i : i + block_size] for i in ix])
    y = torch.stack([data[i + 1 : i + block_size + 1] for i in ix])
    return x, y


def _logits_flattened(case, actual, expected):
    """The model's logits came back 2-D, (B * T, vocab_size)."""
    return isinstance(actual, dict) and actual.get("logits_ndim") == 2


def _not_callable(case, actual, expected):
    message = str(getattr(actual, "message", ""))
    return "not callable" in message or "has no attribute 'eval'" in message


EXERCISE = Exercise.of(
    info("char_lm"),
    preamble="""import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class CharLMConfig:
    vocab_size: int = 58
    block_size: int = 16
    n_layer: int = 1
    n_head: int = 2
    n_embd: int = 32
""",
    task=f"""Karpathy's "Let's build GPT: from scratch, in code, spelled out", sized for a CPU: a tiny GPT
that learns Shakespeare character by character in about a second. The text is
reference_impls/data/tiny_shakespeare_coriolanus.txt (31,742 characters of Coriolanus, public domain).

1. `build_vocab(text)`: the sorted distinct characters, as one string; `encode(text, chars)`: an
   int64 tensor of indices into it; `decode(ids, chars)`: back to the string.
2. `get_batch(data, block_size, batch_size, generator)`: ix = torch.randint(len(data) - block_size,
   (batch_size,), generator=generator); x = the windows data[i:i+block_size], y = data[i+1:i+block_size+1].
3. `CharLM(cfg)`, an nn.Module: token and position embeddings,
   cfg.n_layer pre-norm blocks (x + attn(ln1(x)), then x + mlp(ln2(x)), MLP 4x wide with GELU),
   causal multi-head self-attention (position t sees 0..t only), a final LayerNorm, a Linear head.
   forward(idx, targets=None) -> (logits (B, T, vocab_size), mean cross-entropy or None): the logits
   keep their (B, T, vocab_size) shape also when targets are given. Dropout is allowed: the model
   check runs in eval mode (model.eval()).
4. `train_char_lm(text, steps=300, seed=0, batch_size=32, lr=1e-2)`: vocab from the text, train on
   its first 90% with AdamW for `steps` steps (torch.manual_seed(seed) first), return the model.

Milestone: the check measures the loss on the last 10% itself: under {THRESHOLD} nats per character
after 300 steps (uniform guessing: ln 58 = 4.06; the best bigram model: ~2.4, so it takes context;
the reference gets ~2.1). The reference: python -m reference_impls.torch.char_lm (it also samples).""",
    entry_points=(
        EntryPoint("build_vocab", "(text)", "The sorted distinct characters of `text`, as a string."),
        EntryPoint("encode", "(text, chars)", "int64 tensor: the index in `chars` of every character of `text`."),
        EntryPoint("decode", "(ids, chars)", "The string of the characters at `ids` (a 1-D int64 tensor)."),
        EntryPoint(
            "get_batch",
            "(data, block_size, batch_size, generator)",
            "(x, y), each (batch_size, block_size) int64: random windows and the next characters.",
        ),
        EntryPoint(
            "CharLM",
            "(self, cfg)",
            "A tiny GPT (make it an nn.Module subclass).",
            kind="class",
            base="nn.Module",
            methods=(
                EntryPoint(
                    "forward",
                    "(self, idx, targets=None)",
                    "idx (B, T) int64 -> (logits (B, T, vocab_size), loss or None).",
                ),
            ),
        ),
        EntryPoint(
            "train_char_lm",
            "(text, steps=300, seed=0, batch_size=32, lr=1e-2)",
            "Train a CharLM (default config, vocab from the text) on the first 90% of the text; return it.",
        ),
    ),
    checks=(
        Check(
            "vocab", "build_vocab", vocab_cases, call=_vocab, description="the shipped text, repeats, Unicode, empty"
        ),
        Check(
            "encode",
            "encode",
            encode_cases,
            call=_encode,
            description="3 texts: the ids and decode(encode(text)) == text",
        ),
        Check(
            "batch",
            "get_batch",
            batch_cases,
            call=_batch,
            description="3 sizes with a seeded generator, down to one window short of the end",
        ),
        Check(
            "model",
            "CharLM",
            model_cases,
            call=_model,
            compare=_model_compare,
            description="3 configs: logits shape, loss = mean cross-entropy ~ ln V at init, causality, no targets -> no loss",
        ),
        Check(
            "milestone",
            "train_char_lm",
            lambda: [
                Case(
                    "300_steps", (), {"steps": 300, "seed": 0}, note="the loss on held-out text, measured by the check"
                )
            ],
            call=_val_loss,
            compare=_below_threshold,
            reference_output=False,
            description=f"300 steps: validation loss under {THRESHOLD}",
        ),
    ),
    probes=(
        Probe(
            "a position sees the future: the attention must be causal (is_causal=True, or mask the scores above "
            "the diagonal with -inf before the softmax)",
            impl="wrong/char_lm/no_causal_mask.py",
            checks=("model",),
        ),
        Probe(
            "the logits are flattened to (B * T, vocab_size): reshape a copy for F.cross_entropy "
            "(logits.view(B * T, C)) and return logits of shape (B, T, vocab_size)",
            when=_logits_flattened,
            checks=("model",),
        ),
        Probe(
            "the targets are the inputs: y must be the NEXT characters, data[i+1:i+block_size+1]",
            impl={"get_batch": _targets_not_shifted},
            checks=("batch",),
        ),
        Probe(
            "the last window is never drawn: torch.randint(len(data) - block_size, ...) already excludes the "
            "window that would run past the end",
            impl={"get_batch": _last_window_missed},
            checks=("batch",),
        ),
        Probe(
            "CharLM must subclass nn.Module (class CharLM(nn.Module): and super().__init__() first), so that "
            "model(idx) calls forward and .parameters() finds the weights",
            when=_not_callable,
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "train_char_lm",
            "set_to_none=True",
            "set_to_none=False",
            "zeroed gradients and None gradients give the same AdamW updates",
        ),
    ),
)
