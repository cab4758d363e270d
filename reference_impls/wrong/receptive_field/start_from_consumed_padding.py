"""Wrong: the start computed with the guide's pL = floor(actualP / 2), the padding actually consumed (TensorFlow's
SAME padding), instead of the layer's own left padding: wrong whenever a stride leaves padding unused."""

import math

from reference_impls.numpy.receptive_field import receptive_field  # noqa: F401 - right for r

EXPECTED_HINT = "the layer's own left padding"


def receptive_fields(layers, input_size=None):
    n, j, r, start = input_size, 1, 1, 0.5
    out = []
    for L in layers:
        k = L.dilation * (L.kernel - 1) + 1
        r = r + (k - 1) * j
        if n is not None:
            n_out = (n + 2 * L.padding - k) // L.stride + 1
            actual_p = (n_out - 1) * L.stride - n + k
            p_left = math.floor(actual_p / 2)  # the mistake: not L.padding
            n = n_out
        else:
            p_left = L.padding
        start = start + ((k - 1) / 2 - p_left) * j
        j = j * L.stride
        out.append({"r": r, "jump": j, "start": start, "size": n})
    return out
