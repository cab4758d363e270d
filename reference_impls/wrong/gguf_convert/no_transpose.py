"""Wrong: renames and casts, but keeps GPT-2's Conv1D weights in their (in, out) layout."""

import numpy as np

from reference_impls.numpy.gguf_convert import gguf_metadata, gguf_name  # noqa: F401

EXPECTED_HINT = "the Conv1D weights were not transposed"


def gguf_tensors(checkpoint):
    out = {}
    for name, array in checkpoint.items():
        new_name = gguf_name(name)
        if new_name is None:
            continue
        # the mistake: no array.T for the c_attn, c_proj and c_fc weights
        keep_f32 = array.ndim <= 1 or new_name.endswith("_norm.weight") or new_name.startswith("position_embd")
        out[new_name] = np.ascontiguousarray(array, dtype=np.float32 if keep_f32 else np.float16)
        if new_name == "token_embd.weight":
            out["output.weight"] = out[new_name].copy()
    return out
