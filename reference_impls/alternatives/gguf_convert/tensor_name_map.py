"""Correct, in the style of llama.cpp's convert_hf_to_gguf.py and gguf-py's TensorNameMap: a table of
Hugging Face name patterns with "{bid}" placeholders mapped to GGUF names, a modify_tensors step that
transposes the Conv1D weights (nanoGPT's from_pretrained lists the same four: c_attn, attn.c_proj,
c_fc, mlp.c_proj), and the output type chosen from the tensor's number of dimensions, the way
prepare_tensors does for --outtype f16 (n_dims <= 1 and position_embd stay F32)."""

import re

import numpy as np

TENSOR_MAP = {
    "wte": "token_embd",
    "wpe": "position_embd",
    "ln_f": "output_norm",
    "h.{bid}.ln_1": "blk.{bid}.attn_norm",
    "h.{bid}.attn.c_attn": "blk.{bid}.attn_qkv",
    "h.{bid}.attn.c_proj": "blk.{bid}.attn_output",
    "h.{bid}.ln_2": "blk.{bid}.ffn_norm",
    "h.{bid}.mlp.c_fc": "blk.{bid}.ffn_up",
    "h.{bid}.mlp.c_proj": "blk.{bid}.ffn_down",
}
TRANSPOSED = ["attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight"]
SKIPPED = re.compile(r"(^lm_head\.weight$|\.attn\.(masked_)?bias$)")


def _map_name(hf_name):
    base, suffix = hf_name.rsplit(".", 1)
    match = re.match(r"h\.(\d+)\.", base)
    bid = match.group(1) if match else None
    key = base.replace(f"h.{bid}.", "h.{bid}.", 1) if bid is not None else base
    return TENSOR_MAP[key].format(bid=bid) + "." + suffix


def gguf_tensors(checkpoint):
    tensors = {}
    for hf_name, data in checkpoint.items():
        if hf_name.startswith("transformer."):
            hf_name = hf_name[len("transformer.") :]
        if SKIPPED.search(hf_name):
            continue
        if any(hf_name.endswith(w) for w in TRANSPOSED):
            data = data.T
        new_name = _map_name(hf_name)
        n_dims = len(data.shape)
        data_qtype = np.float32 if n_dims <= 1 or new_name == "position_embd.weight" else np.float16
        tensors[new_name] = np.ascontiguousarray(data.astype(data_qtype))
        if new_name == "token_embd.weight":  # tied embeddings: the output head reuses wte
            tensors["output.weight"] = tensors[new_name].copy()
    return tensors


def gguf_metadata(hparams):
    arch = "gpt2"
    kv = {"general.architecture": arch}
    kv[f"{arch}.block_count"] = hparams["n_layer"]
    kv[f"{arch}.context_length"] = hparams["n_ctx"]
    kv[f"{arch}.embedding_length"] = hparams["n_embd"]
    kv[f"{arch}.feed_forward_length"] = 4 * hparams["n_embd"]
    kv[f"{arch}.attention.head_count"] = hparams["n_head"]
    kv[f"{arch}.attention.layer_norm_epsilon"] = hparams["layer_norm_epsilon"]
    kv["general.file_type"] = 1
    return kv
