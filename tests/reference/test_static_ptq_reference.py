"""Static PTQ against torch.ao.quantization: the observers (MinMaxObserver, MovingAverageMinMaxObserver,
PerChannelMinMaxObserver) and their calculate_qparams; the percentile observer against numpy.percentile;
the MSE search against a brute-force NumPy loop (and no worse than HistogramObserver); the int8 linear
against torch.ao.nn.quantized.Linear; the whole MLP against torch.ao's eager-mode prepare / calibrate /
convert."""

import numpy as np
import pytest
import torch
from torch.ao.quantization import observer as ob

from reference_impls.torch import static_ptq as ptq

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


def _batches(seed, n=5, shape=(16, 12), shift=0.5):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=g) * (1 + k) + shift for k in range(n)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_minmax_and_moving_average_match_torch(seed):
    batches = _batches(seed)
    mm, ma = ob.MinMaxObserver(), ob.MovingAverageMinMaxObserver(averaging_constant=0.05)
    for b in batches:
        mm(b)
        ma(b)
    lo, hi = ptq.minmax_observer(batches)
    assert torch.equal(lo, mm.min_val) and torch.equal(hi, mm.max_val)
    lo, hi = ptq.moving_average_observer(batches, averaging_constant=0.05)
    torch.testing.assert_close((lo, hi), (ma.min_val, ma.max_val))


