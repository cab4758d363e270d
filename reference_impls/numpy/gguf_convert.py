"""Converting a Hugging Face GPT-2 checkpoint to an F16 GGUF's tensors and metadata, as llama.cpp does.

Module 1.4's step 3 runs `convert_hf_to_gguf.py --outtype f16` on a hub model. What that script does for
GPT-2 (ggml-org/llama.cpp, convert_hf_to_gguf.py, class GPT2Model and Model.prepare_tensors), on the
checkpoint's arrays:

- names: Hugging Face's module paths become llama.cpp's (gguf-py's tensor names for the GPT-2
  architecture): wte -> token_embd, wpe -> position_embd, h.N.ln_1 -> blk.N.attn_norm,
  h.N.attn.c_attn -> blk.N.attn_qkv, h.N.attn.c_proj -> blk.N.attn_output, h.N.ln_2 -> blk.N.ffn_norm,
  h.N.mlp.c_fc -> blk.N.ffn_up, h.N.mlp.c_proj -> blk.N.ffn_down, ln_f -> output_norm;
- GPT-2's Conv1D layers store their weight (in, out), the transpose of a Linear's: the four c_attn,
  c_proj and c_fc weights are transposed to (out, in);
- the causal-mask buffers (attn.bias, attn.masked_bias) are dropped;
- the output projection is tied to the token embedding: output.weight is written from wte;
- types for --outtype f16: 2-D weights F16; 1-D tensors, norms, biases and the position embedding
  F32 (llama.cpp only handles F32 there);
- metadata: general.architecture "gpt2", gpt2.block_count, context_length, embedding_length,
  feed_forward_length (4 n_embd), attention.head_count, attention.layer_norm_epsilon, and
  general.file_type 1 (MOSTLY_F16).

Checked by hand against GPT-2's layout (tests/reference/test_gguf_convert.py): a tiny model whose
converted tensors, put back through the transposes, give the same forward pass. Limits: GPT-2 only;
no tokenizer metadata (vocabulary, merges), which the script also writes; the tensors' bytes are
written by a GGUF writer (the `gguf` exercise).
"""

import re

import numpy as np

BLOCK_NAMES = {
    "ln_1": "attn_norm",
    "attn.c_attn": "attn_qkv",
    "attn.c_proj": "attn_output",
    "ln_2": "ffn_norm",
    "mlp.c_fc": "ffn_up",
    "mlp.c_proj": "ffn_down",
}
TOP_NAMES = {"wte": "token_embd", "wpe": "position_embd", "ln_f": "output_norm"}
CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")
MOSTLY_F16 = 1  # llama.cpp's LlamaFileType for --outtype f16


def gguf_name(name):
    """The GGUF name of a Hugging Face GPT-2 tensor name; None for one that is not written."""
    name = name.removeprefix("transformer.")
    if name.endswith((".attn.bias", ".attn.masked_bias")) or name == "lm_head.weight":
        return None  # the causal mask buffers; the tied output projection (written from wte)
    block = re.fullmatch(r"h\.(\d+)\.(.+)\.(weight|bias)", name)
    if block:
        number, module, kind = block.groups()
        return f"blk.{number}.{BLOCK_NAMES[module]}.{kind}"
    module, _, kind = name.rpartition(".")
    return f"{TOP_NAMES[module]}.{kind}"


def gguf_tensors(checkpoint):
    """{GGUF name: array} for an F16 GGUF, from {Hugging Face name: float32 array}."""
    out = {}
    for name, array in checkpoint.items():
        new_name = gguf_name(name)
        if new_name is None:
            continue
        if name.endswith(CONV1D):
            array = array.T  # Conv1D stores (in, out)
        keep_f32 = array.ndim <= 1 or new_name.endswith("_norm.weight") or new_name.startswith("position_embd")
        out[new_name] = np.ascontiguousarray(array, dtype=np.float32 if keep_f32 else np.float16)
        if new_name == "token_embd.weight":
            out["output.weight"] = out[new_name].copy()  # tied to the token embedding
    return out


def gguf_metadata(hparams):
    """The GGUF key-value metadata llama.cpp writes for a GPT-2 config (config.json's names)."""
    return {
        "general.architecture": "gpt2",
        "gpt2.block_count": hparams["n_layer"],
        "gpt2.context_length": hparams["n_ctx"],
        "gpt2.embedding_length": hparams["n_embd"],
        "gpt2.feed_forward_length": 4 * hparams["n_embd"],
        "gpt2.attention.head_count": hparams["n_head"],
        "gpt2.attention.layer_norm_epsilon": hparams["layer_norm_epsilon"],
        "general.file_type": MOSTLY_F16,
    }
