"""Wrong: the given loop, unchanged: the whole prefix is recomputed every step."""

import torch

from reference_impls.torch.decode_profiling import hot_ops  # noqa: F401 - the profile's reading is right

EXPECTED_HINT = "the speed-up was too small"


def fast_generate(model, prompt, n_new):
    tokens = prompt.clone()
    out_tokens, out_logits = [], []
    with torch.no_grad():
        for _ in range(n_new):
            logits, _ = model(tokens)  # the mistake: every position again, every step
            nxt = logits[-1].argmax().item()
            tokens = torch.cat([tokens, torch.tensor([nxt])])
            out_tokens.append(nxt)
            out_logits.append(logits[-1])
    return torch.tensor(out_tokens, dtype=torch.int64), torch.stack(out_logits)
