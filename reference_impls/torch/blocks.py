"""The transformer block: attention and a position-wise MLP, each with a residual and a LayerNorm.

    post-norm (Vaswani et al. 2017, Sec. 3.1; BERT):   x = LN(x + Attn(x));    x = LN(x + MLP(x))
    pre-norm  (GPT-2, Sec. 2.3; most LLMs since):       x = x + Attn(LN(x));    x = x + MLP(LN(x))

Pre-norm keeps an identity path from the input to the output (the residual stream is never
normalized), which trains deep stacks without warm-up tricks (Xiong et al. 2020); such models put a
last LayerNorm after the stack (GPT-2's ln_f). The MLP is Linear(d, d_ff) -> activation ->
Linear(d_ff, d), d_ff = 4 d by default: ReLU in the original Transformer, exact GELU in BERT,
GELU's tanh approximation in GPT-2.

Source: as torch.nn.TransformerEncoderLayer(batch_first=True, dropout=0, norm_first=...) (checked
against it with copied weights), with nanoGPT's names (ln_1, attn, ln_2, mlp.c_fc, mlp.c_proj).
Limits: no dropout; key_padding_mask is True at padding positions (nn.Transformer's convention).
"""

import torch
from torch import nn

from reference_impls.torch.multihead import MultiHeadAttention

ACTIVATIONS = {
    "relu": torch.relu,
    "gelu": nn.functional.gelu,
    "gelu_tanh": lambda x: nn.functional.gelu(x, approximate="tanh"),
}


class MLP(nn.Module):
    def __init__(self, n_embd, d_ff, activation="gelu", bias=True):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, d_ff, bias=bias)
        self.c_proj = nn.Linear(d_ff, n_embd, bias=bias)
        self.act = ACTIVATIONS[activation]

    def forward(self, x):
        return self.c_proj(self.act(self.c_fc(x)))  # (B, T, C) -> (B, T, d_ff) -> (B, T, C)


class Block(nn.Module):
    def __init__(self, n_embd, n_head, d_ff=None, norm_first=True, activation="gelu", bias=True):
        super().__init__()
        self.norm_first = norm_first
        self.ln_1 = nn.LayerNorm(n_embd, bias=bias)
        self.attn = MultiHeadAttention(n_embd, n_head, bias=bias)
        self.ln_2 = nn.LayerNorm(n_embd, bias=bias)
        self.mlp = MLP(n_embd, d_ff or 4 * n_embd, activation, bias)

    def forward(self, x, key_padding_mask=None, is_causal=False):
        """x (B, T, C) -> (B, T, C)."""
        if self.norm_first:
            x = x + self.attn.self_attention(self.ln_1(x), key_padding_mask, is_causal)
            x = x + self.mlp(self.ln_2(x))
        else:
            x = self.ln_1(x + self.attn.self_attention(x, key_padding_mask, is_causal))
            x = self.ln_2(x + self.mlp(x))
        return x
