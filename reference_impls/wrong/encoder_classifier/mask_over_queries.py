"""Wrong: the extended mask is shaped (B, 1, T, 1): it masks the padded QUERIES' rows, and every query still sees the padded keys."""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED_HINT = "over the queries"
ALSO_APPLIES = ("padding is attended",)


@dataclass
class EncoderClassifierConfig:
    vocab_size: int = 32
    max_len: int = 16
    d_model: int = 16
    n_head: int = 2
    n_layer: int = 2
    d_ff: int = 64
    n_classes: int = 3
    pad_id: int = 0


class SelfAttention(nn.Module):
    def __init__(self, hidden_size, num_attention_heads):
        super().__init__()
        self.num_attention_heads = num_attention_heads
        self.attention_head_size = hidden_size // num_attention_heads
        self.in_proj = nn.Linear(hidden_size, 3 * hidden_size)  # query, key, value stacked
        self.out_proj = nn.Linear(hidden_size, hidden_size)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, extended_attention_mask):
        query, key, value = self.in_proj(hidden_states).chunk(3, dim=-1)
        query_layer = self.transpose_for_scores(query)
        key_layer = self.transpose_for_scores(key)
        value_layer = self.transpose_for_scores(value)
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + extended_attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        context_layer = torch.matmul(attention_probs, value_layer).permute(0, 2, 1, 3).contiguous()
        context_layer = context_layer.view(context_layer.size()[:-2] + (-1,))
        return self.out_proj(context_layer)


class Intermediate(nn.Module):
    def __init__(self, hidden_size, intermediate_size):
        super().__init__()
        self.c_fc = nn.Linear(hidden_size, intermediate_size)
        self.c_proj = nn.Linear(intermediate_size, hidden_size)

    def forward(self, hidden_states):
        return self.c_proj(F.gelu(self.c_fc(hidden_states)))


class Layer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attn = SelfAttention(config.d_model, config.n_head)
        self.ln_1 = nn.LayerNorm(config.d_model)
        self.mlp = Intermediate(config.d_model, config.d_ff)
        self.ln_2 = nn.LayerNorm(config.d_model)

    def forward(self, hidden_states, extended_attention_mask):
        attention_output = self.ln_1(self.attn(hidden_states, extended_attention_mask) + hidden_states)
        return self.ln_2(self.mlp(attention_output) + attention_output)


class EncoderClassifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.d_model)
        self.pos_emb = nn.Embedding(config.max_len, config.d_model)
        self.emb_ln = nn.LayerNorm(config.d_model)
        self.layers = nn.ModuleList([Layer(config) for _ in range(config.n_layer)])
        self.pooler = nn.Linear(config.d_model, config.d_model)
        self.classifier = nn.Linear(config.d_model, config.n_classes)

    def get_extended_attention_mask(self, attention_mask, dtype):
        extended_attention_mask = attention_mask[:, None, :, None].to(
            dtype
        )  # the mistake: (B, 1, T, 1), over the queries
        return (1.0 - extended_attention_mask) * torch.finfo(dtype).min

    def forward(self, idx):
        attention_mask = (idx != self.config.pad_id).long()
        position_ids = torch.arange(idx.size(1), device=idx.device).unsqueeze(0)
        hidden_states = self.emb_ln(self.tok_emb(idx) + self.pos_emb(position_ids))
        extended_attention_mask = self.get_extended_attention_mask(attention_mask, hidden_states.dtype)
        for layer in self.layers:
            hidden_states = layer(hidden_states, extended_attention_mask)
        pooled_output = torch.tanh(self.pooler(hidden_states[:, 0]))
        return self.classifier(pooled_output)
