"""Correct, in Hugging Face transformers' style: a DynamicCache-like per-layer key_cache / value_cache list
concatenated on dim=-2, the mask built from cache_position (key j visible to the query at absolute position
p when j <= p), filled with finfo.min rather than -inf, a softmax upcast with promote_types and cast back."""

import torch
from torch import nn


class KVCache:
    def __init__(self):
        self.key_cache: list[torch.Tensor] = []
        self.value_cache: list[torch.Tensor] = []

    def get_seq_length(self):
        return self.key_cache[0].shape[-2] if self.key_cache else 0

    def __len__(self):
        return self.get_seq_length()

    def append(self, k, v):
        if not self.key_cache:
            self.key_cache.append(k)
            self.value_cache.append(v)
        else:
            self.key_cache[0] = torch.cat([self.key_cache[0], k], dim=-2)
            self.value_cache[0] = torch.cat([self.value_cache[0], v], dim=-2)
        return self.key_cache[0], self.value_cache[0]


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.head_dim = n_embd // n_head
        self.scaling = self.head_dim**-0.5
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)

    def forward(self, x, cache=None):
        bsz, q_len, _ = x.shape
        past = len(cache) if cache is not None else 0
        cache_position = torch.arange(past, past + q_len, device=x.device)
        hidden_shape = (bsz, q_len, -1, self.head_dim)
        q, k, v = self.c_attn(x).chunk(3, dim=-1)
        query_states = q.view(hidden_shape).transpose(1, 2)
        key_states = k.view(hidden_shape).transpose(1, 2)
        value_states = v.view(hidden_shape).transpose(1, 2)
        if cache is not None:
            key_states, value_states = cache.append(key_states, value_states)
        kv_len = key_states.shape[-2]
        causal_mask = torch.arange(kv_len, device=x.device)[None, :] <= cache_position[:, None]
        attn_weights = torch.matmul(query_states, key_states.transpose(2, 3)) * self.scaling
        attn_weights = attn_weights.masked_fill(~causal_mask, torch.finfo(attn_weights.dtype).min)
        attn_weights = nn.functional.softmax(
            attn_weights, dim=-1, dtype=torch.promote_types(x.dtype, torch.float32)
        ).to(x.dtype)
        attn_output = torch.matmul(attn_weights, value_states)
        attn_output = attn_output.transpose(1, 2).reshape(bsz, q_len, -1).contiguous()
        return self.c_proj(attn_output)


def kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2):
    return 2 * n_layer * n_kv_head * head_dim * seq_len * batch * bytes_per_element
