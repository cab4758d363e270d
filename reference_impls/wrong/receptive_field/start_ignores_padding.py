"""Wrong: the centre of the first field moves by (k_eff - 1) / 2 * jump, ignoring that padding shifts it back."""

from reference_impls.numpy.receptive_field import receptive_field  # noqa: F401
from reference_impls.numpy.receptive_field import receptive_fields as _ref

EXPECTED_HINT = "padding moves the centre back"


def receptive_fields(layers, input_size=None):
    out, start, j = [], 0.5, 1
    for L, ref in zip(layers, _ref(layers, input_size)):
        start = start + (L.dilation * (L.kernel - 1)) / 2 * j  # the mistake: - padding missing
        j = j * L.stride
        out.append({**ref, "start": start})
    return out
