"""Reference of the W4A16 exercise: kernels/w4a16_matmul.py (int4 packing, group-wise quantization, the kernel)."""


def pack_int4(q):
    from kernels.w4a16_matmul import pack_int4

    return pack_int4(q)


def unpack_int4(packed, k):
    from kernels.w4a16_matmul import unpack_int4

    return unpack_int4(packed, k)


def quantize_w4(w, group_size):
    from kernels.w4a16_matmul import quantize_w4

    return quantize_w4(w, group_size)


def dequantize_w4(packed, scales, zeros, group_size, k):
    from kernels.w4a16_matmul import dequantize_w4

    return dequantize_w4(packed, scales, zeros, group_size, k)


def w4a16_matmul(x, packed, scales, zeros, group_size):
    from kernels.w4a16_matmul import w4a16_matmul

    return w4a16_matmul(x, packed, scales, zeros, group_size)
