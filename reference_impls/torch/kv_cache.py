"""A KV cache: decode token by token with the keys and values of the past kept, not recomputed.

In a causal decoder the keys and values of past tokens never change, so generation keeps them per
layer and, at each step, computes q, k, v for the new tokens only, appends k and v to the cache and
attends from the new queries to every cached key. The new queries are the LAST T positions of the
S cached ones: query t (absolute position S - T + t) sees keys 0 .. S - T + t, the causal mask
aligned bottom-right (tril(diagonal=S - T)). F.scaled_dot_product_attention's is_causal aligns it
top-left, right only when T == S, so a one-token step with is_causal=True would see key 0 alone.
Decoding one token at a time (or a prompt chunk, then one at a time) gives the outputs of one
forward pass over the whole sequence, up to float rounding.

The cache costs, per sequence and in bytes:

    2 (K and V) * n_layer * n_kv_head * head_dim * seq_len * bytes_per_element   (* batch)

e.g. Llama-2-7B (32 layers, 32 heads of 128, fp16) at 4096 tokens: 2 GiB per sequence;
Llama-2-70B (80 layers, GQA with 8 kv heads of 128): 1.25 GiB.

Source: the attention of nanoGPT (c_attn, c_proj) with the cache of Hugging Face's DynamicCache
(torch.cat along the sequence axis) and the mask alignment of Llama's reference `forward(tokens,
start_pos)`. Limits: no preallocation (torch.cat grows the cache, O(S) per step), no eviction, one
layer (a model keeps one cache per layer).
"""

import torch
from torch import nn

from reference_impls.torch.attention import scaled_dot_product_attention


class KVCache:
    def __init__(self):
        self.k = None  # (B, nh, S, hs)
        self.v = None

    def __len__(self):
        return 0 if self.k is None else self.k.size(2)

    def append(self, k, v):
        """k, v (B, nh, T, hs) of the new tokens -> every cached key and value (B, nh, S, hs)."""
        self.k = k if self.k is None else torch.cat([self.k, k], dim=2)
        self.v = v if self.v is None else torch.cat([self.v, v], dim=2)
        return self.k, self.v


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        assert n_embd % n_head == 0
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)  # q, k, v for every head
        self.c_proj = nn.Linear(n_embd, n_embd)

    def forward(self, x, cache=None):
        """x (B, T, C) the new tokens -> (B, T, C); with a cache, the past tokens' k and v come from it."""
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hs)
        if cache is not None:
            k, v = cache.append(k, v)  # (B, nh, S, hs), S = past + T
        S = k.size(2)
        mask = torch.ones(T, S, dtype=torch.bool, device=x.device).tril(diagonal=S - T)  # bottom-right aligned
        y = scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (B, nh, T, hs)
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))


def kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2):
    """Bytes held by the K and V caches of every layer."""
    return 2 * batch * seq_len * n_layer * n_kv_head * head_dim * bytes_per_element
