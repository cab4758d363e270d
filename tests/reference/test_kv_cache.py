"""kv_cache.py: decoding token by token (and chunk by chunk) equals the full causal forward pass."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.torch.kv_cache import CausalSelfAttention, KVCache, kv_cache_bytes


def _full_reference(attn, x):
    """nanoGPT's CausalSelfAttention.forward: F.sdpa with is_causal over the whole sequence."""
    B, T, C = x.shape
    q, k, v = attn.c_attn(x).split(C, dim=2)
    q, k, v = (t.view(B, T, attn.n_head, C // attn.n_head).transpose(1, 2) for t in (q, k, v))
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    return attn.c_proj(y.transpose(1, 2).reshape(B, T, C))


@pytest.mark.parametrize(
    "dtype, tol", [(torch.float32, dict(rtol=1e-5, atol=1e-6)), (torch.float64, dict(rtol=1e-12, atol=1e-12))]
)
@pytest.mark.parametrize("chunks", [[1] * 9, [4, 1, 1, 1, 1, 1], [3, 3, 3], [9]])
def test_cached_decoding_equals_the_full_pass(chunks, dtype, tol):
    torch.manual_seed(len(chunks))
    attn = CausalSelfAttention(16, 4).to(dtype)
    x = torch.randn(2, 9, 16, dtype=dtype)
    full = _full_reference(attn, x)
    torch.testing.assert_close(attn(x), full, **tol)
    cache, outs, t = KVCache(), [], 0
    for n in chunks:
        outs.append(attn(x[:, t : t + n], cache))
        t += n
        assert len(cache) == t and cache.k.shape == (2, 4, t, 4)
    torch.testing.assert_close(torch.cat(outs, dim=1), full, **tol)


def test_two_layer_decoder_generates_the_same_tokens_with_and_without_cache():
    torch.manual_seed(0)
    V, C = 11, 16
    emb, pos = nn.Embedding(V, C), nn.Embedding(32, C)
    layers = [CausalSelfAttention(C, 2) for _ in range(2)]
    head = nn.Linear(C, V)

    def forward(idx, start, caches=None):
        x = emb(idx) + pos(torch.arange(start, start + idx.size(1)))
        for n, layer in enumerate(layers):
            x = x + layer(x, caches[n] if caches else None)
        return head(x)

    with torch.no_grad():
        idx = torch.tensor([[1, 5, 2]])
        slow = idx.clone()
        for _ in range(8):  # no cache: the whole sequence every step
            slow = torch.cat([slow, forward(slow, 0)[:, -1:].argmax(-1)], dim=1)
        caches = [KVCache(), KVCache()]
        logits = forward(idx, 0, caches)  # prefill
        fast = idx.clone()
        for _ in range(8):
            nxt = logits[:, -1:].argmax(-1)
            fast = torch.cat([fast, nxt], dim=1)
            logits = forward(nxt, fast.size(1) - 1, caches)  # one token, its own position
    assert fast.tolist() == slow.tolist()


def test_is_causal_with_a_cache_is_the_classic_bug():
    # F.sdpa's is_causal aligns top-left: one query against 5 keys sees key 0 only.
    g = torch.Generator().manual_seed(0)
    q, k, v = (
        torch.randn(1, 1, 1, 4, generator=g),
        torch.randn(1, 1, 5, 4, generator=g),
        torch.randn(1, 1, 5, 4, generator=g),
    )
    torch.testing.assert_close(F.scaled_dot_product_attention(q, k, v, is_causal=True), v[:, :, :1])


def test_cache_size_arithmetic():
    assert kv_cache_bytes(1, 4096, 32, 32, 128, 2) == 2 * 2**30  # Llama-2-7B, fp16: 2 GiB per sequence
    assert kv_cache_bytes(1, 4096, 80, 8, 128, 2) == 1.25 * 2**30  # Llama-2-70B with 8 kv heads
    assert kv_cache_bytes(8, 1024, 12, 12, 64, 4) == 8 * 1024 * 12 * 2 * 768 * 4  # GPT-2 small, fp32, batch 8
    assert kv_cache_bytes(1, 1, 1, 1, 1, 1) == 2  # one K and one V
