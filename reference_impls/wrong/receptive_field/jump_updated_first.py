"""Wrong: multiplies the jump by the stride before growing r, so strides count one layer too early."""

EXPECTED_HINT = "r grows by (k_eff - 1) times the jump of the PREVIOUS layer"


def receptive_fields(layers, input_size=None):
    r, j, start, n = 1, 1, 0.5, input_size
    out = []
    for L in layers:
        k_eff = L.dilation * (L.kernel - 1) + 1
        j = j * L.stride
        r = r + (k_eff - 1) * j
        start = start + ((k_eff - 1) / 2 - L.padding) * j
        if n is not None:
            n = (n + 2 * L.padding - k_eff) // L.stride + 1
        out.append({"r": r, "jump": j, "start": start, "size": n})
    return out


def receptive_field(layers):
    return receptive_fields(layers)[-1]["r"] if layers else 1
