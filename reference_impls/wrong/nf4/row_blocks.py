"""Wrong: cuts each ROW into blocks (padding every row), instead of the flattened tensor."""

import torch

EXPECTED_HINT = "blocks taken row by row"

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


def _pad_blocks(flat, blocksize):
    pad = (-flat.numel()) % blocksize
    return torch.cat([flat, flat.new_zeros(pad)]).view(-1, blocksize)


def nf4_quantize(w, blocksize=64):
    rows = w.float().reshape(-1, w.shape[-1]) if w.dim() > 1 else w.float()[None]
    blocks = torch.cat([_pad_blocks(row, blocksize) for row in rows])
    absmax = blocks.abs().amax(dim=1)
    normed = blocks / torch.where(absmax > 0, absmax, torch.ones_like(absmax))[:, None]
    codes = (normed[..., None] - NF4).abs().argmin(dim=-1)
    per_row = codes.view(rows.shape[0], -1)[:, : rows.shape[1]]
    return per_row.reshape(-1).to(torch.uint8), absmax


def nf4_dequantize(codes, absmax, shape, blocksize=64):
    values = _pad_blocks(NF4[codes.long()], blocksize) * absmax[: (codes.numel() + blocksize - 1) // blocksize, None]
    return values.reshape(-1)[: codes.numel()].reshape(shape)


def double_quantize(absmax, blocksize=256):
    offset = absmax.mean()
    blocks = _pad_blocks(absmax - offset, blocksize)
    amax = blocks.abs().amax(dim=1)
    scales = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = torch.round(blocks / scales[:, None]).clamp(-127, 127).to(torch.int8)
    return q.reshape(-1)[: absmax.numel()], scales, offset


def double_dequantize(q, scales, offset, blocksize=256):
    return (_pad_blocks(q.float(), blocksize) * scales[:, None]).reshape(-1)[: q.numel()] + offset


def bits_per_parameter(blocksize=64, double_quant=False, blocksize2=256):
    return 4 + 32 / blocksize if not double_quant else 4 + 8 / blocksize + 32 / (blocksize * blocksize2)
