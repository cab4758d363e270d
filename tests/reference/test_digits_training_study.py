"""The digits_training_study reference against torch's functional norms, hand-written update rules, scipy."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
stats = pytest.importorskip("scipy.stats")
F = torch.nn.functional

from reference_impls.torch import digits_training_study as ref  # noqa: E402


@pytest.mark.parametrize(
    ("norm", "functional"),
    [
        ("layer", lambda x: F.layer_norm(x, x.shape[1:])),
        ("group", lambda x: F.group_norm(x, 4)),
        ("batch", lambda x: F.batch_norm(x, None, None, training=True)),
    ],
)
def test_norms_match_torch_functional(norm, functional):
    model = ref.make_cnn(norm)
    x = torch.randn(5, 1, 8, 8)
    model.train()
    torch.testing.assert_close(model[1](model[0](x)), functional(model[0](x)))
    assert sum(p.numel() for p in model.parameters()) == 6_186
    assert sum(p.numel() for p in ref.make_cnn("none").parameters()) == 6_090


def test_adamw_decouples_and_adam_couples_weight_decay():
    """One step from zero moments: Adam's update is -lr * sign(g + wd w); AdamW's -lr * sign(g) - lr wd w."""
    lr, wd = 0.1, 0.5
    for name, expected in (
        ("adam", lambda w, g: w - lr * torch.sign(g + wd * w)),
        ("adamw", lambda w, g: w * (1 - lr * wd) - lr * torch.sign(g)),
    ):
        w = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
        g = torch.tensor([0.3, 0.1, -4.0], dtype=torch.float64)
        start = w.detach().clone()
        optimizer = ref.make_optimizer(name, [w], lr, wd)
        (w * g).sum().backward()
        optimizer.step()
        torch.testing.assert_close(w.detach(), expected(start, g), rtol=1e-6, atol=1e-6)


def test_schedules():
    cosine = [ref.lr_at("cosine", s, 20, 1.0, warmup=4) for s in range(20)]
    assert (
        cosine[:4] == [0.25, 0.5, 0.75, 1.0]
        and cosine[4] == 1.0
        and cosine[-1] == pytest.approx(0.5 * (1 + math.cos(math.pi * 15 / 16)))
    )
    step = [ref.lr_at("step", s, 8, 1.0) for s in range(8)]
    assert step == pytest.approx([1, 1, 1, 1, 0.1, 0.1, 0.01, 0.01])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([0.9, 0.92, 0.95, 0.91], [0.85, 0.88, 0.86, 0.9, 0.87]),
        ([0.8, 0.99, 0.7, 0.95], [0.88, 0.89, 0.885]),
        ([1, 2], [5, 9]),
    ],
)
def test_welch_matches_scipy(a, b):
    t, df, p = ref.welch_t_test(a, b)
    expected = stats.ttest_ind(a, b, equal_var=False)
    assert t == pytest.approx(expected.statistic, rel=1e-9)
    assert p == pytest.approx(expected.pvalue, rel=1e-9)
    assert df == pytest.approx(expected.df, rel=1e-9)


def test_summarize():
    runs = {"base": [0.9, 0.91, 0.92], "better": [0.95, 0.96, 0.97]}
    table = ref.summarize(runs, "base")
    assert table["base"] == pytest.approx((0.91, 0.01, 1.0))
    assert table["better"][2] == pytest.approx(stats.ttest_ind(runs["better"], runs["base"], equal_var=False).pvalue)
    assert np.isclose(table["better"][1], np.std(runs["better"], ddof=1))


def test_both_configurations_reach_the_threshold():
    from reference_impls.exercises.digits_lenet import _data
    from reference_impls.exercises.digits_training_study import THRESHOLD, train_cases

    X, y, X_test, y_test = _data()
    for case in train_cases():
        assert ref.train(case.kwargs["config"], X, y, X_test, y_test) >= THRESHOLD
