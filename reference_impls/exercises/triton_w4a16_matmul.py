"""Exercise: W4A16, int4 weights packed two per byte with group-wise scales and zero points, unpacked in a
Triton matmul's registers; the packing, unpacking and quantization in PyTorch."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Benchmark, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._triton import (
    NOT_LAUNCHED_HINT,
    PREAMBLE,
    case,
    kernel_call,
    not_launched,
    out_of_bounds,
    seeded,
)

SCAFFOLD = """
@triton.jit
def w4a16_matmul_kernel(
    x_ptr, w_ptr, s_ptr, z_ptr, y_ptr,  # x (M, K); packed (N, ceil(K/2)) uint8; scales, zeros (N, G); y (M, N)
    M, N, K,
    group_size,
    stride_xm, stride_xk,
    stride_wn, stride_wk,  # packed.stride(): one byte holds two consecutive k
    stride_sn, stride_sg,
    stride_zn, stride_zg,
    stride_ym, stride_yn,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,  # powers of two, each >= 16 (tl.dot)
):
    # TODO: this program's (BLOCK_M, BLOCK_N) tile of y: offs_m, offs_n from tl.program_id and their masks
    # TODO: for k0 in range(0, K, BLOCK_K): offs_k = k0 + tl.arange(0, BLOCK_K), masked past K
    #       x tile (BLOCK_M, BLOCK_K); the bytes packed[n, k // 2] as a (BLOCK_K, BLOCK_N) tile
    #       q = (byte >> 4 * (k % 2)) & 0xF   (in int32: k even is the low nibble)
    #       g = k // group_size, for each k; load scales[n, g] and zeros[n, g]; w = (q - zero) * scale in float32
    #       acc += tl.dot(x, w.to(x.dtype))  (float32 accumulator)
    # TODO: store acc in y's dtype, masked
    pass
"""

TASK = """W4A16: a linear layer's weights in 4 bits, activations in 16 (or 32) bits. Decoding reads every weight
once per token, so a quarter of fp16's bytes is up to 4x the speed, if the kernel unpacks the weights
in registers instead of writing a dequantized copy to memory.

Quantization (GPTQ's min-max quantizer, per group of group_size consecutive k of each output row n;
G = ceil(K / group_size) groups, the last one may be shorter), in float32:
    xmin = min(min(W_g), 0), xmax = max(max(W_g), 0)   (both 0, an all-zero group: -1 and +1)
    scale = (xmax - xmin) / 15;  zero = round(-xmin / scale);  q = clamp(round(W / scale) + zero, 0, 15)
with torch.round (half to even). The weight it stands for: W ~ (q - zero) * scale: subtract the
zero point from the code first, then scale.
Packing: two codes per uint8, k even in the LOW nibble, k odd in the HIGH nibble:
packed[n, j] = q[n, 2j] | q[n, 2j + 1] << 4. An odd K leaves the last high nibble 0.

1. pack_int4(q) -> (N, ceil(K / 2)) uint8, for q (N, K) uint8 codes in [0, 15];
   unpack_int4(packed, k) -> (N, k) uint8, the inverse (k tells whether the last high nibble counts).
2. quantize_w4(w, group_size) -> (packed, scales (N, G) float32, zeros (N, G) uint8), w (N, K) float32;
   dequantize_w4(packed, scales, zeros, group_size, k) -> (N, k) float32.
3. The kernel, w4a16_matmul_kernel: y = x @ W^T, a tiled matmul (one program per (BLOCK_M, BLOCK_N)
   tile of y, grid = (cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N),)) that builds each (BLOCK_K, BLOCK_N) tile
   of W^T in registers: load the bytes packed[n, k // 2], shift right by 4 * (k % 2), & 0xF (the codes
   are unsigned: widen to int32 first), look up each k's group g = k // group_size (per k, not per
   block: a group may end inside a K block), w = (q - zero[n, g]) * scale[n, g] in float32, cast to
   x's dtype and tl.dot into a float32 accumulator. Mask the k past K (K need not be a multiple of
   BLOCK_K) and the rows and columns past M and N.
