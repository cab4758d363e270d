"""Wrong: the epsilon under llama's key, gpt2.attention.layer_norm_rms_epsilon; GPT-2's LayerNorm uses
gpt2.attention.layer_norm_epsilon."""

from reference_impls.numpy import gguf_convert as _ref
from reference_impls.numpy.gguf_convert import gguf_tensors  # noqa: F401 - right

EXPECTED_HINT = "gguf_metadata returns exactly the task's 8 keys"


def gguf_metadata(hparams):
    out = _ref.gguf_metadata(hparams)
    out["gpt2.attention.layer_norm_rms_epsilon"] = out.pop("gpt2.attention.layer_norm_epsilon")  # the mistake
    return out
