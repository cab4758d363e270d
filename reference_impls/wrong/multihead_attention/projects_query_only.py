"""Wrong: q, k, v = in_proj(query).chunk(3): right for self-attention, but K and V must come from key and value."""

from reference_impls.torch import multihead
from reference_impls.torch.multihead import SingleHeadAttention, attention_weights  # noqa: F401 - as in the reference

EXPECTED_HINT = "K and V projected from the query"


class MultiHeadAttention(multihead.MultiHeadAttention):
    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        B, L, E = query.shape
        nh = self.num_heads
        # the mistake: one projection of the query serves all three (nanoGPT's c_attn idiom, self-attention only)
        q, k, v = (t.view(B, L, nh, E // nh).transpose(1, 2) for t in self.in_proj(query).chunk(3, dim=-1))
        mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
        att = attention_weights(q, k, mask, is_causal)
        y = (att @ v).transpose(1, 2).reshape(B, L, E)
        return self.out_proj(y), att.mean(dim=1)
