"""sliding_window.py against a per-query loop over the window's keys, and against full attention."""

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.sliding_window import sliding_window_attention, sliding_window_mask


def _slow(q, k, v, window, causal):
    T, hs = q.shape[-2:]
    out = torch.empty_like(q)
    for i in range(T):
        lo, hi = (max(0, i - window + 1), i + 1) if causal else (max(0, i - window), min(T, i + window + 1))
        w = torch.softmax(q[..., i : i + 1, :] @ k[..., lo:hi, :].transpose(-2, -1) / hs**0.5, dim=-1)
        out[..., i : i + 1, :] = w @ v[..., lo:hi, :]
    return out


@pytest.mark.parametrize("window", [1, 2, 3, 8, 20])
@pytest.mark.parametrize("causal", [True, False])
def test_matches_the_loop_over_each_window(window, causal):
    g = torch.Generator().manual_seed(window)
    q, k, v = (torch.randn(2, 3, 9, 4, generator=g, dtype=torch.float64) for _ in range(3))
    torch.testing.assert_close(sliding_window_attention(q, k, v, window, causal), _slow(q, k, v, window, causal))


def test_limits():
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(1, 2, 6, 4, generator=g) for _ in range(3))
    torch.testing.assert_close(
        sliding_window_attention(q, k, v, 6), F.scaled_dot_product_attention(q, k, v, is_causal=True)
    )
    torch.testing.assert_close(sliding_window_attention(q, k, v, 1), v)  # each token sees only itself
    torch.testing.assert_close(
        sliding_window_attention(q, k, v, 5, causal=False), F.scaled_dot_product_attention(q, k, v)
    )


def test_hand_worked_mask():
    assert sliding_window_mask(4, 2).int().tolist() == [[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]]
    assert sliding_window_mask(4, 1, causal=False).int().tolist() == [
        [1, 1, 0, 0],
        [1, 1, 1, 0],
        [0, 1, 1, 1],
        [0, 0, 1, 1],
    ]
