"""Wrong: cuts each ROW into blocks (padding every row), instead of the flattened tensor."""

import torch

from reference_impls.torch.nf4 import NF4, _blocks, bits_per_parameter, double_dequantize, double_quantize  # noqa: F401

EXPECTED_HINT = "blocks taken row by row"
ALSO_APPLIES = ("right when the last size is a multiple of",)  # fresh shapes: the diagnosis across cases is true


def nf4_quantize(w, blocksize=64):
    rows = w.float().reshape(-1, w.shape[-1]) if w.dim() > 1 else w.float()[None]
    blocks = torch.cat([_blocks(row, blocksize) for row in rows])  # the mistake: every row padded to whole blocks
    absmax = blocks.abs().amax(dim=1)
    normed = blocks / torch.where(absmax > 0, absmax, torch.ones_like(absmax))[:, None]
    codes = (normed[..., None] - NF4).abs().argmin(dim=-1)
    per_row = codes.view(rows.shape[0], -1)[:, : rows.shape[1]]
    return per_row.reshape(-1).to(torch.uint8), absmax


def nf4_dequantize(codes, absmax, shape, blocksize=64):
    values = _blocks(NF4[codes.long()], blocksize) * absmax[: (codes.numel() + blocksize - 1) // blocksize, None]
    return values.reshape(-1)[: codes.numel()].reshape(shape)
