"""Wrong: the Annotated Transformer's encoding as written there, with positions and frequencies in float32
(torch.arange's default), so a float64 encoding is right only to float32 precision."""

import math

import torch

from reference_impls.torch.positions import LearnedPositionalEmbedding  # noqa: F401 - as in the reference

EXPECTED_HINT = "computed in float32"


def sinusoidal_encoding(T, d, base=10000.0, dtype=torch.float32):
    pe = torch.zeros(T, d)
    position = torch.arange(0, T, dtype=torch.float).unsqueeze(1)  # the mistake: dtype=torch.float64
    div_term = torch.exp(torch.arange(0, d, 2).float() * -(math.log(base) / d))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: d // 2])
    return pe.to(dtype)
