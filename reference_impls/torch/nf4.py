"""NF4 (4-bit NormalFloat) block quantization and double quantization of its scales, as in QLoRA.

Dettmers et al. 2023, "QLoRA: Efficient Finetuning of Quantized LLMs" (arXiv:2305.14314), Sec. 3.
Pretrained weights are roughly N(0, sigma). NF4's 16 levels are quantiles of N(0, 1) rescaled to
[-1, 1], so each level is used about equally often by normal data (information-theoretically optimal
for it), with an exact 0: 8 positive quantiles, 7 negative ones and zero (bitsandbytes'
create_normal_map(offset=0.9677083); the table below equals it, see tests/reference/test_nf4.py).

    per block of 64 weights (flattened):  absmax = max |w|,  code = argmin_i |w / absmax - NF4[i]|
    dequantize:                           w ~ NF4[code] * absmax

Storage: 4 bits per weight + one float32 absmax per 64 weights = 4 + 32/64 = 4.5 bits. Double
quantization quantizes the absmax values themselves: subtract their mean, then 8-bit blocks of 256
with one float32 scale each: 4 + 8/64 + 32/(64 * 256) = 4.127 bits per weight (saving ~0.37 bits,
about 3 GB on a 65B model).

Limits: the second-level quantizer here is linear int8 (absmax / 127) where bitsandbytes uses its
8-bit dynamic float code; codes are one per uint8 (real kernels pack two per byte); no fused matmul.
"""

import torch

NF4 = torch.tensor(
    [
        -1.0,
        -0.6961928009986877,
        -0.5250730514526367,
        -0.39491748809814453,
        -0.28444138169288635,
        -0.18477343022823334,
        -0.09105003625154495,
        0.0,
        0.07958029955625534,
        0.16093020141124725,
        0.24611230194568634,
        0.33791524171829224,
        0.44070982933044434,
        0.5626170039176941,
        0.7229568362236023,
        1.0,
    ]
)


def _blocks(x, blocksize):
    """x flattened and zero-padded to whole blocks: (n_blocks, blocksize)."""
    flat = x.reshape(-1)
    pad = (-flat.numel()) % blocksize
    return torch.cat([flat, flat.new_zeros(pad)]).view(-1, blocksize)


def nf4_quantize(w, blocksize=64):
    """-> (codes uint8 (w.numel(),) in 0..15, absmax float32 (ceil(numel / blocksize),))."""
    blocks = _blocks(w.float(), blocksize)  # (nb, bs)
    absmax = blocks.abs().amax(dim=1)  # (nb,)
    normed = blocks / torch.where(absmax > 0, absmax, torch.ones_like(absmax))[:, None]  # in [-1, 1]
    codes = (normed[..., None] - NF4).abs().argmin(dim=-1)  # (nb, bs): the nearest of the 16 levels
    return codes.reshape(-1)[: w.numel()].to(torch.uint8), absmax


def nf4_dequantize(codes, absmax, shape, blocksize=64):
    """NF4[codes] * absmax of each code's block, as float32 of the given shape."""
    values = _blocks(NF4[codes.long()], blocksize) * absmax[:, None]
    return values.reshape(-1)[: codes.numel()].reshape(shape)


def double_quantize(absmax, blocksize=256):
    """The absmax values minus their mean, as int8 in blocks of 256 -> (q int8, scales float32, offset)."""
    offset = absmax.mean()
    blocks = _blocks(absmax - offset, blocksize)  # (nb2, 256)
    amax = blocks.abs().amax(dim=1)
    scales = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = torch.round(blocks / scales[:, None]).clamp(-127, 127).to(torch.int8)
    return q.reshape(-1)[: absmax.numel()], scales, offset


def double_dequantize(q, scales, offset, blocksize=256):
    """The absmax values back (approximately): q * scale of its block + offset."""
    return (_blocks(q.float(), blocksize) * scales[:, None]).reshape(-1)[: q.numel()] + offset


def bits_per_parameter(blocksize=64, double_quant=False, blocksize2=256):
    """Storage per weight: 4-bit codes plus the amortized quantization constants."""
    if not double_quant:
        return 4 + 32 / blocksize
    return 4 + 8 / blocksize + 32 / (blocksize * blocksize2)
