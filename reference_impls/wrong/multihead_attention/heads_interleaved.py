"""Wrong: splits each projection into heads with view(B, T, hs, nh), so head h gets every nh-th feature."""

from torch import nn

from reference_impls.torch import multihead
from reference_impls.torch.multihead import SingleHeadAttention, attention_weights  # noqa: F401 - as in the reference

EXPECTED_HINT = "heads split the wrong way"


class MultiHeadAttention(multihead.MultiHeadAttention):
    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        B, L, E = query.shape
        nh, hs = self.num_heads, E // self.num_heads
        b = self.in_proj.bias.chunk(3) if self.in_proj.bias is not None else (None,) * 3
        q, k, v = (
            # the mistake: view(B, T, hs, nh) then moving nh forward interleaves the heads' features
            nn.functional.linear(t, w, bb).view(B, t.size(1), hs, nh).permute(0, 3, 1, 2)
            for t, w, bb in zip((query, key, value), self.in_proj.weight.chunk(3), b)
        )
        mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
        att = attention_weights(q, k, mask, is_causal)
        y = (att @ v).transpose(1, 2).reshape(B, L, E)
        return self.out_proj(y), att.mean(dim=1)
