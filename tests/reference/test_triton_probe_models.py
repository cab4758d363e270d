"""The kernel exercises' models of known mistakes: with the mistake switched off, each one is the right
answer (torch's SDPA, the gather-then-attend oracle, dequantize-then-matmul); with it on, it differs. A hint
built on a wrong model would name a mistake the learner did not make."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.exercises import triton_flash_attention as flash
from reference_impls.exercises import triton_paged_attention as paged
from reference_impls.exercises import triton_w4a16_matmul as w4
from reference_impls.exercises import triton_w8a16_matmul as w8
from reference_impls.triton import paged_attention_oracle, w4a16_oracle


def _flash_case(causal, seq_q=45, seq_k=45, scale=1.0):
    return flash._qkv_case("t", 1, "", (1, 2, seq_q, 16), seq_k, "float64", causal, scale=scale)


@pytest.mark.parametrize("block_n", flash.BLOCKS)
@pytest.mark.parametrize("causal", [False, True])
def test_the_online_softmax_model_without_a_mistake_is_sdpa(causal, block_n):
    q, k, v, scale, causal = flash._inputs(_flash_case(causal))
    expected = F.scaled_dot_product_attention(*(torch.from_numpy(t) for t in (q, k, v)), is_causal=causal).numpy()
    np.testing.assert_allclose(flash._online(q, k, v, scale, causal, block_n), expected, rtol=1e-10, atol=1e-12)
    missing = flash._online(q, k, v, scale, causal, 16, rescale_l=False)
    assert not np.allclose(missing, expected, rtol=1e-3, atol=1e-3)


def test_the_tail_model_differs_only_where_the_last_block_is_partial():
    q, k, v, scale, _ = flash._inputs(_flash_case(False, seq_q=20, seq_k=32))
    full = flash._online(q, k, v, scale, False, 16)
    np.testing.assert_allclose(flash._online(q, k, v, scale, False, 16, tail_zero=True), full)  # 32 = 2 blocks
    assert not np.allclose(flash._online(q, k, v, scale, False, 64, tail_zero=True), full, atol=1e-3)


def test_the_causal_mask_models_hold_keys_j_le_i_and_more():
    c = _flash_case(True)
    q, k, v, scale, _ = flash._inputs(c)
    expected = F.scaled_dot_product_attention(*(torch.from_numpy(t) for t in (q, k, v)), is_causal=True).numpy()
    assert not flash._causal_blocks("diagonal_unmasked")(c, expected, expected)  # the right answer matches none
    assert not flash._causal_blocks("only_diagonal")(c, expected, expected)
    i, j = np.arange(45)[:, None], np.arange(45)[None, :]
    leaky = flash._masked_softmax_attention(q, k, v, scale, (j <= i) | (j >= (i // 32 + 1) * 32))
    assert flash._causal_blocks("only_diagonal")(c, leaky, expected)


@pytest.mark.parametrize("c", list(paged.paged_cases()), ids=lambda c: c.name)
def test_the_paged_block_loop_without_a_mistake_is_gather_then_attend(c):
    args = {name: torch.from_numpy(np.asarray(value)) for name, value in c.kwargs.items() if name != "sm_scale"}
    sm_scale = c.kwargs.get("sm_scale")
    expected = paged_attention_oracle.paged_attention_decode(**args, sm_scale=sm_scale)
    model = paged._simulate(*args.values(), sm_scale)
    torch.testing.assert_close(model.double(), expected.double(), rtol=2e-3, atol=2e-3)
    for mistake in (
        ("stale_tail", "logical") if c.name != "large_scores" else ()
    ):  # there the stale scores are far below
        wrong = paged._simulate(*args.values(), sm_scale, **{mistake: True})
        assert not torch.allclose(wrong.double(), expected.double(), rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("c", list(w4.matmul_cases()), ids=lambda c: c.name)
def test_the_w4_dequantize_model_without_a_mistake_is_the_oracle(c):
    kw = c.kwargs
    k = kw["x"].shape[1]
    tensors = [torch.from_numpy(np.asarray(kw[n])) for n in ("packed", "scales", "zeros")]
    expected = w4a16_oracle.dequantize_w4(*tensors, kw["group_size"], k).double().numpy()
    np.testing.assert_allclose(w4._dequant(kw["packed"], kw["scales"], kw["zeros"], kw["group_size"], k), expected)
    for mistake in ("swap", "zero_after", "signed"):
        wrong = w4._dequant(kw["packed"], kw["scales"], kw["zeros"], kw["group_size"], k, **{mistake: True})
        assert not np.allclose(wrong, expected)


def test_the_w8_scales_in_loop_model_is_right_for_one_block():
    c = next(c for c in w8.matmul_cases() if c.name == "m3_k5_n7")
    kw = c.kwargs
    expected = kw["x"].astype(np.float64) @ (kw["w_q"].astype(np.float64) * kw["scales"][:, None]).T
    assert not w8._scaled_in_loop(c, expected, expected)  # K = 5 fits one block: no model applies
