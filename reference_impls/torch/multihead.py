"""Single-head and multi-head self/cross-attention modules.

    head_i = Attention(X_q W_i^Q, X_kv W_i^K, X_kv W_i^V);   MultiHead = Concat(head_1..head_h) W^O
                                                              (Vaswani et al. 2017, Sec. 3.2.2)

One (E, 3E) projection computes Q, K and V for every head at once; its output is split into heads by
a view (B, T, E) -> (B, T, nh, hs) and a transpose to (B, nh, T, hs), so head h owns features
h*hs .. (h+1)*hs - 1 of each projection. The heads run as one batched matmul and are concatenated
back by the inverse transpose and view.

Source: the layout of torch.nn.MultiheadAttention (batch_first=True): in_proj holds W^Q; W^K; W^V
stacked by rows, out_proj is W^O, key_padding_mask is True where a key is padding (to ignore), the
returned weights are averaged over heads. SingleHeadAttention is the `Head` of Karpathy's "Let's
build GPT" (key / query / value without bias). Limits: no dropout, no kdim / vdim != embed_dim, no
float attn_mask (is_causal only).
"""

from torch import nn

from reference_impls.torch.attention import attention_weights


class SingleHeadAttention(nn.Module):
    def __init__(self, n_embd, head_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)

    def forward(self, x, is_causal=True):
        """x (B, T, C) -> (B, T, head_size); scores scaled by 1 / sqrt(head_size)."""
        q, k, v = self.query(x), self.key(x), self.value(x)  # (B, T, hs)
        return attention_weights(q, k, is_causal=is_causal) @ v


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, bias=True):
        super().__init__()
        assert embed_dim % num_heads == 0, "embed_dim must be divisible by num_heads"
        self.num_heads = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)  # W^Q; W^K; W^V
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)  # W^O

    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        """query (B, L, E), key / value (B, S, E) -> (out (B, L, E), weights (B, L, S) averaged over heads)."""
        B, L, E = query.shape
        S, nh = key.size(1), self.num_heads
        w_q, w_k, w_v = self.in_proj.weight.chunk(3)
        b_q, b_k, b_v = self.in_proj.bias.chunk(3) if self.in_proj.bias is not None else (None,) * 3
        q = nn.functional.linear(query, w_q, b_q).view(B, L, nh, E // nh).transpose(1, 2)  # (B, nh, L, hs)
        k = nn.functional.linear(key, w_k, b_k).view(B, S, nh, E // nh).transpose(1, 2)  # (B, nh, S, hs)
        v = nn.functional.linear(value, w_v, b_v).view(B, S, nh, E // nh).transpose(1, 2)  # (B, nh, S, hs)
        mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]  # True = attend
        att = attention_weights(q, k, mask, is_causal)  # (B, nh, L, S)
        y = (att @ v).transpose(1, 2).reshape(B, L, E)  # concatenate the heads: (B, L, nh * hs)
        return self.out_proj(y), att.mean(dim=1)

    def self_attention(self, x, key_padding_mask=None, is_causal=False):
        return self(x, x, x, key_padding_mask, is_causal)[0]
