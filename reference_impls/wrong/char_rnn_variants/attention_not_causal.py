"""Attention over every step of the sequence, the future included: the model reads the characters it predicts."""

import math

import torch

from reference_impls.torch.char_rnn_variants import CharRNN as _CharRNN
from reference_impls.torch.char_rnn_variants import hidden_for_budget, parameter_count, train_all  # noqa: F401

EXPECTED_HINT = "the attention sees the future"


class CharRNN(_CharRNN):
    def forward(self, X):
        h, _ = self.rnn(self.embedding(X))
        if self.attention:
            scores = h @ h.transpose(1, 2) / math.sqrt(h.shape[-1])  # the mistake: no causal mask
            h = torch.cat([h, scores.softmax(dim=-1) @ h], dim=-1)
        return self.out(h)
