"""Wrong: the prompt is prefilled once, but each step passes the prompt's cache again, never the step's present."""

import torch

from reference_impls.torch.decode_profiling import hot_ops  # noqa: F401 - the profile's reading is right

EXPECTED_HINT = "the cache is not carried"


def fast_generate(model, prompt, n_new):
    tokens = torch.empty(n_new, dtype=torch.int64)
    logits_out = torch.empty(n_new, model.head.out_features)
    with torch.no_grad():
        logits, past = model(prompt)
        for i in range(n_new):
            logits_out[i] = logits[-1]
            tokens[i] = logits[-1].argmax()
            if i + 1 < n_new:
                logits, _ = model(tokens[i : i + 1], past)  # the mistake: the returned present is dropped
    return tokens, logits_out
