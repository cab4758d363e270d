"""Exercise: module 1.2's QLoRA / GPTQ capstone steps at a CPU's scale: adapters, perplexity, memory, size."""

from functools import cache

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import CHAR_LM_TEXT
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

FLOAT32_SUMS = {"float64": (1e-5, 1e-8)}  # a perplexity summed in float32 is as right
MAX_RATIO = 0.6  # fine-tuned perplexity on held-out instruction text / the base model's (reference: ~0.37)


@cache
def _texts():
    """(vocab size, Shakespeare's tokens, the instruction text's training and held-out tokens)."""
    import torch

    from reference_impls.torch.adapter_finetune import instruction_text

    text = CHAR_LM_TEXT.read_text(encoding="utf-8")
    stoi = {c: i for i, c in enumerate(sorted(set(text)))}
    tokens = torch.tensor([stoi[c] for c in text])
    instructions = torch.tensor([stoi[c] for c in instruction_text(text)])
    cut = int(0.9 * len(instructions))
    return len(stoi), tokens, instructions[:cut], instructions[cut:]


@cache
def _base_state():
    from reference_impls.torch.adapter_finetune import TinyLM, pretrain

    vocab, tokens, _, _ = _texts()
    return pretrain(_seeded(TinyLM, vocab), tokens).state_dict()


def _seeded(cls, *args, seed=0, **kwargs):
    import torch

    torch.manual_seed(seed)
    return cls(*args, **kwargs)


def _base():
    """The pretrained base model (the reference pretrains it once)."""
    import copy

    from reference_impls.torch.adapter_finetune import TinyLM

    model = TinyLM(_texts()[0])
    model.load_state_dict(copy.deepcopy(_base_state()))
    return model


def _model(kind, seed=1):
    """A model the check builds: "tiny" (TinyLM), "dropout" (TinyLM with dropout, left in train mode),
    "context2", or "nested" (its Linear layers inside an nn.Sequential)."""
    import torch.nn as nn

    from reference_impls.torch.adapter_finetune import TinyLM

    vocab = _texts()[0]
    if kind == "context2":
        return _seeded(TinyLM, vocab, context=2, seed=seed)
    model = _seeded(TinyLM, vocab, seed=seed)
    if kind == "dropout":
        model.out = nn.Sequential(nn.Dropout(0.3), model.out)
    elif kind == "nested":
        model.hidden = nn.Sequential(model.hidden, nn.ReLU(), nn.Linear(64, 64, bias=False))
    return model


# -- perplexity --------------------------------------------------------------------------------------------


def perplexity_cases():
    yield Case(
        "held_out_batches_of_256",
        (),
        {"kind": "tiny", "batch_size": 256},
        note="4,368 positions: the last batch has 16",
    )
    yield Case(
        "dropout_in_train_mode",
        (),
        {"kind": "dropout", "batch_size": 1000},
        note="a model with dropout, left in train mode: measure in eval mode",
    )
    yield Case(
        "last_batch_of_one",
        (),
        {"kind": "tiny", "batch_size": 397},
        note="4,368 positions in batches of 397: the last holds a single window",
    )
    yield Case("context_2", (), {"kind": "context2", "batch_size": 500}, note="a model reading 2 characters")
    yield Case("one_batch", (), {"kind": "tiny", "batch_size": 10_000}, note="a batch larger than the text")


def _perplexity(impl, kind, batch_size):
    model = _model(kind)
    model.train()
    held_out = _texts()[3]
    return np.float64(float(impl.perplexity(model, held_out.clone(), model.context, batch_size=batch_size)))


# -- add_lora ------------------------------------------------------------------------------------------------


def add_lora_cases():
    yield Case(
        "r4_alpha8", (), {"kind": "tiny", "r": 4, "alpha": 8.0}, note="two Linear layers: 4 (64 + 64) + 4 (64 + 58)"
    )
    yield Case("r1", (), {"kind": "tiny", "r": 1, "alpha": 1.0})
    yield Case(
        "nested_r8", (), {"kind": "nested", "r": 8, "alpha": 16.0}, note="Linear layers inside an nn.Sequential too"
    )