@pytest.mark.parametrize("ch_axis", [0, 1, -1])
def test_per_channel_minmax_matches_torch(ch_axis):
    batches = _batches(3, shape=(6, 7, 5))
    obs = ob.PerChannelMinMaxObserver(ch_axis=ch_axis, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
    for b in batches:
        obs(b)
    lo, hi = ptq.minmax_observer(batches, ch_axis=ch_axis)
    assert torch.equal(lo, obs.min_val) and torch.equal(hi, obs.max_val)
    scale, zp = ptq.calculate_qparams(lo, hi, -128, 127, symmetric=True)
    t_scale, t_zp = obs.calculate_qparams()
    torch.testing.assert_close(scale, t_scale)
    assert torch.equal(zp, t_zp.to(torch.int64))


@pytest.mark.parametrize(
    "dtype, qscheme, qmin, qmax, symmetric",
    [
        (torch.quint8, torch.per_tensor_affine, 0, 255, False),
        (torch.qint8, torch.per_tensor_affine, -128, 127, False),
        (torch.qint8, torch.per_tensor_symmetric, -128, 127, True),
        (torch.quint8, torch.per_tensor_symmetric, 0, 255, True),
    ],
)
@pytest.mark.parametrize("shift", [0.5, 4.0, -3.0])
def test_qparams_match_torch(dtype, qscheme, qmin, qmax, symmetric, shift):
    x = _batches(4, n=1, shift=shift)[0]
    obs = ob.MinMaxObserver(dtype=dtype, qscheme=qscheme)
    obs(x)
    scale, zp = ptq.calculate_qparams(*ptq.minmax_observer([x]), qmin, qmax, symmetric)
    t_scale, t_zp = obs.calculate_qparams()
    torch.testing.assert_close(scale, t_scale.reshape(()))
    assert int(zp) == int(t_zp)
    q = ptq.quantize(x, scale, zp, qmin, qmax)
    theirs = torch.quantize_per_tensor(x, float(scale), int(zp), dtype).int_repr().to(torch.int64)
    # symmetric over [-128, 127]: max|x| / s is exactly 127.5, a tie that x / s and x * (1 / s) break differently
    differs = q != theirs
    assert (q - theirs).abs().max() <= 1 and bool((x[differs].abs() == x.abs().max()).all())


def test_all_zero_range_gets_eps_scale():
    obs = ob.MinMaxObserver()
    obs(torch.zeros(5))
    scale, zp = ptq.calculate_qparams(*ptq.minmax_observer([torch.zeros(5)]))
    t_scale, t_zp = obs.calculate_qparams()
    torch.testing.assert_close(scale, t_scale.reshape(()))
    assert int(zp) == int(t_zp) == 0


def test_percentile_matches_numpy():
    batches = _batches(5, shift=2.0)
    values = torch.cat([b.reshape(-1) for b in batches]).numpy()
    for p in (99.0, 99.9, 100.0):
        lo, hi = ptq.percentile_observer(batches, p)
        np.testing.assert_allclose([lo.item(), hi.item()], np.percentile(values, [100 - p, p]), rtol=1e-5, atol=1e-6)


def _mse_brute_force(v, n_grid, qmin=0, qmax=255):
    """An independent NumPy loop: every shrinking a = k / n_grid of [min(v, 0), max(v, 0)]."""
    v = v.astype(np.float64)
    lo, hi = min(v.min(), 0.0), max(v.max(), 0.0)
    errors = []
    for k in range(1, n_grid + 1):
        a_lo, a_hi = lo * k / n_grid, hi * k / n_grid
        s = max((a_hi - a_lo) / (qmax - qmin), np.finfo(np.float32).eps)
        z = np.clip(qmin - np.round(a_lo / s), qmin, qmax)
        deq = (np.clip(np.round(v / s) + z, qmin, qmax) - z) * s
        errors.append(((deq - v) ** 2).mean())
    return np.array(errors)


def test_mse_search_finds_the_brute_force_optimum():
    x = torch.from_numpy(np.random.default_rng(6).standard_t(3, 4000))  # heavy tails
    for qmax in (255, 15):
        lo, hi = ptq.mse_observer([x], 0, qmax, n_grid=50)
        errors = _mse_brute_force(x.numpy(), 50, 0, qmax)
        k = int(np.argmin(errors)) + 1
        np.testing.assert_allclose([lo.item(), hi.item()], [x.min().item() * k / 50, x.max().item() * k / 50])
    assert k < 40  # at 4 bits clipping the tails pays: the range shrinks
    scale, zp = ptq.calculate_qparams(lo, hi, 0, 15)
    mm_scale, mm_zp = ptq.calculate_qparams(x.min(), x.max(), 0, 15)

    def mse(s, z):
        return ((ptq.dequantize(ptq.quantize(x, s, z, 0, 15), s, z) - x) ** 2).mean()

    assert mse(scale, zp) < 0.6 * mse(mm_scale, mm_zp)  # half the error of min-max


@pytest.mark.parametrize("per_channel", [False, True])
def test_int8_linear_matches_torch_quantized_linear(per_channel):
    torch.backends.quantized.engine = "x86" if "x86" in torch.backends.quantized.supported_engines else "qnnpack"
    g = torch.Generator().manual_seed(7)
    x, w, b = (
        torch.randn(9, 24, generator=g) + 0.3,
        torch.randn(10, 24, generator=g) * 0.2,
        torch.randn(10, generator=g),
    )
    x_scale, x_zp = ptq.calculate_qparams(*ptq.minmax_observer([x]))
    y_scale, y_zp = ptq.calculate_qparams(*ptq.minmax_observer([x @ w.T + b]))
    axis = 0 if per_channel else None
    w_scale, w_zp = ptq.calculate_qparams(*ptq.minmax_observer([w], ch_axis=axis), -128, 127, symmetric=True)
    w_q = ptq.quantize(w, w_scale, w_zp, -128, 127, axis=axis)
    x_q = ptq.quantize(x, x_scale, x_zp)
    mine = ptq.int8_linear(x_q, x_scale, x_zp, w_q, w_scale, b, y_scale, y_zp)

    if per_channel:
        qw = torch.quantize_per_channel(w, w_scale, w_zp, 0, torch.qint8)
    else:
        qw = torch.quantize_per_tensor(w, float(w_scale), 0, torch.qint8)
    assert (qw.int_repr().to(torch.int64) - w_q).abs().max() <= 1  # the 127.5 tie at each row's max|w|
    mine = ptq.int8_linear(x_q, x_scale, x_zp, qw.int_repr(), w_scale, b, y_scale, y_zp)  # the same codes as torch
    layer = torch.ao.nn.quantized.Linear(24, 10)
    layer.set_weight_bias(qw, b)
    layer.scale, layer.zero_point = float(y_scale), int(y_zp)
    theirs = layer(torch.quantize_per_tensor(x, float(x_scale), int(x_zp), torch.quint8)).int_repr().to(torch.int64)
    diff = (mine - theirs).abs()
    assert diff.max() <= 1 and (diff > 0).float().mean() < 0.05  # fbgemm adds the bias in float: ties differ by 1


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("reduce_range", [False, True])
def test_dynamic_linear_matches_torch_linear_dynamic(per_channel, reduce_range):
    torch.backends.quantized.engine = "x86" if "x86" in torch.backends.quantized.supported_engines else "qnnpack"
    g = torch.Generator().manual_seed(9)
    x, w = torch.randn(2, 9, 24, generator=g) + 0.3, torch.randn(10, 24, generator=g) * 0.2
    b = torch.randn(10, generator=g)
    axis = 0 if per_channel else None
    w_scale, w_zp = ptq.calculate_qparams(*ptq.minmax_observer([w], ch_axis=axis), -128, 127, symmetric=True)
    if per_channel:
        qw = torch.quantize_per_channel(w, w_scale.double(), w_zp, 0, torch.qint8)
    else:
        qw = torch.quantize_per_tensor(w, float(w_scale), 0, torch.qint8)
    theirs = torch.ops.quantized.linear_dynamic(x, torch.ops.quantized.linear_prepack(qw, b), reduce_range)
    mine = ptq.dynamic_int8_linear(x, qw.int_repr(), w_scale, b, qmax=127 if reduce_range else 255)
    torch.testing.assert_close(mine, theirs)


def test_accumulator_is_int32_and_does_not_overflow():
    x_q = torch.full((2, 512), 255, dtype=torch.int64)
    w_q = torch.full((3, 512), -128, dtype=torch.int64)
    acc = ptq.int_accumulate(x_q, 0, w_q)
    assert acc.dtype == torch.int32 and int(acc[0, 0]) == 255 * -128 * 512


def _mlp(seed):
    g = torch.Generator().manual_seed(seed)
    return (
        torch.randn(32, 64, generator=g) * 0.2,
        torch.randn(32, generator=g) * 0.1,
        torch.randn(10, 32, generator=g) * 0.3,
        torch.randn(10, generator=g) * 0.1,
        torch.rand(150, 64, generator=g) * 4,
        torch.rand(300, 64, generator=g) * 4,
    )


@pytest.mark.parametrize("per_channel", [False, True])
def test_mlp_matches_torch_eager_mode_static_quantization(per_channel):
    torch.backends.quantized.engine = "x86" if "x86" in torch.backends.quantized.supported_engines else "qnnpack"
    w1, b1, w2, b2, calib, x = _mlp(8)
    q = torch.ao.quantization
    model = torch.nn.Sequential(
        q.QuantStub(), torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10), q.DeQuantStub()
    )
    with torch.no_grad():
        model[1].weight.copy_(w1), model[1].bias.copy_(b1), model[3].weight.copy_(w2), model[3].bias.copy_(b2)
    model.eval()
    model = q.fuse_modules(model, [["1", "2"]])
    weight_observer = (
        ob.PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
        if per_channel
        else ob.MinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)
    )
    model.qconfig = q.QConfig(activation=ob.MinMaxObserver.with_args(dtype=torch.quint8), weight=weight_observer)
    q.prepare(model, inplace=True)
    model(calib)  # calibration
    q.convert(model, inplace=True)
    theirs = model(x)
    mine = ptq.ptq_mlp(w1, b1, w2, b2, calib, x, per_channel)
    step = (mine.max() - mine.min()) / 255
    assert (mine - theirs).abs().max() <= 2.01 * step  # a hidden code off by one can move a logit a step or two
    fp32 = torch.relu(x @ w1.T + b1) @ w2.T + b2
    assert (mine.argmax(1) == fp32.argmax(1)).float().mean() > 0.9


