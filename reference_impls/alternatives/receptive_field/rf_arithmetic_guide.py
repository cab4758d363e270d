"""Correct, laid out as in Dang Ha The Hien's "A guide to receptive field arithmetic for CNNs": each layer maps
a (n, j, r, start) tuple to the next with an outFromIn function, printed as a table. The start uses the
layer's explicit LEFT padding, as PyTorch pads (the guide derives pL from the padding actually consumed,
which assumes TensorFlow's SAME padding)."""

import math


def _out_from_in(layer, layer_in):
    n_in, j_in, r_in, start_in = layer_in
    k = layer.dilation * (layer.kernel - 1) + 1
    s, p = layer.stride, layer.padding
    n_out = None if n_in is None else math.floor((n_in - k + 2 * p) / s) + 1
    j_out = j_in * s
    r_out = r_in + (k - 1) * j_in
    start_out = start_in + ((k - 1) / 2 - p) * j_in
    return n_out, j_out, r_out, start_out


def receptive_fields(layers, input_size=None):
    layer_info = (input_size, 1, 1, 0.5)
    table = []
    for layer in layers:
        layer_info = _out_from_in(layer, layer_info)
        n, j, r, start = layer_info
        table.append({"size": n, "jump": j, "r": r, "start": start})
    return table


def receptive_field(layers):
    table = receptive_fields(layers)
    return table[-1]["r"] if table else 1
