"""Wrong: r grows by k_eff - 1 at every layer, as if every earlier stride were 1: the strides' jumps are ignored."""

from reference_impls.numpy.receptive_field import receptive_fields as _ref

EXPECTED_HINT = "times the jump"


def receptive_fields(layers, input_size=None):
    out, r = [], 1
    for L, ref in zip(layers, _ref(layers, input_size)):
        r = r + L.dilation * (L.kernel - 1)  # the mistake: (k_eff - 1) * jump
        out.append({**ref, "r": r})
    return out


def receptive_field(layers):
    return receptive_fields(layers)[-1]["r"] if layers else 1
