"""The char_wavenet reference against torch: nn.BatchNorm1d, nn.init, Conv1d of kernel 2, the milestone."""

import math

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from reference_impls.torch import char_wavenet as ref  # noqa: E402


@pytest.mark.parametrize("shape", [(32, 16), (8, 4, 16), (2, 5)])
def test_batchnorm_matches_torch(shape):
    g = torch.Generator().manual_seed(0)
    C = shape[-1]
    mine, theirs = ref.BatchNorm1d(C, momentum=0.3), nn.BatchNorm1d(C, momentum=0.3)
    with torch.no_grad():
        for bn in (mine, theirs):
            bn.weight.copy_(torch.linspace(0.5, 2.0, C))
            bn.bias.copy_(torch.linspace(-1.0, 1.0, C))
    for _ in range(3):
        x = 5 + 2 * torch.randn(shape, generator=g)
        # torch wants (B, C, T) for a sequence
        expected = theirs(x) if x.dim() == 2 else theirs(x.transpose(1, 2)).transpose(1, 2)
        torch.testing.assert_close(mine(x), expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(mine.running_mean, theirs.running_mean)
    torch.testing.assert_close(mine.running_var, theirs.running_var)
    mine.eval(), theirs.eval()
    x = torch.randn(shape, generator=g)
    expected = theirs(x) if x.dim() == 2 else theirs(x.transpose(1, 2)).transpose(1, 2)
    torch.testing.assert_close(mine(x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("strategy", ["kaiming", "xavier", "naive"])
def test_init_matches_torch_init_statistics(strategy):
    gain = nn.init.calculate_gain("tanh")
    mine, theirs = torch.empty(300, 700), torch.empty(300, 700)
    torch.manual_seed(0)
    ref.init_weight_(mine, strategy, gain)
    if strategy == "kaiming":
        nn.init.kaiming_normal_(theirs, nonlinearity="tanh")  # fan_in mode: std = gain / sqrt(fan_in)
    elif strategy == "xavier":
        nn.init.xavier_uniform_(theirs, gain=gain)
        assert mine.abs().max() <= gain * math.sqrt(6 / 1000)
    else:
        nn.init.normal_(theirs, std=gain)
    assert mine.std().item() == pytest.approx(theirs.std().item(), rel=0.02)
    within = [(w.abs() < w.std()).float().mean().item() for w in (mine, theirs)]
    assert within[0] == pytest.approx(within[1], abs=0.01)


def test_flatten_consecutive_is_a_stride_2_kernel_2_convolution():
    """A Linear after FlattenConsecutive(2) equals Conv1d(kernel 2, stride 2) with the same weights."""
    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, 8, 5, generator=g)
    linear = nn.Linear(10, 7)
    conv = nn.Conv1d(5, 7, kernel_size=2, stride=2)
    with torch.no_grad():  # Linear's input is [step t features, step t+1 features]
        conv.weight.copy_(linear.weight.view(7, 2, 5).transpose(1, 2))
        conv.bias.copy_(linear.bias)
    torch.testing.assert_close(linear(ref.FlattenConsecutive(2)(x)), conv(x.transpose(1, 2)).transpose(1, 2))
    assert ref.FlattenConsecutive(8)(x).shape == (3, 40)
    assert ref.FlattenConsecutive(2)(x[:1, :2]).shape == (1, 10)


def test_batchnorm_keeps_tanh_out_of_saturation():
    from reference_impls.exercises.char_wavenet import _stats

    naive, with_bn = _stats(ref, "naive"), _stats(ref, "naive_bn")
    assert naive["saturated"].min() > 0.7 and with_bn["saturated"].max() < 0.1
    # without batch norm the gradient shrinks layer by layer towards the input; with it, it stays level
    assert naive["grad_std"][-1] / naive["grad_std"][0] < 0.2 < 0.7 < with_bn["grad_std"][-1] / with_bn["grad_std"][0]


def test_wavenet_initial_loss_and_milestone():
    from reference_impls.data import CHAR_LM_THRESHOLD
    from reference_impls.exercises.char_mlp import _tokens
    from reference_impls.torch.char_mlp import split_loss

    V, train, held_out = _tokens()
    torch.manual_seed(0)
    model = ref.WaveNet(V)
    assert sum(p.numel() for p in model.parameters()) == 22_398
    assert split_loss(model, held_out, 8) == pytest.approx(math.log(V), abs=0.05)
    assert split_loss(ref.train_wavenet(train, V), held_out, 8) < CHAR_LM_THRESHOLD


def test_wavenet_reads_eight_steps_back_where_a_block_3_mlp_cannot():
    from reference_impls.exercises.char_wavenet import LONG_RANGE_LOSS, _long_range

    losses = _long_range(ref)
    assert losses["wavenet"] < LONG_RANGE_LOSS
    assert losses["mlp_block_3"] > math.log(10) - 0.1  # no better than the uniform guess
