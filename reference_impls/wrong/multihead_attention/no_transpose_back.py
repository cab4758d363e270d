"""Wrong: concatenates the heads with a reshape of (B, nh, L, hs) straight to (B, L, E), no transpose back."""

from torch import nn

from reference_impls.torch import multihead
from reference_impls.torch.multihead import SingleHeadAttention, attention_weights  # noqa: F401 - as in the reference

EXPECTED_HINT = "heads concatenated without transposing back"


class MultiHeadAttention(multihead.MultiHeadAttention):
    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        B, L, E = query.shape
        S, nh = key.size(1), self.num_heads
        w_q, w_k, w_v = self.in_proj.weight.chunk(3)
        b_q, b_k, b_v = self.in_proj.bias.chunk(3) if self.in_proj.bias is not None else (None,) * 3
        q = nn.functional.linear(query, w_q, b_q).view(B, L, nh, E // nh).transpose(1, 2)
        k = nn.functional.linear(key, w_k, b_k).view(B, S, nh, E // nh).transpose(1, 2)
        v = nn.functional.linear(value, w_v, b_v).view(B, S, nh, E // nh).transpose(1, 2)
        mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
        att = attention_weights(q, k, mask, is_causal)
        y = (att @ v).reshape(B, L, E)  # the mistake: (B, nh, L, hs) read as (B, L, E), no .transpose(1, 2) first
        return self.out_proj(y), att.mean(dim=1)
