"""Exercise: a character-level GPT trained for a second on Shakespeare, whose loss gets under a threshold."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import CHAR_LM_TEXT as DATA
from reference_impls.data import CHAR_LM_THRESHOLD as THRESHOLD
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._torch import fill_by_shape

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
        fill_by_shape(model, cfg.n_embd // cfg.n_head)  # last: the properties above hold for any weights
        filled = model(idx)[0]
    return {
        "logits_with_weights_set_by_shape": filled.double().numpy().copy(),
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
        if key not in ("logits_shape", FILLED) and actual.get(key) != want:
            return f"{key}: {actual.get(key)}, expected {want}"
    return _architecture_differs(expected[FILLED], actual[FILLED])


FILLED = "logits_with_weights_set_by_shape"
# The same architecture in another style (per-head Linears, fused qkv, nn.TransformerEncoderLayer, no
# biases, GELU's tanh form) agrees to 3e-4 at most (max |logit| ~2.4); ReLU for GELU or 1/sqrt(n_embd)
# for 1/sqrt(head size) moves logits by 0.04-0.1, a missing residual, block or LayerNorm by ~1.
ARCH_TOL = 2e-3


def _architecture_differs(expected, actual):
    worst = np.abs(actual - expected)
    index = np.unravel_index(int(np.argmax(worst)), worst.shape)
    if worst[index] <= ARCH_TOL * max(1.0, float(np.abs(expected).max())):
        return None
    return (
        f"with every weight set by its shape (biases 0, LayerNorm gains 1), your logits differ from the "
        f"architecture's by up to {worst[index]:.4g} (tolerance {ARCH_TOL:g} x max |logit|), first at "
        f"[batch, t, token] = {list(map(int, index))}: {actual[index]:.6g}, expected {expected[index]:.6g}; "
        "check the model against the task: token + learned position embeddings, n_layer blocks of "
        "x = x + attn(ln1(x)) then x = x + mlp(ln2(x)), scores scaled by 1/sqrt(head size), the final LayerNorm, the head"
    )


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
    storages = [t.data_ptr() for t in model.state_dict().values() if t.dim() == 2]
    return {"val_loss": np.float64(sum(losses) / len(losses)), "tied_head": len(storages) != len(set(storages))}


def _protocol(impl, steps, seed=0):
    """What train_char_lm trains on and how often it steps: its get_batch calls (the data each is given)
    and the optimizer steps it takes, recorded while it runs."""
    import inspect

    import torch
    from torch.optim.optimizer import register_optimizer_step_post_hook

    text = DATA.read_text(encoding="utf-8")
    chars = impl.build_vocab(text)
    encoded = impl.encode(text, chars)
    # Replaced where train_char_lm looks it up (its module's globals; the checks may hand over a namespace).
    namespace = inspect.unwrap(impl.train_char_lm).__globals__
    real = namespace.get("get_batch", impl.get_batch)
    signature = inspect.signature(real)
    batches = []

    def recording(*args, **kwargs):
        # Batches drawn under torch.no_grad() are for evaluation (nanoGPT's and the video's estimate_loss
        # draw train and val batches every eval_interval steps): not counted.
        if torch.is_grad_enabled():
            bound = signature.bind(*args, **kwargs)
            data = bound.arguments.get("data", args[0] if args else None)
            batches.append((len(data), _starts(data, encoded), bound.arguments.get("block_size")))
        return real(*args, **kwargs)

    optimizer_steps = []
    hook = register_optimizer_step_post_hook(lambda *_: optimizer_steps.append(1))
    namespace["get_batch"] = recording
    try:
        impl.train_char_lm(text, steps=steps, seed=seed)
    finally:
        namespace["get_batch"] = real
        hook.remove()
    return {
        "get_batch_calls": len(batches),
        "optimizer_steps": len(optimizer_steps),
        "train_lengths": sorted({n for n, _, _ in batches}),
        "a_prefix_of_the_text": all(prefix for _, prefix, _ in batches),
        "block_sizes": sorted({b for _, _, b in batches if b is not None}),
    }


def _starts(data, encoded) -> bool:
    """Whether `data` is the start of the encoded text (False for anything that is not comparable)."""
    import torch

    try:
        data = torch.as_tensor(data)
        return len(data) <= len(encoded) and bool(torch.equal(data.to(encoded.dtype), encoded[: len(data)]))
    except (TypeError, ValueError, RuntimeError):
        return False


def protocol_cases():
    for steps in (0, 1, 3):
        yield Case(f"{steps}_steps", (steps,), zero_ok=steps == 0, note=f"train_char_lm(text, steps={steps})")


def _protocol_compare(expected, actual, case):
    if actual["get_batch_calls"] != expected["get_batch_calls"]:
        return (
            f"train_char_lm called get_batch {actual['get_batch_calls']} times for {expected['get_batch_calls']} "
            "steps: draw every training batch with your get_batch(train_data, block_size, batch_size, generator), "
            "one per step (batches drawn under torch.no_grad(), to evaluate, are not counted)"
        )
    if actual["optimizer_steps"] != expected["optimizer_steps"]:
        return f"{actual['optimizer_steps']} optimizer steps, expected {expected['optimizer_steps']} (one per step)"
    if actual["train_lengths"] != expected["train_lengths"] or not actual["a_prefix_of_the_text"]:
        got = ", ".join(map(str, actual["train_lengths"]))
        return (
            f"the batches were drawn from {got} characters"
            + ("" if actual["a_prefix_of_the_text"] else " that are not the start of the encoded text")
            + "; expected the first 90%: data[: int(0.9 * len(data))]"
            + "".join(f", {n} characters" for n in expected["train_lengths"])
        )
    if actual["block_sizes"] != expected["block_sizes"]:
        return (
            f"get_batch was given block_size {actual['block_sizes']}, expected the config's {expected['block_sizes']}"
        )
    return None


def _below_threshold(expected, actual, case):
    loss = float(actual["val_loss"])
    if loss < THRESHOLD:
        return None
    tied = (
        "; your head shares its weight with the token embedding: tied (as in nanoGPT), this tiny model "
        "learns slower, so the task asks for a head of its own"
        if actual["tied_head"]
        else ""
    )
    return (
        f"validation loss {loss:.3f} is not below {THRESHOLD} (uniform guessing is 4.06, a bigram model "
        f"levels off near 2.4; the reference gets under the threshold with these defaults){tied}"
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


def _variant(**mistake):
    """A probe's CharLM(cfg): the reference's with one of the usual architecture mistakes (torch is
    imported when a probe runs, not when the exercise loads)."""
    return lambda cfg: _variant_class(**mistake)(cfg)


def _variant_class(attn_residual=True, mlp_residual=True, post_norm=False, final_norm=True):
    from torch import nn

    from reference_impls.torch import char_lm

    class Block(char_lm.Block):
        def forward(self, x):
            if post_norm:  # the original Transformer's order: normalize after adding
                x = self.ln1(x + self.attn(x))
                return self.ln2(x + self.mlp(x))
            h = self.attn(self.ln1(x))
            x = x + h if attn_residual else h
            h = self.mlp(self.ln2(x))
            return x + h if mlp_residual else h

    class CharLM(char_lm.CharLM):
        def __init__(self, cfg):
            super().__init__(cfg)
            self.blocks = nn.Sequential(*[Block(cfg) for _ in range(cfg.n_layer)])
            if not final_norm:
                self.ln_f = nn.Identity()

    return CharLM


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
3. `CharLM(cfg)`, an nn.Module: token and learned position embeddings (nn.Embedding), cfg.n_layer
   pre-norm blocks (x + attn(ln1(x)), then x + mlp(ln2(x)), MLP 4x wide with GELU), causal multi-head
   self-attention (position t sees 0..t only; scores scaled by 1/sqrt(head size)), a final LayerNorm,
   a Linear head of its own (nanoGPT ties it to the token embedding: in 300 steps that costs this
   tiny model 0.2 nats or more, enough to miss the milestone).
   forward(idx, targets=None) -> (logits (B, T, vocab_size), mean cross-entropy or None): the
   logits keep their (B, T, vocab_size) shape also when targets are given. Dropout is allowed: the
   model check runs in eval mode (model.eval()). Build it from nn.Linear, nn.Embedding and
   nn.LayerNorm in any style (fused or separate q/k/v, one Linear for all heads or one per head,
   biases or not): the model check sets every weight by its shape and compares your logits with
   the architecture's.
4. `train_char_lm(text, steps=300, seed=0, batch_size=32, lr=1e-2)`: vocab from the text,
   torch.manual_seed(seed) first, then `steps` steps of AdamW, each on one batch drawn with your
   get_batch(train_data, cfg.block_size, batch_size, generator) from the first 90% of the encoded
   text (data[: int(0.9 * len(data))]); return the model.

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
            # only for matching probes: a mistake written in another style is the same function to ~3e-4
            tolerance={"float64": (0.0, 5e-3)},
            description="3 configs: logits shape, loss = mean cross-entropy ~ ln V at init, causality, no targets -> "
            "no loss, the logits with weights set by shape",
        ),
        Check(
            "protocol",
            "train_char_lm",
            protocol_cases,
            call=_protocol,
            compare=_protocol_compare,
            description="0, 1 and 3 steps: one get_batch and one AdamW step per step, on the first 90% of the text",
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
            "the attention's output is added to the residual stream, not put in its place: x = x + attn(ln1(x))",
            impl="wrong/char_lm/no_attention_residual.py",
            checks=("model",),
        ),
        Probe(
            "the MLP's output is added to the residual stream, not put in its place: x = x + mlp(ln2(x))",
            impl={"CharLM": _variant(mlp_residual=False)},
            checks=("model",),
        ),
        Probe(
            "pre-norm, as in GPT-2: x = x + attn(ln1(x)), then x = x + mlp(ln2(x)); the original Transformer's "
            "post-norm, ln(x + sublayer(x)), is another function",
            impl={"CharLM": _variant(post_norm=True)},
            checks=("model",),
        ),
        Probe(
            "a final LayerNorm (ln_f) comes after the last block, before the head",
            impl={"CharLM": _variant(final_norm=False)},
            checks=("model",),
        ),
        Probe(
            "the MLP's activation is GELU (as in GPT-2 and nanoGPT; the video's FeedForward uses ReLU): "
            "nn.Linear(C, 4C), nn.GELU(), nn.Linear(4C, C)",
            impl="wrong/char_lm/relu_mlp.py",
            checks=("model",),
        ),
        Probe(
            "scale the scores by 1/sqrt(head size) = 1/sqrt(n_embd // n_head), not by 1/sqrt(n_embd)",
            impl="wrong/char_lm/scores_scaled_by_width.py",
            checks=("model",),
        ),
        Probe(
            "train on the first 90% only, data[: int(0.9 * len(data))]: the last 10% is for validation, and a "
            "model that has seen it scores too well there",
            impl="wrong/char_lm/trains_on_all_text.py",
            checks=("protocol",),
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
)
