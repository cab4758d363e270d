"""Wrong: the .item() sync and the torch.cat reallocation are gone (a preallocated buffer, argmax kept as a
tensor), but each step still runs the model over the whole prefix: the O(n^2) work the profile shows stays."""

import torch

from reference_impls.torch.decode_profiling import hot_ops  # noqa: F401 - the profile's reading is right

EXPECTED_HINT = "the speed-up was too small"


def fast_generate(model, prompt, n_new):
    T = prompt.shape[0]
    seq = torch.empty(T + n_new, dtype=torch.int64)
    seq[:T] = prompt
    logits_out = torch.empty(n_new, model.head.out_features)
    with torch.no_grad():
        for i in range(n_new):
            logits, _ = model(seq[: T + i])  # the mistake: no past, so the prefix is recomputed
            logits_out[i] = logits[-1]
            seq[T + i] = logits[-1].argmax()
    return seq[T:].clone(), logits_out
