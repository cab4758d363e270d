"""makemore's bigram and MLP references against torch.bincount, F.nll_loss, Tensor.unfold and F.cross_entropy."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from reference_impls.torch import char_mlp as ref  # noqa: E402


def test_bigram_probs_are_smoothed_normalized_pair_counts():
    tokens = torch.randint(0, 6, (200,), generator=torch.Generator().manual_seed(0))
    counts = torch.bincount(tokens[:-1] * 6 + tokens[1:], minlength=36).reshape(6, 6).double()
    P = ref.bigram_probs(tokens, 6, smoothing=0.5)
    torch.testing.assert_close(P, (counts + 0.5) / (counts + 0.5).sum(1, keepdim=True))
    torch.testing.assert_close(P.sum(1), torch.ones(6, dtype=torch.float64))
    expected = F.nll_loss(torch.log(P[tokens[:-1]]), tokens[1:]).item()
    assert ref.bigram_nll(P, tokens) == pytest.approx(expected, rel=1e-12)


def test_dataset_windows_and_split_loss():
    tokens = torch.arange(10)
    X, Y = ref.build_dataset(tokens, 3)
    torch.testing.assert_close(X, tokens.unfold(0, 3, 1)[:-1])
    torch.testing.assert_close(Y, tokens[3:])
    torch.manual_seed(0)
    model = ref.CharMLP(10, block_size=3)
    with torch.no_grad():
        expected = F.cross_entropy(model(X), Y).item()
    assert ref.split_loss(model, tokens, 3) == pytest.approx(expected)
    assert sum(p.numel() for p in ref.CharMLP(58).parameters()) == 58 * 10 + 30 * 64 + 64 + 64 * 58 + 58


def test_the_trained_mlp_beats_the_bigram_on_held_out_text():
    from reference_impls.data import CHAR_LM_TEXT

    text = CHAR_LM_TEXT.read_text(encoding="utf-8")
    stoi = {c: i for i, c in enumerate(sorted(set(text)))}
    tokens = torch.tensor([stoi[c] for c in text])
    cut = int(0.9 * len(tokens))
    bigram = ref.bigram_nll(ref.bigram_probs(tokens[:cut], len(stoi)), tokens[cut:])
    mlp = ref.split_loss(ref.train_mlp(tokens[:cut], len(stoi)), tokens[cut:], 3)
    assert 2.3 < bigram < 2.6 and mlp < bigram - 0.15
