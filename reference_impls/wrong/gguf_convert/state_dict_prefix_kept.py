"""Wrong: maps the hub file's names only; a state_dict's 'transformer.'-prefixed names fall through unmatched."""

import re

import numpy as np

from reference_impls.numpy.gguf_convert import BLOCK_NAMES, CONV1D, TOP_NAMES, gguf_metadata  # noqa: F401 - right

EXPECTED_HINT = "names start with 'transformer.'"


def gguf_tensors(checkpoint):
    out = {}
    for name, array in checkpoint.items():  # the mistake: name.removeprefix("transformer.") missing
        block = re.fullmatch(r"h\.(\d+)\.(.+)\.(weight|bias)", name)
        top = re.fullmatch(r"(wte|wpe|ln_f)\.(weight|bias)", name)
        if block and block.group(2) in BLOCK_NAMES:
            new_name = f"blk.{block.group(1)}.{BLOCK_NAMES[block.group(2)]}.{block.group(3)}"
        elif top:
            new_name = f"{TOP_NAMES[top.group(1)]}.{top.group(2)}"
        else:
            continue  # buffers, lm_head ... and every prefixed name
        if name.endswith(CONV1D):
            array = array.T
        keep_f32 = array.ndim <= 1 or new_name.startswith("position_embd")
        out[new_name] = np.ascontiguousarray(array, dtype=np.float32 if keep_f32 else np.float16)
        if new_name == "token_embd.weight":
            out["output.weight"] = out[new_name].copy()
    return out
