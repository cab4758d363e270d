"""Wrong: classifies from the mean of the token states (sentence-transformers' pooling) instead of BERT's
[CLS] position through the pooler."""

import torch

from reference_impls.torch import encoder_classifier
from reference_impls.torch.encoder_classifier import EncoderClassifierConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "BERT classifies from the [CLS] position"


class EncoderClassifier(encoder_classifier.EncoderClassifier):
    def forward(self, idx):
        T = idx.size(1)
        x = self.emb_ln(self.tok_emb(idx) + self.pos_emb(torch.arange(T)))
        pad = idx == self.config.pad_id
        for layer in self.layers:
            x = layer(x, key_padding_mask=pad)
        return self.classifier(torch.tanh(self.pooler(x.mean(dim=1))))  # the mistake: x[:, 0]