def _add_lora(impl, kind, r, alpha):
    import torch

    model = _model(kind)
    x = torch.randint(0, _texts()[0], (16, model.context), generator=torch.Generator().manual_seed(3))
    model = impl.add_lora(model, r=r, alpha=alpha)
    model.eval()
    with torch.no_grad():
        logits = model(x).numpy().copy()
    params = list(model.parameters())
    with torch.no_grad():
        for p in params:  # A and B set by their shape: the same values as the reference's, in any order
            if p.requires_grad:
                p.copy_(torch.randn(p.shape, generator=torch.Generator().manual_seed(sum(p.shape))) * 0.3)
        adapted = model(x).numpy().copy()
    return {
        "trainable": int(sum(p.numel() for p in params if p.requires_grad)),
        "frozen": int(sum(p.numel() for p in params if not p.requires_grad)),
        "logits": logits,
        "logits_with_adapters_set": adapted,
    }


def lora_init_cases():
    yield Case("r8_nested", (), {"kind": "nested", "r": 8, "alpha": 16.0}, note="8 x 64 entries in each A")


def _lora_init(impl, kind, r, alpha):
    model = impl.add_lora(_model(kind), r=r, alpha=alpha)
    return [
        (tuple(p.shape), float(p.detach().abs().max()))
        for p in model.parameters()
        if p.requires_grad and bool(p.detach().any())
    ]


def _judge_lora_init(expected, actual, case):
    """Kaiming-uniform as nn.Linear (a = sqrt(5)) draws A from U(-1/sqrt(in), 1/sqrt(in)): with 512 draws
    the largest |A| lies within 5 % of that bound (the chance of less is 0.95^512 ~ 4e-12)."""
    if not actual:
        return "after add_lora every trainable parameter is zero: A starts Kaiming-uniform, only B at zero"
    for shape, largest in actual:
        bound = 1 / max(shape) ** 0.5
        if not 0.95 * bound <= largest <= bound * (1 + 1e-6):
            return (
                f"an adapter A of shape {shape} has max |A| = {largest:.4f}; Kaiming-uniform as nn.Linear "
                f"(a = sqrt(5)) draws from U(-1/sqrt(in), 1/sqrt(in)) = U(-{bound:.4f}, {bound:.4f})"
            )
    return None


# -- finetune (the milestone) ---------------------------------------------------------------------------------


def finetune_cases():
    yield Case("instruction_text", (), note="the pretrained base with the reference's adapters, 100 steps")


def _finetune(impl):
    from reference_impls.torch.adapter_finetune import add_lora, perplexity

    _, _, train, held_out = _texts()
    model = add_lora(_base())
    before = perplexity(model, held_out, model.context)
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    impl.finetune(model, train.clone())
    after = perplexity(model, held_out, model.context)
    changed = [n for n, p in model.named_parameters() if n in frozen and not bool((p == frozen[n]).all())]
    return {"before": before, "after": after, "frozen_changed": changed}


def finetune_steps_cases():
    yield Case(
        "3_steps_on_one_repeated_character",
        (3,),
        note="40 copies of one character (every window is the same), batch 4, lr 1e-2: finetune(..., steps=3) "
        "must equal 3 AdamW steps (default betas and weight decay) on the adapters",
    )


def _finetune_steps(impl, steps):
    import copy

    import torch
    import torch.nn.functional as F

    from reference_impls.torch.adapter_finetune import add_lora

    model = add_lora(_model("tiny"), r=4, alpha=8.0)
    expected = copy.deepcopy(model)
    tokens = torch.full((40,), 5, dtype=torch.int64)
    impl.finetune(model, tokens.clone(), steps=steps, lr=1e-2, batch_size=4, seed=0)
    optimizer = torch.optim.AdamW([p for p in expected.parameters() if p.requires_grad], lr=1e-2)
    expected.train()
    X, Y = tokens[: 4 * expected.context].reshape(4, -1), tokens[:4]
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(expected(X), Y).backward()
        optimizer.step()
    probe = torch.randint(_texts()[0], (16, expected.context), generator=torch.Generator().manual_seed(7))
    out = {}
    for name, m in (("trained", model), ("expected", expected)):
        m.eval()
        with torch.no_grad():
            out[name] = m(probe).double().numpy()
    return out


