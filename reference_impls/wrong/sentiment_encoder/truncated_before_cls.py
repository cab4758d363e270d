"""Wrong: truncates the sentence to max_len tokens, then puts [CLS] in front: a long sentence overflows by one."""

import torch

from reference_impls.torch.sentiment_encoder import accuracy, train_sentiment  # noqa: F401 - right

EXPECTED_HINT = "truncate the sentence to max_len - 1 tokens"


def encode_batch(sentences, max_len, cls_id=1, pad_id=0):
    rows = []
    for tokens in sentences:
        ids = [cls_id] + list(tokens)[:max_len]  # the mistake: [:max_len - 1]
        rows.append(ids + [pad_id] * (max_len - len(ids)))
    return torch.tensor(rows, dtype=torch.int64)
