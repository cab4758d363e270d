"""Wrong: generate feeds the whole sequence, never cropped to block_size (wpe runs out of rows)."""

import torch

from reference_impls.torch import gpt
from reference_impls.torch.gpt import GPTConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "generate must crop the context"


class GPT(gpt.GPT):
    @torch.no_grad()
    def generate(self, idx, max_new_tokens):
        for _ in range(max_new_tokens):
            logits, _ = self(idx)  # the mistake: the whole sequence, not its last block_size tokens
            idx = torch.cat([idx, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
        return idx
