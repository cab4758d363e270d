"""Wrong: trains on the whole text, the validation 10% included, so the loss the check measures is
partly on text the model has seen."""

import torch

from reference_impls.torch.char_lm import (  # noqa: F401 - as in the reference
    CharLM,
    CharLMConfig,
    build_vocab,
    decode,
    encode,
    get_batch,
)

EXPECTED_HINT = "the last 10% is for validation"


def train_char_lm(text, steps=300, seed=0, batch_size=32, lr=1e-2):
    chars = build_vocab(text)
    data = encode(text, chars)  # the mistake: no split, every batch may come from the validation text
    torch.manual_seed(seed)
    model = CharLM(CharLMConfig(vocab_size=len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x, y = get_batch(data, model.cfg.block_size, batch_size, g)
        _, loss = model(x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
