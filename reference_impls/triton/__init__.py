"""The Triton exercises' references and oracles.

The kernels themselves live in `kernels/` (one module per kernel, with its launcher). The modules
here are what the exercise specs name:

    vector_add.py, int8_add.py, softmax.py, matmul_naive.py   `reference`: the entry points, each a
        thin function that imports its kernel module when first called, so that importing a
        reference imports neither torch nor triton, and the kernel module is decorated only after
        the child has chosen CUDA or the interpreter (app/verify/sandbox/triton_mode.py)
    oracles.py   `oracle`: the same entry points in plain PyTorch, which compute the expected outputs
        (so `learn verify --reference` checks the kernels against PyTorch, and the expected
        outputs cost no interpreter time)
"""
