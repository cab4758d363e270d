"""Wrong: the hidden activation's range calibrated before the ReLU: its zero point is no longer 0, so the
requantize's clamp at 0 no longer performs the ReLU."""

from reference_impls.torch.static_ptq import (  # noqa: F401 - the learner's other entry points
    _values,
    calculate_qparams,
    dequantize,
    dynamic_int8_linear,
    int8_linear,
    int_accumulate,
    minmax_observer,
    model_size_bytes,
    moving_average_observer,
    mse_observer,
    percentile_observer,
    quantize,
)

EXPECTED_HINT = "the hidden range was observed before the ReLU"


def ptq_mlp(w1, b1, w2, b2, calib_x, x, per_channel=False):
    """Static PTQ of Linear-ReLU-Linear: calibrate on calib_x (min-max), run x in integers, dequantize.

    -> logits (len(x), classes) in x's dtype: the int8 model's, s_y (y_q - z_y).
    """
    w_axis = 0 if per_channel else None
    in_scale, in_zp = calculate_qparams(*minmax_observer([calib_x]))
    h = calib_x @ w1.T + b1  # the mistake: torch.relu(calib_x @ w1.T + b1)
    h_scale, h_zp = calculate_qparams(*minmax_observer([h]))
    out_scale, out_zp = calculate_qparams(*minmax_observer([h @ w2.T + b2]))

    def weight(w):
        lo, hi = minmax_observer([w], ch_axis=w_axis)
        scale, zp = calculate_qparams(lo, hi, -128, 127, symmetric=True)
        return quantize(w, scale, zp, -128, 127, axis=w_axis), scale

    (w1_q, w1_scale), (w2_q, w2_scale) = weight(w1), weight(w2)
    x_q = quantize(x, in_scale, in_zp)
    h_q = int8_linear(x_q, in_scale, in_zp, w1_q, w1_scale, b1, h_scale, h_zp)  # ReLU: clamped at z = 0
    y_q = int8_linear(h_q, h_scale, h_zp, w2_q, w2_scale, b2, out_scale, out_zp)
    return dequantize(y_q, out_scale, out_zp)