def _judge_finetune_steps(expected, actual, case):
    if np.allclose(actual["trained"], actual["expected"], rtol=1e-4, atol=1e-5):
        return None
    err = float(np.nanmax(np.abs(actual["trained"] - actual["expected"])))
    return (
        f"on {case.note.split(':')[0]}, the logits after finetune(..., steps=3) differ from 3 AdamW steps by up to "
        f"{err:.3g} (rtol 1e-4, atol 1e-5): take exactly `steps` AdamW steps (torch's defaults but lr), each on the "
        "mean next-character cross-entropy of one batch of windows"
    )


def _judge_finetune(expected, actual, case):
    if actual["frozen_changed"]:
        return f"the frozen base changed ({', '.join(actual['frozen_changed'])}): train only what requires a gradient"
    ratio = actual["after"] / actual["before"]
    if ratio <= MAX_RATIO:
        return None
    return (
        f"held-out perplexity {actual['before']:.2f} -> {actual['after']:.2f} ({ratio:.2f}x): not under "
        f"{MAX_RATIO}x the base model's (the reference: ~0.37x in 100 AdamW steps at lr 1e-2)"
    )


# -- memory and size --------------------------------------------------------------------------------------------


def memory_cases():
    llama7b, lora = 6_738_415_616, 19_988_480  # Llama-2-7B; r 64 on q, k, v, o, gate, up, down
    yield Case("llama7b_nf4_double_quant", (llama7b, lora), note="QLoRA's setting: 4-bit, blocks of 64, double quant")
    yield Case("llama7b_no_double_quant", (llama7b, lora), {"double_quant": False}, note="an fp32 absmax per block")
    yield Case(
        "int8_blocks_of_32", (1_000_003, 4_096), {"bits": 8, "block_size": 32}, note="1,000,003: a partial block"
    )
    yield Case("tiny", (5_000, 0), {"block_size": 64}, note="79 blocks: one double-quant constant; no adapters")


def size_cases():
    yield Case(
        "tiny_4bit_group_128", (), {"kind": "tiny", "bits": 4, "group_size": 128}, note="64 inputs: one group per row"
    )
    yield Case("tiny_8bit_group_32", (), {"kind": "tiny", "bits": 8, "group_size": 32})
    yield Case(
        "nested_3bit_group_16", (), {"kind": "nested", "bits": 3, "group_size": 16}, note="3 bits: fractions of a byte"
    )


def _size(impl, kind, bits, group_size):
    return int(impl.model_size_bytes(_model(kind), bits=bits, group_size=group_size))


# -- known mistakes ------------------------------------------------------------------------------------------------


def _perplexity_mean_of_batches(model, tokens, context, batch_size=256):
    import math

    import torch
    import torch.nn.functional as F

    from reference_impls.torch.adapter_finetune import windows

    X, Y = windows(tokens, context)
    model.eval()
    losses = []
    with torch.no_grad():
        for start in range(0, len(Y), batch_size):
            losses.append(F.cross_entropy(model(X[start : start + batch_size]), Y[start : start + batch_size]).item())
    return math.exp(sum(losses) / len(losses))


def _perplexity_train_mode(model, tokens, context, batch_size=256):
    import math

    import torch
    import torch.nn.functional as F

    from reference_impls.torch.adapter_finetune import windows

    X, Y = windows(tokens, context)
    with torch.no_grad():
        total = sum(
            F.cross_entropy(model(X[s : s + batch_size]), Y[s : s + batch_size], reduction="sum").item()
            for s in range(0, len(Y), batch_size)
        )
    return math.exp(total / len(Y))


