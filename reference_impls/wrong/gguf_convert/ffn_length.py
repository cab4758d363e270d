"""Wrong: the feed-forward length written as n_embd."""

from reference_impls.numpy.gguf_convert import MOSTLY_F16, gguf_tensors  # noqa: F401

EXPECTED_HINT = "the feed-forward length is 4 n_embd"


def gguf_metadata(hparams):
    return {
        "general.architecture": "gpt2",
        "gpt2.block_count": hparams["n_layer"],
        "gpt2.context_length": hparams["n_ctx"],
        "gpt2.embedding_length": hparams["n_embd"],
        "gpt2.feed_forward_length": hparams["n_embd"],  # the mistake: GPT-2's MLP is 4 n_embd wide
        "gpt2.attention.head_count": hparams["n_head"],
        "gpt2.attention.layer_norm_epsilon": hparams["layer_norm_epsilon"],
        "general.file_type": MOSTLY_F16,
    }
