"""positions.py: the sinusoidal table against the paper's formula term by term; learned embeddings."""

import math

import pytest
import torch

from reference_impls.torch.positions import LearnedPositionalEmbedding, sinusoidal_encoding


@pytest.mark.parametrize("T, d", [(1, 2), (10, 8), (50, 16), (7, 5)])
def test_matches_the_formula(T, d):
    want = torch.zeros(T, d, dtype=torch.float64)
    for pos in range(T):
        for col in range(d):
            angle = pos / 10000 ** (2 * (col // 2) / d)
            want[pos, col] = math.sin(angle) if col % 2 == 0 else math.cos(angle)
    torch.testing.assert_close(sinusoidal_encoding(T, d, dtype=torch.float64), want, rtol=1e-12, atol=1e-12)
    assert sinusoidal_encoding(T, d).dtype == torch.float32


def test_relative_positions_are_a_rotation():
    # PE[pos + k] is a linear function of PE[pos], the same for every pos: a 2x2 rotation per pair.
    d, k = 8, 3
    pe = sinusoidal_encoding(20, d, dtype=torch.float64)
    for i in range(d // 2):
        w = 1 / 10000 ** (2 * i / d)
        rot = torch.tensor(
            [[math.cos(k * w), -math.sin(k * w)], [math.sin(k * w), math.cos(k * w)]], dtype=torch.float64
        )
        torch.testing.assert_close(pe[:-k, 2 * i : 2 * i + 2] @ rot, pe[k:, 2 * i : 2 * i + 2])


def test_hand_worked_values():
    pe = sinusoidal_encoding(2, 4, dtype=torch.float64)
    torch.testing.assert_close(
        pe,
        torch.tensor([[0, 1, 0, 1], [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)]], dtype=torch.float64),
    )


def test_learned_positions_add_the_table_and_stop_at_block_size():
    torch.manual_seed(0)
    emb = LearnedPositionalEmbedding(6, 4)
    x = torch.randn(2, 5, 4)
    torch.testing.assert_close(emb(x), x + emb.wpe.weight[:5])
    with pytest.raises(ValueError, match="block_size"):
        emb(torch.randn(1, 7, 4))