def test_model_size():
    fp32, int8 = ptq.model_size_bytes([(32, 64), (10, 32)], per_channel=False)
    assert fp32 == 4 * (32 * 64 + 32 + 10 * 32 + 10)
    assert int8 == (32 * 64 + 10 * 32) + 4 * (32 + 10) + 4 * 2
    assert ptq.model_size_bytes([(32, 64)], per_channel=True)[1] == 32 * 64 + 4 * 32 + 4 * 32


@pytest.mark.parametrize("dist", ["student_t", "laplace", "normal"])
def test_mse_search_beats_min_max_and_matches_histogram_observer(dist):
    """torch.ao's HistogramObserver also searches for the range of least L2 error (on a histogram): the
    grid search over shrunken min-max ranges does at least as well as it, and better than min-max."""
    rng = np.random.default_rng(7)
    draw = {"student_t": lambda: rng.standard_t(3, 20000), "laplace": lambda: rng.laplace(size=20000)}
    x = torch.from_numpy(draw.get(dist, lambda: rng.standard_normal(20000))().astype(np.float32))

    def mse(scale, zp):
        scale, zp = scale.reshape(()), zp.reshape(()).to(torch.int64)
        return float(((ptq.dequantize(ptq.quantize(x, scale, zp), scale, zp) - x) ** 2).mean())

    histogram = ob.HistogramObserver()
    histogram(x)
    mine = mse(*ptq.calculate_qparams(*ptq.mse_observer([x])))
    assert mine <= mse(*histogram.calculate_qparams()) * 1.001
    assert mine < mse(*ptq.calculate_qparams(x.min(), x.max()))


def test_quantize_dynamic_is_the_dynamic_linear_with_reduce_range():
    """What the task says of torch: quantize_dynamic's Linear quantizes x over [0, 127] (reduce_range) on x86."""
    if "x86" not in torch.backends.quantized.supported_engines:
        pytest.skip("reduce_range is fbgemm's / x86's")
    torch.backends.quantized.engine = "x86"
    torch.manual_seed(10)
    model = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(torch.nn.Linear(24, 10)), {torch.nn.Linear})
    layer = model[0]
    qw = layer.weight()
    x = torch.randn(7, 24)
    w_scale = torch.tensor(qw.q_scale()) if qw.qscheme() == torch.per_tensor_affine else qw.q_per_channel_scales()
    mine = ptq.dynamic_int8_linear(x, qw.int_repr(), w_scale.float(), layer.bias(), qmax=127)
    torch.testing.assert_close(model(x), mine)