4. The launcher, w4a16_matmul(x, packed, scales, zeros, group_size) -> (M, N) in x's dtype, for x
   (M, K) float32 or float16. For float32 x on a GPU pass input_precision="ieee" to tl.dot.

The checks: packing even and odd K; unpacking all 256 bytes; quantizing group sizes 8, 16, 32 and 64
with K not a multiple of them, an all-zero group, all-positive and all-negative groups, float16 weights
(exact codes and zeros); the matmul for M = 1 (decode), 3, 5, 8 and 20, K 64 / 75 / 100 / 128 / 129 / 200
(not multiples of the block), N = 1 to 40, group sizes 8 to 128, random codes and zero points, float32
and float16, column-major x, packed, scales and zeros (GPTQ stores scales (G, N)); against
dequantize-then-matmul in float64 (PyTorch).
"""


def _codes(rng, shape):
    return rng.integers(0, 16, shape).astype(np.uint8)


def pack_cases():
    for n, (rows, k) in enumerate(((4, 10), (3, 7), (2, 1))):
        s = 69000 + n
        yield case(
            f"{rows}x{k}",
            s,
            "odd K: the last byte's high nibble is 0" if k % 2 else "k even in the low nibble, odd in the high",
            q=_codes(seeded(s), (rows, k)),
        )
    yield case("all_15", note="every nibble 15: bytes 255", q=np.full((2, 6), 15, np.uint8))


def unpack_cases():
    every = np.arange(256, dtype=np.uint8).reshape(16, 16)
    yield case("every_byte_k32", note="all 256 bytes: the low nibble is the even k", packed=every, k=32)
    yield case("every_byte_k31", note="odd k: the last high nibble is dropped", packed=every, k=31)


def _weights(seed, shape):
    return (seeded(seed).standard_normal(shape) * 0.05).astype(np.float32)


def quantize_cases():
    for n, (rows, k, gs) in enumerate(((8, 64, 32), (6, 100, 32), (4, 48, 64), (5, 33, 8))):
        s = 69100 + n
        yield case(
            f"{rows}x{k}_group{gs}",
            s,
            {0: "K a multiple of the group", 1: "K = 100: the last group holds 4 columns"}.get(
                n, "K not a multiple of the group size: the last group is shorter"
            ),
            w=_weights(s, (rows, k)),
            group_size=gs,
        )
    w = _weights(69110, (4, 48))
    w[0, :16] = 0.0  # an all-zero group: xmin, xmax = -1, +1
    w[1, 16:32] = np.abs(w[1, 16:32]) + 0.01  # all positive: xmin is 0, zero = 0
    w[2, 32:] = -np.abs(w[2, 32:]) - 0.01  # all negative: xmax is 0, zero = 15
    yield case(
        "special_groups",
        69110,
        "an all-zero group (range -1..1: scale 2/15, zero round(7.4999996) = 7 in float32), an all-positive "
        "one (zero 0), an all-negative one (zero 15): the range always holds 0",
        w=w,
        group_size=16,
    )
    yield case(
        "float16_weights",
        69111,
        "a float16 model's weights: convert to float32 first (the range and the scales in float16 round)",
        w=_weights(69111, (6, 40)).astype(np.float16),
        group_size=16,
    )


def _quantized(seed, n, k, gs):
    """Random codes, zeros and positive scales (every zero point 0..15), not a quantizer's output: every
    nibble and zero matters."""
    rng = seeded(seed)
    groups = -(-k // gs)
    codes = _codes(rng, (n, k))
    packed = codes[:, 0::2] | (np.pad(codes, ((0, 0), (0, k % 2)))[:, 1::2] << 4)
    scales = rng.uniform(0.01, 0.05, (n, groups)).astype(np.float32)
    zeros = rng.integers(0, 16, (n, groups)).astype(np.uint8)
    return packed.astype(np.uint8), scales, zeros


def dequantize_cases():
    for n, (rows, k, gs) in enumerate(((6, 100, 32), (5, 33, 8))):
        s = 69200 + n
        packed, scales, zeros = _quantized(s, rows, k, gs)
        yield case(f"{rows}x{k}_group{gs}", s, packed=packed, scales=scales, zeros=zeros, group_size=gs, k=k)


MATMUL = (
    # (name, M, K, N, group_size, dtype, note)
    ("decode_m1_k100_g32", 1, 100, 40, 32, "float32", "M = 1 (decoding one token); K = 100, not a multiple of BLOCK_K"),
    ("m5_k75_g8", 5, 75, 24, 8, "float32", "group size 8, smaller than a K block: 4 groups or more in each; odd K"),
    ("m3_k200_g128", 3, 200, 20, 128, "float32", "group size 128 (GPTQ's default): the second group holds 72 k"),
    ("m8_k64_g16_n33", 8, 64, 33, 16, "float32", "N = 33: the last column tile is partly outside"),
    ("float16_m3_k128_g64", 3, 128, 33, 64, "float16", "float16 activations and output, float32 accumulation"),
)


def matmul_cases():
    for n, (name, m, k, cols, gs, dtype, note) in enumerate(MATMUL):
        s = 69300 + n
        packed, scales, zeros = _quantized(s, cols, k, gs)
        x = seeded(s + 50).standard_normal((m, k)).astype(dtype)
        yield case(name, s, note, x=x, packed=packed, scales=scales, zeros=zeros, group_size=gs)
    packed, scales, zeros = _quantized(69310, 12, 129, 64)
    yield case(
        "column_major_m20_k129",
        69310,
        "M = 20 (two row tiles), K = 129 (one past a multiple of every BLOCK_K); every operand column-major, "
        "as GPTQ stores scales and zeros (G, N): x.stride() = (1, 20), packed (1, 12), scales and zeros (1, 12): "
        "address them through their strides",
        x=np.asfortranarray(seeded(69360).standard_normal((20, 129)).astype(np.float32)),
        packed=np.asfortranarray(packed),
        scales=np.asfortranarray(scales),
        zeros=np.asfortranarray(zeros),
        group_size=64,
    )
    packed, scales, zeros = _quantized(69311, 1, 16, 8)
    yield case(
        "one_output_channel",
        69311,
        "N = 1: a single output channel",
        x=seeded(69361).standard_normal((2, 16)).astype(np.float32),
        packed=packed,
        scales=scales,
        zeros=zeros,
        group_size=8,
    )


# -- known mistakes ------------------------------------------------------------------------------------------


def _dequant(packed, scales, zeros, group_size, k, *, swap=False, signed=False, zero_after=False, block_k=None):
    """What a mistaken dequantization gives (float64 numpy): nibbles swapped, codes sign-extended, the zero
    subtracted after scaling, or each K block's group taken from its first k."""
    packed = np.asarray(packed).astype(np.int64)
    lo, hi = packed & 0xF, packed >> 4
    if swap:
        lo, hi = hi, lo
    q = np.stack([lo, hi], axis=-1).reshape(packed.shape[0], -1)[:, :k].astype(np.float64)
    if signed:
        q = np.where(q >= 8, q - 16, q)
    kk = np.arange(k)
    g = (kk // block_k * block_k if block_k else kk) // group_size
    s = np.asarray(scales, np.float64)[:, g]
    z = np.asarray(zeros, np.float64)[:, g]
    return q * s - z if zero_after else (q - z) * s


def _torch_mistake(entry, **mistake):
    def run(*args, **kwargs):
        import torch

        if entry == "dequantize_w4":
            packed, scales, zeros, group_size, k = args or (kwargs[n] for n in DEQ_ARGS)
            return torch.from_numpy(_dequant(packed.cpu(), scales.cpu(), zeros.cpu(), group_size, k, **mistake)).float()
        x, packed, scales, zeros, group_size = args or (kwargs[n] for n in MM_ARGS)
        w = _dequant(packed.cpu(), scales.cpu(), zeros.cpu(), group_size, x.shape[1], **mistake)
        return (x.cpu().double() @ torch.from_numpy(w).T).to(x.dtype).to(x.device)

    return run


DEQ_ARGS = ("packed", "scales", "zeros", "group_size", "k")
MM_ARGS = ("x", "packed", "scales", "zeros", "group_size")


def _groups_per_block(case, actual, expected) -> bool:
    """The output is the matmul with each K block's group taken from its first k, for some BLOCK_K 16 ... 128."""
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
        return False
    kw = case.kwargs
    x = np.asarray(kw["x"], np.float64)
    for block_k in (16, 32, 64, 128):
        if block_k <= kw["group_size"] and kw["group_size"] % block_k == 0:
            continue  # the group changes only between blocks: per block is right
        w = _dequant(kw["packed"], kw["scales"], kw["zeros"], kw["group_size"], x.shape[1], block_k=block_k)
        candidate = x @ w.T
        if np.allclose(actual.astype(np.float64), candidate, rtol=1e-2, atol=1e-2) and not np.allclose(
            expected.astype(np.float64), candidate, rtol=1e-3, atol=1e-3
        ):
            return True
    return False


def _pack_swapped(q):
    import torch

    q = q.to(torch.uint8)
    if q.shape[1] % 2:
        q = torch.nn.functional.pad(q, (0, 1))
    return (q[:, 0::2] << 4) | q[:, 1::2]


def _unpack_swapped(packed, k):
    import torch

    return torch.stack((packed >> 4, packed & 0xF), dim=-1).reshape(packed.shape[0], -1)[:, :k]


def _quantize_without_zero_in_range(w, group_size):
    """min-max over the group alone (not widened to hold 0)."""
    import torch

    from reference_impls.triton.w4a16_oracle import pack_int4

    n, k = w.shape
    codes, scales, zeros = [], [], []
    for start in range(0, k, group_size):
        part = w[:, start : start + group_size].float()
        lo, hi = part.min(dim=1).values, part.max(dim=1).values
        scale = torch.where(hi > lo, (hi - lo) / 15, torch.ones_like(hi))
        zero = torch.round(-lo / scale)
        codes.append(torch.clamp(torch.round(part / scale[:, None]) + zero[:, None], 0, 15))
        scales.append(scale)
        zeros.append(zero)
    return pack_int4(torch.cat(codes, 1)), torch.stack(scales, 1), torch.stack(zeros, 1).clamp(0, 15).to(torch.uint8)


def _bench_inputs(device, seed):
    import torch

    g = torch.Generator(device="cpu").manual_seed(seed)
    m, k, n, gs = 16, 4096, 4096, 128
    packed = torch.randint(0, 256, (n, k // 2), generator=g, dtype=torch.uint8)
    scales = torch.rand(n, k // gs, generator=g) * 0.01 + 0.001
    zeros = torch.randint(0, 16, (n, k // gs), generator=g, dtype=torch.uint8)
    x = torch.randn(m, k, generator=g, dtype=torch.float16)
    return tuple(t.to(device) for t in (x, packed, scales, zeros)) + (gs,)


def _torch_dequant_matmul(x, packed, scales, zeros, group_size):
    """What PyTorch does without a fused kernel: dequantize the whole weight to x's dtype, then matmul."""
    import torch

    q = torch.stack((packed & 0xF, packed >> 4), dim=-1).reshape(packed.shape[0], -1)
    s = scales.repeat_interleave(group_size, dim=1).to(x.dtype)
    z = zeros.repeat_interleave(group_size, dim=1).to(x.dtype)
    return x @ ((q.to(x.dtype) - z) * s).T


def _bytes(x, packed, scales, zeros, group_size):
    out = x.shape[0] * packed.shape[0] * x.element_size()
    return x.numel() * x.element_size() + packed.numel() + scales.numel() * scales.element_size() + zeros.numel() + out


EXERCISE = Exercise.of(
    info("triton_w4a16_matmul"),
    preamble=PREAMBLE,
    scaffold=SCAFFOLD,
    task=TASK,
    entry_points=(
        EntryPoint(
            "pack_int4",
            "(q: torch.Tensor) -> torch.Tensor",
            "(N, K) uint8 codes in [0, 15] -> (N, ceil(K / 2)) uint8: packed[:, j] = q[:, 2j] | q[:, 2j + 1] << 4.",
        ),
        EntryPoint(
            "unpack_int4",
            "(packed: torch.Tensor, k: int) -> torch.Tensor",
            "(N, ceil(k / 2)) uint8 -> (N, k) uint8 codes (the low nibble first).",
        ),
        EntryPoint(
            "quantize_w4",
            "(w: torch.Tensor, group_size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]",
            "(N, K) float32 -> (packed (N, ceil(K / 2)) uint8, scales (N, G) float32, zeros (N, G) uint8), "
            "G = ceil(K / group_size), GPTQ's min-max quantizer per group.",
        ),
        EntryPoint(
            "dequantize_w4",
            "(packed: torch.Tensor, scales: torch.Tensor, zeros: torch.Tensor, group_size: int, k: int) -> torch.Tensor",
            "(N, k) float32: (q - zero) * scale, each k with its group's scale and zero.",
        ),
        EntryPoint(
            "w4a16_matmul",
            "(x: torch.Tensor, packed: torch.Tensor, scales: torch.Tensor, zeros: torch.Tensor, group_size: int) "
            "-> torch.Tensor",
            "x (M, K) @ dequantize_w4(packed, scales, zeros, group_size, K).T -> (M, N) in x's dtype, by launching "
            "w4a16_matmul_kernel.\n\nGrid: one program per (BLOCK_M, BLOCK_N) tile of y, "
            "grid = (triton.cdiv(M, BLOCK_M) * triton.cdiv(N, BLOCK_N),)",
        ),
    ),
    checks=(
        Check(
            "pack",
            "pack_int4",
            pack_cases,
            call=kernel_call("pack_int4", launches=False),
            description="4 x 10, 3 x 7 and 2 x 1 codes (odd K), all 15; uint8 exactly",
        ),
        Check(
            "unpack",
            "unpack_int4",
            unpack_cases,
            call=kernel_call("unpack_int4", launches=False),
            description="all 256 bytes, k 32 and 31",
        ),
        Check(
            "quantize",
            "quantize_w4",
            quantize_cases,
            call=kernel_call("quantize_w4", launches=False),
            description="group sizes 8 / 16 / 32 / 64, K 33 / 48 / 64 / 100 (last group shorter); all-zero, "
            "all-positive, all-negative groups, float16 weights; codes and zeros exactly",
        ),
        Check(
            "dequantize",
            "dequantize_w4",
            dequantize_cases,
            call=kernel_call("dequantize_w4", launches=False),
            description="random codes and zeros, group sizes 32 and 8, odd K",
        ),
        Check(
            "matmul",
            "w4a16_matmul",
            matmul_cases,
            call=kernel_call("w4a16_matmul"),
            tolerance={"float32": (1e-4, 1e-4), "float16": (5e-3, 1e-2)},
            description="M 1 / 3 / 5 / 8 / 20, K 64 / 75 / 100 / 128 / 129 / 200, N 1 to 40, group sizes 8 to 128, "
            "float32 and float16, column-major operands; against dequantize-then-matmul in float64",
        ),
    ),
    probes=(
        Probe(
            "the nibbles are swapped: k even is the LOW nibble (byte & 0xF), k odd the high one (byte >> 4)",
            impl={
                "pack_int4": _pack_swapped,
                "unpack_int4": _unpack_swapped,
                "dequantize_w4": _torch_mistake("dequantize_w4", swap=True),
                "w4a16_matmul": _torch_mistake("w4a16_matmul", swap=True),
            },
        ),
        Probe(
            "the zero point is subtracted after scaling (q * scale - zero): it is a code, subtract it from the "
            "code first, w = (q - zero) * scale",
            impl={
                "dequantize_w4": _torch_mistake("dequantize_w4", zero_after=True),
                "w4a16_matmul": _torch_mistake("w4a16_matmul", zero_after=True),
            },
        ),
        Probe(
            "the codes were sign-extended (values 8..15 read as -8..-1): they are unsigned; widen the byte to int32 "
            "and mask, (byte >> shift) & 0xF",
            impl={
                "dequantize_w4": _torch_mistake("dequantize_w4", signed=True),
                "w4a16_matmul": _torch_mistake("w4a16_matmul", signed=True),
            },
        ),
        Probe(
            "each K block took one group, its first k's: a group may end inside a block (group_size < BLOCK_K, "
            "or not aligned to it); index the scales and zeros per k, g = offs_k // group_size",
            when=_groups_per_block,
        ),
        Probe(
            "the range of a group must hold 0: xmin = min(min(W_g), 0), xmax = max(max(W_g), 0), so that 0.0 is "
            "exactly a code (the zero point)",
            impl={"quantize_w4": _quantize_without_zero_in_range},
        ),
        Probe(
            "a load or store ran out of bounds: mask the k past K (x and the packed bytes, scales and zeros) and the "
            "rows and columns past M and N",
            when=out_of_bounds,
        ),
        Probe(NOT_LAUNCHED_HINT, when=not_launched, checks=("matmul",)),
    ),
    equivalent_mutants=(
        Equivalent(
            "dequantize_w4",
            "unpack_int4(packed, k).to(torch.float32)",
            "q = unpack_int4(packed, k)",
            "uint8 codes minus the float32 zeros promote to float32: the same differences",
        ),
        Equivalent(
            "dequantize_w4",
            "zeros[:, index].to(torch.float32)",
            "(q - zeros[:, index])",
            "float32 codes minus uint8 zeros promote to float32: the same differences",
        ),
        Equivalent(
            "dequantize_w4",
            "scales[:, index].to(torch.float32)",
            "return (q - zeros[:, index].to(torch.float32)) * scales[:, index]",
            "float32 differences times float16 or float32 scales promote to float32: the same products",
        ),
        Equivalent(
            "quantize_w4",
            "zeros[:, index], 0, MAXQ)",
            "zeros[:, index], -1, MAXQ)",
            "round(w / scale) + zero >= 0 always (w >= xmin and round is odd-symmetric): the lower bound never binds",
        ),
        Equivalent(
            "_w4a16_matmul_kernel",
            "(q - zero.to(tl.int32)).to(tl.float32)",
            "w = (q - zero.to(tl.int32)) * scale.to(tl.float32)",
            "int32 (q - zero) times float32 scales promotes to float32 exactly (|q - zero| <= 15)",
        ),
        Equivalent(
            "_w4a16_matmul_kernel",
            "(q - zero.to(tl.int32)).to(tl.float32)",
            ".to(tl.float16) * scale",
            "q - zero in [-15, 15] is exact in float16, and times float32 scales promotes to float32",
        ),
        Equivalent(
            "_w4a16_matmul_kernel",
            "scale.to(tl.float32)",
            "w = (q - zero.to(tl.int32)).to(tl.float32) * scale",
            "float32 (q - zero) times float16 or float32 scales promotes to float32: the same products",
        ),
        Equivalent(
            "_w4a16_matmul_kernel",
            "range(0, K, BLOCK_K)",
            "range(0, K + 1, BLOCK_K)",
            "the extra K block, when K is a multiple of BLOCK_K, is wholly masked (offs_k >= K): it adds nothing",
        ),
        Equivalent(
            "_w4a16_matmul_kernel",
            "offs_n[None, :] * stride_yn",
            "offs_n[None, :],",
            "y is allocated contiguous by the launcher: stride_yn is 1",
        ),
        Equivalent(
            "_w4a16_matmul_kernel",
            "offs_n[None, :] * stride_yn",
            "offs_n[None, :] * 1",
            "y is allocated contiguous by the launcher: stride_yn is 1",
        ),
        Equivalent(
            "_config",
            '"GROUP_M": 8',
            '"GROUP_M": 9',
            "GROUP_M only orders the tiles among the programs (CUDA configs; the interpreter uses GROUP_M 2)",
        ),
        Equivalent(
            "_config",
            '"GROUP_M": 8',
            '"GROUP_M": 7',
            "GROUP_M only orders the tiles among the programs (CUDA configs; the interpreter uses GROUP_M 2)",
        ),
    ),
    benchmark=Benchmark(
        entry="w4a16_matmul",
        inputs=_bench_inputs,
        torch=_torch_dequant_matmul,
        bytes=_bytes,
        flops=lambda x, packed, scales, zeros, group_size: 2 * x.shape[0] * x.shape[1] * packed.shape[0],
        size="M 16 (decoding), K = N = 4096, group 128, float16 activations",
        seed=69400,
    ),
)
