"""Wrong: forward shifts the targets itself (logits[:, :-1] against targets[:, 1:]), but the targets it is
given are already the next tokens (nanoGPT's get_batch returns y = x shifted by one)."""

from torch import nn

from reference_impls.torch import gpt
from reference_impls.torch.gpt import GPTConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "targets are already the next tokens"


class GPT(gpt.GPT):
    def forward(self, idx, targets=None):
        logits, _ = super().forward(idx)
        loss = None
        if targets is not None:
            # the mistake: a second shift; targets[b, t] is already the token after idx[b, t]
            shifted = logits[:, :-1].reshape(-1, logits.size(-1))
            loss = nn.functional.cross_entropy(shifted, targets[:, 1:].reshape(-1))
        return logits, loss
