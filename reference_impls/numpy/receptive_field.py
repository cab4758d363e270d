"""Receptive field of a stack of conv / pool layers, layer by layer, in plain Python.

For layer l with kernel k, stride s, dilation d (effective kernel k_eff = d (k - 1) + 1), and
j = the input-pixel distance between neighbouring units (the "jump"), r = receptive field size:
    r_l = r_{l-1} + (k_eff - 1) * j_{l-1}        r_0 = 1
    j_l = j_{l-1} * s                            j_0 = 1
    start_l = start_{l-1} + ((k_eff - 1) / 2 - p) * j_{l-1}   (centre of the first unit's field)
Spatial size: n_l = floor((n_{l-1} + 2 p - k_eff) / s) + 1.

Worked example (in the tests): five 3x3 convs, strides 1, 2, 1, 2, 1:
    r = 1 -> 3 -> 5 -> 9 -> 13 -> 21 input pixels; jumps 1, 2, 2, 4, 4.

Source: Dumoulin & Visin 2016, "A guide to convolution arithmetic" (arXiv:1603.07285); Araujo et
al. 2019, "Computing Receptive Fields of CNNs" (Distill). This is the theoretical field: the
effective receptive field (Luo et al. 2016) is smaller and roughly Gaussian.
"""

from dataclasses import dataclass


@dataclass
class Layer:
    kernel: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1


def receptive_fields(layers, input_size=None):
    """A list, one dict per layer: r (field size), jump, start, and size when input_size is given."""
    r, j, start, n = 1, 1, 0.5, input_size
    out = []
    for L in layers:
        k_eff = L.dilation * (L.kernel - 1) + 1
        r = r + (k_eff - 1) * j
        start = start + ((k_eff - 1) / 2 - L.padding) * j
        j = j * L.stride
        if n is not None:
            n = (n + 2 * L.padding - k_eff) // L.stride + 1
        out.append({"r": r, "jump": j, "start": start, "size": n})
    return out


def receptive_field(layers):
    return receptive_fields(layers)[-1]["r"] if layers else 1
