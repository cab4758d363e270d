"""The char_rnn_variants reference: closed-form counts, attention against torch's SDPA, the milestone."""

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from reference_impls.torch import char_rnn_variants as ref  # noqa: E402


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("attention", [False, True])
def test_parameter_count_matches_the_models(cell, attention):
    for hidden in (1, 7, 40):
        model = ref.CharRNN(58, cell, hidden, 16, attention)
        assert ref.parameter_count(cell, 58, hidden, 16, attention) == sum(p.numel() for p in model.parameters())
    H = ref.hidden_for_budget(cell, 58, 6000, attention=attention)
    assert (
        ref.parameter_count(cell, 58, H, attention=attention)
        <= 6000
        < ref.parameter_count(cell, 58, H + 1, attention=attention)
    )


def test_attention_matches_causal_sdpa():
    torch.manual_seed(0)
    model = ref.CharRNN(20, "lstm", 8, 5, attention=True).eval()
    X = torch.randint(0, 20, (2, 9))
    with torch.no_grad():
        h, _ = model.rnn(model.embedding(X))
        context = F.scaled_dot_product_attention(h, h, h, is_causal=True)
        torch.testing.assert_close(model(X), model.out(torch.cat([h, context], dim=-1)))


def test_budget_too_small():
    with pytest.raises(ValueError):
        ref.hidden_for_budget("lstm", 58, 100)


def test_the_four_variants_learn():
    from reference_impls.exercises.char_rnn_variants import _judge_train, _train

    assert _judge_train(None, _train(ref), None) is None
