"""Reference of the INT8 quantized vector add (Module 1.5's capstone): kernels/int8_add.py.

The quantization helpers run on the host in torch; `int8_add` launches the Triton kernel.
"""


def choose_qparams(x):
    from kernels.int8_add import choose_qparams

    return choose_qparams(x)


def quantize(x, scale, zero_point):
    from kernels.int8_add import quantize

    return quantize(x, scale, zero_point)


def dequantize(q, scale, zero_point):
    from kernels.int8_add import dequantize

    return dequantize(q, scale, zero_point)


def fixed_point_multipliers(a_scale, b_scale, out_scale):
    from kernels.int8_add import fixed_point_multipliers

    return fixed_point_multipliers(a_scale, b_scale, out_scale)


def int8_add(a_q, b_q, a_scale, a_zero, b_scale, b_zero, out_scale, out_zero):
    from kernels.int8_add import int8_add

    return int8_add(a_q, b_q, a_scale, a_zero, b_scale, b_zero, out_scale, out_zero)
