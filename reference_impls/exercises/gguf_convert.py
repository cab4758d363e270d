"""Exercise: a Hugging Face GPT-2 checkpoint as an F16 GGUF's tensors and metadata (module 1.4, step 3)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe


def checkpoint(n_layer, n_embd, vocab, n_ctx, seed, prefix="", buffers=False, lm_head=False):
    """A GPT-2 checkpoint's tensors (float32), named as Hugging Face names them."""
    rng = np.random.default_rng(seed)

    def t(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    out = {f"{prefix}wte.weight": t(vocab, n_embd), f"{prefix}wpe.weight": t(n_ctx, n_embd)}
    for i in range(n_layer):
        h = f"{prefix}h.{i}."
        out |= {h + "ln_1.weight": t(n_embd), h + "ln_1.bias": t(n_embd)}
        if buffers:
            out[h + "attn.bias"] = np.tril(np.ones((n_ctx, n_ctx), np.float32))[None, None]
            out[h + "attn.masked_bias"] = np.array(-1e4, np.float32)
        out |= {h + "attn.c_attn.weight": t(n_embd, 3 * n_embd), h + "attn.c_attn.bias": t(3 * n_embd)}
        out |= {h + "attn.c_proj.weight": t(n_embd, n_embd), h + "attn.c_proj.bias": t(n_embd)}
        out |= {h + "ln_2.weight": t(n_embd), h + "ln_2.bias": t(n_embd)}
        out |= {h + "mlp.c_fc.weight": t(n_embd, 4 * n_embd), h + "mlp.c_fc.bias": t(4 * n_embd)}
        out |= {h + "mlp.c_proj.weight": t(4 * n_embd, n_embd), h + "mlp.c_proj.bias": t(n_embd)}
    out |= {f"{prefix}ln_f.weight": t(n_embd), f"{prefix}ln_f.bias": t(n_embd)}
    if lm_head:
        out["lm_head.weight"] = out[f"{prefix}wte.weight"].copy()
    return out


def tensor_cases():
    yield Case(
        "hub_names_2_layers",
        (checkpoint(2, 8, 11, 6, seed=140),),
        seed=140,
        note="the hub file's names: wte, h.0.ln_1, ...",
    )
    yield Case(
        "state_dict_names",
        (checkpoint(1, 4, 7, 5, seed=141, prefix="transformer.", lm_head=True),),
        seed=141,
        note="GPT2LMHeadModel.state_dict(): 'transformer.' prefixes and the tied lm_head.weight",
    )
    yield Case(
        "mask_buffers",
        (checkpoint(2, 4, 5, 3, seed=142, buffers=True),),
        seed=142,
        note="an older checkpoint with attn.bias and attn.masked_bias (causal-mask buffers, not weights)",
    )


def metadata_cases():
    yield Case("gpt2_small", ({"n_layer": 12, "n_ctx": 1024, "n_embd": 768, "n_head": 12, "layer_norm_epsilon": 1e-5},))
    yield Case(
        "gpt2_medium", ({"n_layer": 24, "n_ctx": 1024, "n_embd": 1024, "n_head": 16, "layer_norm_epsilon": 1e-5},)
    )
    yield Case("tiny", ({"n_layer": 2, "n_ctx": 6, "n_embd": 8, "n_head": 2, "layer_norm_epsilon": 1e-6},))


def _tensors(impl, ckpt):
    out = impl.gguf_tensors(ckpt)
    return {name: np.asarray(out[name]) for name in sorted(out)}


def _metadata(impl, hparams):
    plain = {str: str, int: int, float: float}
    out = impl.gguf_metadata(hparams)
    return {
        key: (value.item() if isinstance(value, np.generic) else plain.get(type(value), lambda v: v)(value))
        for key, value in sorted(out.items())
    }


# -- known mistakes ------------------------------------------------------------------------------------------


def _all_f16(ckpt):
    from reference_impls.numpy.gguf_convert import gguf_tensors

    return {name: a.astype(np.float16) for name, a in gguf_tensors(ckpt).items()}


def _position_f16(ckpt):
    from reference_impls.numpy.gguf_convert import gguf_tensors

    out = gguf_tensors(ckpt)
    out["position_embd.weight"] = out["position_embd.weight"].astype(np.float16)
    return out


def _no_output(ckpt):
    from reference_impls.numpy.gguf_convert import gguf_tensors

    out = gguf_tensors(ckpt)
    del out["output.weight"]
    return out


def _missing_output(case, actual, expected):
    return (
        isinstance(actual, dict)
        and "output.weight" in (expected or {})
        and "output.weight" not in actual
        and "token_embd.weight" in actual
    )


def _prefix_not_stripped(case, actual, expected):
    """A state_dict's names ('transformer.h.0...') were not mapped: their GGUF names are missing or kept raw."""
    if not isinstance(actual, dict) or not isinstance(expected, dict):
        return False
    prefixed = any(name.startswith("transformer.") for name in case.args[0])
    return prefixed and (any("transformer." in name for name in actual) or "token_embd.weight" not in actual)


CONV1D_KINDS = ("attn_qkv.weight", "attn_output.weight", "ffn_up.weight", "ffn_down.weight")


def _some_conv1d_not_transposed(case, actual, expected):
    """Some Conv1D weights transposed, others (a square c_proj has the right shape either way) not."""
    if not isinstance(actual, dict) or not isinstance(expected, dict):
        return False
    close = lambda a, e: a.shape == e.shape and np.allclose(a, e, rtol=1e-3, atol=1e-3)  # noqa: E731
    pairs = [
        (np.asarray(actual[k], np.float64), np.asarray(e, np.float64))
        for k, e in expected.items()
        if k.endswith(CONV1D_KINDS) and k in actual
    ]
    return any(close(a, e.T) and not close(a, e) for a, e in pairs) and any(close(a, e) for a, e in pairs)


def _metadata_keys_differ(case, actual, expected):
    return isinstance(actual, dict) and isinstance(expected, dict) and set(actual) != set(expected)


def _kept_buffers(case, actual, expected):
    return isinstance(actual, dict) and any(
        name.endswith(("attn.bias", "attn.masked_bias")) or "masked" in name for name in actual
    )


EXERCISE = Exercise.of(
    info("gguf_convert"),
    task="""Module 1.4's step 3 runs llama.cpp's `convert_hf_to_gguf.py --outtype f16` on a hub model. Do what it
does for GPT-2, on the checkpoint's arrays (a dict: Hugging Face tensor name -> float32 array); a
GGUF writer (the `gguf` exercise) then writes them.

1. `gguf_tensors(checkpoint)` -> {GGUF name: array}:
   - names: drop a leading "transformer." (GPT2LMHeadModel.state_dict() has it, the hub file does not);
     wte -> token_embd, wpe -> position_embd, ln_f -> output_norm, and in block N: ln_1 ->
     blk.N.attn_norm, attn.c_attn -> blk.N.attn_qkv, attn.c_proj -> blk.N.attn_output, ln_2 ->
     blk.N.ffn_norm, mlp.c_fc -> blk.N.ffn_up, mlp.c_proj -> blk.N.ffn_down; ".weight" / ".bias" kept.
   - GPT-2's Conv1D layers store weights as (in, out), the transpose of nn.Linear's (out, in): transpose
     the c_attn, c_proj and c_fc weights (a (768, 2304) c_attn weight becomes (2304, 768)).
   - skip the causal-mask buffers h.N.attn.bias and h.N.attn.masked_bias, and lm_head.weight: the
     output projection is tied to the token embedding, so write "output.weight" as a copy of
     token_embd.weight.
   - types: float16 for 2-D weights; float32 for 1-D tensors (biases, norms) and for the position
     embedding (llama.cpp keeps it in F32).
2. `gguf_metadata(hparams)` -> dict, from config.json's n_layer, n_ctx, n_embd, n_head,
   layer_norm_epsilon: "general.architecture": "gpt2", "gpt2.block_count", "gpt2.context_length",
   "gpt2.embedding_length", "gpt2.feed_forward_length" (4 n_embd), "gpt2.attention.head_count",
   "gpt2.attention.layer_norm_epsilon", and "general.file_type": 1 (MOSTLY_F16). Exactly these keys.

The reference: reference_impls/numpy/gguf_convert.py (from llama.cpp's convert_hf_to_gguf.py).""",
    entry_points=(
        EntryPoint(
            "gguf_tensors",
            "(checkpoint)",
            "{GGUF name: array}: renamed, Conv1D weights transposed, buffers dropped, output tied; F16 / F32.",
        ),
        EntryPoint("gguf_metadata", "(hparams)", "The GGUF metadata of a GPT-2 config: a dict of 8 keys."),
    ),
    checks=(
        Check(
            "tensors",
            "gguf_tensors",
            tensor_cases,
            call=_tensors,
            description="2 layers with the hub's names, 1 layer with state_dict names and lm_head, mask buffers",
        ),
        Check("metadata", "gguf_metadata", metadata_cases, call=_metadata, description="GPT-2 small, medium, tiny"),
    ),
    probes=(
        Probe(
            "the Conv1D weights were not transposed: GPT-2 stores c_attn, c_proj and c_fc weights as (in, out); "
            "GGUF wants (out, in), as nn.Linear",
            impl="wrong/gguf_convert/no_transpose.py",
            checks=("tensors",),
        ),
        Probe(
            "every tensor was made float16: 1-D tensors (biases, norms) and the position embedding stay float32",
            impl={"gguf_tensors": _all_f16},
            checks=("tensors",),
        ),
        Probe(
            "the position embedding is float16: llama.cpp keeps position_embd in F32",
            impl={"gguf_tensors": _position_f16},
            checks=("tensors",),
        ),
        Probe(
            "output.weight is missing: GPT-2's output projection is tied to the token embedding; write it as a "
            "copy of token_embd.weight",
            when=_missing_output,
            checks=("tensors",),
        ),
        Probe(
            "the causal-mask buffers were kept: h.N.attn.bias and attn.masked_bias are not weights; skip them",
            when=_kept_buffers,
            checks=("tensors",),
        ),
        Probe(
            "GPT2LMHeadModel.state_dict() names start with 'transformer.': drop that prefix first, then map the "
            "names as for the hub file",
            when=_prefix_not_stripped,
            checks=("tensors",),
        ),
        Probe(
            "all four Conv1D weights are transposed, attn.c_proj and mlp.c_proj included (a square attn.c_proj has "
            "the right shape either way, so only its values show it)",
            when=_some_conv1d_not_transposed,
            checks=("tensors",),
        ),
        Probe(
            "gguf_metadata returns exactly the task's 8 keys, spelled as llama.cpp spells them for GPT-2 "
            "(gpt2.attention.layer_norm_epsilon: LayerNorm's; layer_norm_rms_epsilon and head_count_kv belong to "
            "other architectures)",
            when=_metadata_keys_differ,
            checks=("metadata",),
        ),
        Probe(
            "the feed-forward length is 4 n_embd (GPT-2's MLP), not n_embd",
            impl="wrong/gguf_convert/ffn_length.py",
            checks=("metadata",),
        ),
    ),
)
