"""Wrong: the output size computed with the kernel, not the effective (dilated) kernel."""

from reference_impls.numpy.receptive_field import receptive_field  # noqa: F401 - right

EXPECTED_HINT = "the output size shrinks by the EFFECTIVE kernel"


def receptive_fields(layers, input_size=None):
    r, j, start, n = 1, 1, 0.5, input_size
    out = []
    for L in layers:
        k_eff = L.dilation * (L.kernel - 1) + 1
        r = r + (k_eff - 1) * j
        start = start + ((k_eff - 1) / 2 - L.padding) * j
        j = j * L.stride
        if n is not None:
            n = (n + 2 * L.padding - L.kernel) // L.stride + 1  # the mistake: kernel, not k_eff
        out.append({"r": r, "jump": j, "start": start, "size": n})
    return out
