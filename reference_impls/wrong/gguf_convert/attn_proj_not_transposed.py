"""Wrong: transposes c_attn, c_fc and mlp.c_proj but forgets attn.c_proj, whose (n_embd, n_embd) shape hides it."""

import numpy as np

from reference_impls.numpy.gguf_convert import gguf_metadata, gguf_name  # noqa: F401 - right

EXPECTED_HINT = "all four Conv1D weights are transposed"
ALSO_APPLIES = ("part of the output is right",)

TRANSPOSED = ("attn.c_attn.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")  # the mistake: attn.c_proj.weight missing


def gguf_tensors(checkpoint):
    out = {}
    for name, array in checkpoint.items():
        new_name = gguf_name(name)
        if new_name is None:
            continue
        if name.endswith(TRANSPOSED):
            array = array.T
        keep_f32 = array.ndim <= 1 or new_name.startswith("position_embd")
        out[new_name] = np.ascontiguousarray(array, dtype=np.float32 if keep_f32 else np.float16)
        if new_name == "token_embd.weight":
            out["output.weight"] = out[new_name].copy()
    return out
