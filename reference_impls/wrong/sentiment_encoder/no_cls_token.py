"""Wrong: encodes the sentence from position 0, with no [CLS] for the classifier to read."""

import torch

from reference_impls.torch.sentiment_encoder import accuracy, train_sentiment  # noqa: F401

EXPECTED_HINT = "the [CLS] token is missing"


def encode_batch(sentences, max_len, cls_id=1, pad_id=0):
    idx = torch.full((len(sentences), max_len), pad_id, dtype=torch.int64)
    for i, tokens in enumerate(sentences):
        tokens = list(tokens)[:max_len]
        idx[i, : len(tokens)] = torch.tensor(tokens, dtype=torch.int64)  # the mistake: no cls_id at position 0
    return idx
