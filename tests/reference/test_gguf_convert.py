"""The GPT-2 -> GGUF conversion against llama.cpp's own gguf-py (tensor names, metadata keys) and GPT-2's math."""

from __future__ import annotations

import numpy as np
import pytest

from reference_impls.exercises.gguf_convert import checkpoint
from reference_impls.numpy.gguf_convert import gguf_metadata, gguf_name, gguf_tensors

gguf = pytest.importorskip("gguf")


def test_names_are_gguf_pys_for_the_gpt2_architecture():
    names = gguf.TensorNameMap(gguf.MODEL_ARCH.GPT2, 2)
    for hf_name in checkpoint(2, 4, 5, 3, seed=0, buffers=True):
        ours = gguf_name(hf_name)
        if hf_name.endswith((".attn.bias", ".attn.masked_bias")):
            assert ours is None
            continue
        assert ours == names.get_name(hf_name, try_suffixes=(".weight", ".bias")), hf_name
        assert gguf_name("transformer." + hf_name) == ours
    assert gguf_name("lm_head.weight") is None  # tied: written from wte
    allowed = {gguf.TENSOR_NAMES[t].format(bid=b) for t in gguf.MODEL_TENSORS[gguf.MODEL_ARCH.GPT2] for b in (0, 1)}
    converted = gguf_tensors(checkpoint(2, 4, 5, 3, seed=0))
    assert {name.rsplit(".", 1)[0] for name in converted} <= allowed and "output.weight" in converted


def test_metadata_keys_are_gguf_pys():
    meta = gguf_metadata({"n_layer": 12, "n_ctx": 1024, "n_embd": 768, "n_head": 12, "layer_norm_epsilon": 1e-5})
    arch = "gpt2"
    assert meta == {
        gguf.Keys.General.ARCHITECTURE: arch,
        gguf.Keys.LLM.BLOCK_COUNT.format(arch=arch): 12,
        gguf.Keys.LLM.CONTEXT_LENGTH.format(arch=arch): 1024,
        gguf.Keys.LLM.EMBEDDING_LENGTH.format(arch=arch): 768,
        gguf.Keys.LLM.FEED_FORWARD_LENGTH.format(arch=arch): 3072,
        gguf.Keys.Attention.HEAD_COUNT.format(arch=arch): 12,
        gguf.Keys.Attention.LAYERNORM_EPS.format(arch=arch): 1e-5,
        gguf.Keys.General.FILE_TYPE: gguf.LlamaFileType.MOSTLY_F16.value,
    }


def test_transposed_weights_compute_gpt2s_conv1d_as_a_linear_and_the_types_follow_llama_cpp():
    ckpt = checkpoint(1, 8, 11, 6, seed=1)
    out = gguf_tensors(ckpt)
    x = np.random.default_rng(2).standard_normal((3, 8)).astype(np.float32)
    conv1d = x @ ckpt["h.0.attn.c_attn.weight"] + ckpt["h.0.attn.c_attn.bias"]  # HF's Conv1D: x W + b
    linear = x @ out["blk.0.attn_qkv.weight"].astype(np.float32).T + out["blk.0.attn_qkv.bias"]  # x W^T + b
    np.testing.assert_allclose(linear, conv1d, rtol=1e-2, atol=1e-2)  # the weight went through float16
    for name, array in out.items():
        f32 = array.ndim == 1 or name == "position_embd.weight"
        assert array.dtype == (np.float32 if f32 else np.float16), name
    np.testing.assert_array_equal(out["output.weight"], out["token_embd.weight"])
    assert out["blk.0.ffn_up.weight"].shape == (32, 8) and out["blk.0.ffn_down.weight"].shape == (8, 32)
