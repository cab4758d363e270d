"""Wrong: returns the logits flattened to (B * T, vocab_size) when targets are given (as the video does to
call F.cross_entropy), so callers that index positions get another shape than without targets."""

import torch
import torch.nn.functional as F

from reference_impls.torch import char_lm
from reference_impls.torch.char_lm import (  # noqa: F401 - as in the reference
    CharLMConfig,
    build_vocab,
    decode,
    encode,
    get_batch,
)

EXPECTED_HINT = "flattened to (B * T, vocab_size)"


class CharLM(char_lm.CharLM):
    def forward(self, idx, targets=None):
        B, T = idx.shape
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(T, device=idx.device))
        logits = self.head(self.ln_f(self.blocks(x)))
        if targets is None:
            return logits, None
        logits = logits.view(B * T, -1)  # the mistake: the returned logits lose their (B, T) shape
        return logits, F.cross_entropy(logits, targets.view(B * T))


def train_char_lm(text, steps=300, seed=0, batch_size=32, lr=1e-2):
    chars = build_vocab(text)
    data = encode(text, chars)
    train = data[: int(0.9 * len(data))]
    torch.manual_seed(seed)
    model = CharLM(CharLMConfig(vocab_size=len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x, y = get_batch(train, model.cfg.block_size, batch_size, g)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return model