def _memory_without_optimizer(n_base, n_lora, bits=4, block_size=64, double_quant=True):
    from reference_impls.torch.adapter_finetune import qlora_memory_bytes

    return qlora_memory_bytes(n_base, n_lora, bits, block_size, double_quant) - 12 * n_lora


def _size_without_zero_points(model, bits=4, group_size=128):
    import math

    import torch.nn as nn

    from reference_impls.torch.adapter_finetune import model_size_bytes

    groups = sum(
        m.weight.shape[0] * math.ceil(m.weight.shape[1] / group_size)
        for m in model.modules()
        if isinstance(m, nn.Linear)
    )
    return model_size_bytes(model, bits, group_size) - math.ceil(groups * bits / 8)


EXERCISE = Exercise.of(
    info("adapter_finetune"),
    preamble="""import math

import torch
import torch.nn as nn
import torch.nn.functional as F
""",
    task=f"""Module 1.2's capstone (QLoRA fine-tuning and GPTQ of OPT-2.7B / Llama-7B on a GPU) at a CPU's
scale. The base model is a tiny character-level LM (reference_impls.torch.adapter_finetune.TinyLM:
model(idx) maps (N, model.context) int64 characters to (N, vocab) logits for the next one),
pretrained on the shipped Shakespeare; the "instruction data" is made from the play: "Line: <a
line>" then "By: <its speaker>". The same functions run on a hub model.

1. `perplexity(model, tokens, context, batch_size=256)`: every position i >= context of the 1-D
   int64 `tokens` is predicted from tokens[i - context:i]; return exp of the mean cross-entropy (nats)
   over all those positions, in eval mode, without gradients, in batches of `batch_size` windows.
   The mean is over characters: the last batch is smaller, so do not average the batches' means.
2. `add_lora(model, r=4, alpha=8.0)`: freeze every parameter, then replace every nn.Linear of the
   model (recursively, inside containers too) by a LoRA layer computing base(x) + (alpha / r) x A^T
   B^T with A (r, in) trainable (Kaiming-uniform, as nn.Linear) and B (out, r) trainable, zero at first
   (the model's output is unchanged). Return the model. Trainable: r (in + out) per Linear.
3. `finetune(model, tokens, steps=100, lr=1e-2, batch_size=512, seed=0)`: train the parameters that
   require a gradient (the adapters) with AdamW (torch's defaults but lr), one step per batch of
   `batch_size` random windows of `tokens` (next-character cross-entropy); the frozen base must not
   change. Milestone: the held-out instruction text's perplexity under {MAX_RATIO}x the base model's (the reference: 12.7 -> 4.7).
4. `qlora_memory_bytes(n_base, n_lora, bits=4, block_size=64, double_quant=True)`: the bytes of
   fine-tuning's weights and optimizer (QLoRA, Dettmers et al. 2023): the base at bits / 8 bytes per
   weight (rounded up), plus its constants: an fp32 absmax per block of `block_size` weights, or with
   double quantization an 8-bit absmax per block plus an fp32 constant per 256 blocks (blocks and
   groups rounded up); plus 16 bytes per adapter parameter (fp32 weight, gradient, AdamW's two moments).
5. `model_size_bytes(model, bits=4, group_size=128)`: a GPTQ-style checkpoint's bytes: every nn.Linear
   weight at `bits` per weight, with an fp16 scale and a `bits`-wide zero point per group of
   `group_size` input features (groups per row rounded up); every other parameter (embeddings,
   biases) in fp16; the total rounded up to a whole byte.

The reference: reference_impls/torch/adapter_finetune.py.""",
    entry_points=(
        EntryPoint(
            "perplexity",
            "(model, tokens, context, batch_size=256)",
            "exp(mean next-token cross-entropy) over every position from `context` on; a float.",
        ),
        EntryPoint(
            "add_lora", "(model, r=4, alpha=8.0)", "Every nn.Linear wrapped with LoRA, the rest frozen; the model."
        ),
        EntryPoint(
            "finetune",
            "(model, tokens, steps=100, lr=1e-2, batch_size=512, seed=0)",
            "Train the parameters that require a gradient on next-token prediction; the model.",
        ),
        EntryPoint(
            "qlora_memory_bytes",
            "(n_base, n_lora, bits=4, block_size=64, double_quant=True)",
            "Bytes of the quantized base, its constants, and the adapters with gradients and AdamW; an int.",
        ),
        EntryPoint(
            "model_size_bytes",
            "(model, bits=4, group_size=128)",
            "Bytes of the model with its Linear weights quantized group-wise; an int.",
        ),
    ),
    checks=(
        Check(
            "perplexity",
            "perplexity",
            perplexity_cases,
            call=_perplexity,
            tolerance=FLOAT32_SUMS,
            description="batches of 256 with a short last one, dropout in train mode, context 2, one batch",
        ),
        Check(
            "add_lora",
            "add_lora",
            add_lora_cases,
            call=_add_lora,
            description="r 4, 1, 8 (nested Linear layers): trainable and frozen counts, outputs unchanged, "
            "outputs with A and B set",
        ),
        Check(
            "lora_init",
            "add_lora",
            lora_init_cases,
            call=_lora_init,
            compare=_judge_lora_init,
            reference_output=False,
            description="A drawn Kaiming-uniform as nn.Linear: its largest |A| within 5 % of 1/sqrt(in)",
        ),
        Check(
            "finetune_steps",
            "finetune",
            finetune_steps_cases,
            call=_finetune_steps,
            compare=_judge_finetune_steps,
            reference_output=False,
            description="3 steps on one repeated character: 3 AdamW steps on the adapters",
        ),
        Check(
            "finetune",
            "finetune",
            finetune_cases,
            call=_finetune,
            compare=_judge_finetune,
            reference_output=False,
            description=f"100 steps on instruction text: held-out perplexity under {MAX_RATIO}x the base's, base frozen",
        ),
        Check(
            "qlora_memory",
            "qlora_memory_bytes",
            memory_cases,
            description="Llama-2-7B with and without double quantization, 8-bit blocks of 32, a partial block",
        ),
        Check(
            "model_size",
            "model_size_bytes",
            size_cases,
            call=_size,
            description="4-bit groups of 128, 8-bit groups of 32, 3-bit groups of 16 on nested layers",
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "perplexity",
            "for start in range(0, len(Y), batch_size):",
            "len(Y) + 1",
            "the extra start adds, when batch_size divides the positions, an empty batch whose summed loss is 0: "
            "the same perplexity",
        ),
    ),
    probes=(
        Probe(
            "the batches' mean losses were averaged: the last batch is smaller, so sum the losses "
            "(reduction='sum') and divide by the number of positions",
            impl={"perplexity": _perplexity_mean_of_batches},
            checks=("perplexity",),
        ),
        Probe(
            "the model was measured in train mode: call model.eval() first (dropout is on in train mode)",
            impl={"perplexity": _perplexity_train_mode},
            checks=("perplexity",),
        ),
        Probe(
            "only the model's direct children were wrapped: walk the modules recursively (named_children of "
            "each container) so that a Linear inside an nn.Sequential gets its adapter too",
            impl="wrong/adapter_finetune/not_recursive.py",
            checks=("add_lora",),
        ),
        Probe(
            "the base was not frozen: set requires_grad_(False) on every parameter before adding the adapters",
            impl="wrong/adapter_finetune/base_not_frozen.py",
            checks=("add_lora",),
        ),
        Probe(
            "the adapters' gradients and AdamW's two moments are missing: each trainable fp32 parameter "
            "costs 4 bytes for itself, 4 for its gradient, 8 for the moments",
            impl={"qlora_memory_bytes": _memory_without_optimizer},
            checks=("qlora_memory",),
        ),
        Probe(
            "the zero points are missing: each group stores an fp16 scale and a `bits`-wide zero point",
            impl={"model_size_bytes": _size_without_zero_points},
            checks=("model_size",),
        ),
    ),
)
