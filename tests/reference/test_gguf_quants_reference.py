"""GGUF block formats against independent oracles: Q8_0 and Q4_0 quantize bit for bit as gguf-py's numpy
quantizers (gguf.quants, written to match ggml-quants.c), every dequantizer as gguf-py's, and Q4_K's bytes
as llama.cpp's own quantize_row_q4_K_ref (tests/fixtures/gguf_quants/q4_k_llama_cpp.json, made by
compiling it: the file says from which commit)."""

import json
from pathlib import Path

import numpy as np
import pytest

from reference_impls.numpy import gguf_quants as gq

gguf_quants = pytest.importorskip("gguf.quants", reason="gguf-py (pip install gguf) is the oracle")
from gguf import GGMLQuantizationType as T  # noqa: E402

FIXTURE = Path(__file__).parent.parent / "fixtures" / "gguf_quants" / "q4_k_llama_cpp.json"


def _inputs():
    rng = np.random.default_rng(0)
    yield "normal", rng.standard_normal(1024).astype(np.float32)
    yield "heavy_tails", rng.standard_t(2, 512).astype(np.float32)
    yield "large", (rng.standard_normal(256) * 3e4).astype(np.float32)
    x = rng.standard_normal(256).astype(np.float32)
    x[:32] = 0
    x[32:64] = -0.5
    x[64] = 7.0
    x[65] = -7.0  # a tie of |x|: the first one's sign wins
    yield "zeros_constants_ties", x
    yield "halves", (np.arange(-64, 64, dtype=np.float32) * 0.5 + 0.25).astype(np.float32)


@pytest.mark.parametrize("name, x", list(_inputs()))
def test_q8_0_matches_gguf_py(name, x):
    mine = gq.quantize_q8_0(x)
    assert mine.shape == (x.size // 32, 34) and mine.dtype == np.uint8
    assert np.array_equal(mine.reshape(-1), gguf_quants.quantize(x, T.Q8_0).reshape(-1))
    np.testing.assert_array_equal(gq.dequantize_q8_0(mine), gguf_quants.dequantize(mine.reshape(-1), T.Q8_0))


@pytest.mark.parametrize("name, x", list(_inputs()))
def test_q4_0_matches_gguf_py(name, x):
    mine = gq.quantize_q4_0(x)
    assert mine.shape == (x.size // 32, 18)
    assert np.array_equal(mine.reshape(-1), gguf_quants.quantize(x, T.Q4_0).reshape(-1))
    np.testing.assert_array_equal(gq.dequantize_q4_0(mine), gguf_quants.dequantize(mine.reshape(-1), T.Q4_0))


def _llama_cpp_cases():
    data = json.loads(FIXTURE.read_text())
    for name, case in data["cases"].items():
        x = np.frombuffer(bytes.fromhex(case["x"]), dtype=np.float32)
        yield name, x, np.frombuffer(bytes.fromhex(case["q4_k"]), dtype=np.uint8).reshape(-1, 144)


@pytest.mark.parametrize("name, x, theirs", list(_llama_cpp_cases()))
def test_q4_k_matches_llama_cpp_bytes(name, x, theirs):
    mine = gq.quantize_q4_k(x)
    assert mine.shape == theirs.shape
    assert np.array_equal(mine, theirs), f"{int((mine != theirs).sum())} bytes differ"
    np.testing.assert_array_equal(gq.dequantize_q4_k(theirs), gguf_quants.dequantize(theirs.reshape(-1), T.Q4_K))


def test_q4_k_scale_packing_round_trips_and_matches_gguf_py():
    rng = np.random.default_rng(1)
    scales, mins = rng.integers(0, 64, (5, 8)).astype(np.uint8), rng.integers(0, 64, (5, 8)).astype(np.uint8)
    packed = gq.pack_q4_k_scales(scales, mins)
    sc, m = gguf_quants.Q4_K.get_scale_min(packed)
    assert np.array_equal(sc, scales) and np.array_equal(m, mins)
    assert all(np.array_equal(a, b) for a, b in zip(gq.unpack_q4_k_scales(packed), (scales, mins), strict=True))


def test_q4_k_error_is_small_and_beats_q4_0():
    x = np.random.default_rng(2).standard_normal(4096).astype(np.float32)
    err_k = np.sqrt(((gq.dequantize_q4_k(gq.quantize_q4_k(x)) - x) ** 2).mean())
    err_0 = np.sqrt(((gq.dequantize_q4_0(gq.quantize_q4_0(x)) - x) ** 2).mean())
    assert err_k < 0.1 and err_k < err_0  # 4.5 bits per weight, a min per sub-block and a fitted scale


def test_lengths_must_be_whole_blocks():
    with pytest.raises(ValueError, match="multiple of the block size 32"):
        gq.quantize_q8_0(np.zeros(33, np.float32))


def test_q4_k_all_zero_super_block_stores_positive_zero_scales():
    """llama.cpp takes max_scale and max_min as maxima starting from +0.0 (`if (min > max_min)`), so an all-zero
    super-block, whose sub-block mins are -0.0, stores d = dmin = +0.0: bytes 00 00, never 00 80."""
    x = np.zeros(512, np.float32)
    x[256:] = np.random.default_rng(3).standard_normal(256)
    blocks = gq.quantize_q4_k(x)
    assert blocks[0, :4].tolist() == [0, 0, 0, 0]
    assert not blocks[0, 4:].any()
    np.testing.assert_array_equal(gq.dequantize_q4_k(blocks)[:256], np.zeros(256, np.float32))
