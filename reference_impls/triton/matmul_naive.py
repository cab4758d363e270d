"""Reference of the naive-matmul exercise: kernels/matmul.py's matmul_naive (one program per element of C)."""


def matmul(a, b):
    from kernels.matmul import matmul_naive

    return matmul_naive(a, b)
