"""Wrong: no key_padding_mask: every token also attends to the [PAD] positions, so the [CLS] output
changes with the amount of padding."""

import torch

from reference_impls.torch import encoder_classifier
from reference_impls.torch.encoder_classifier import EncoderClassifierConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "padding is attended"


class EncoderClassifier(encoder_classifier.EncoderClassifier):
    def forward(self, idx):
        T = idx.size(1)
        x = self.emb_ln(self.tok_emb(idx) + self.pos_emb(torch.arange(T)))
        for layer in self.layers:
            x = layer(x)  # the mistake: key_padding_mask=(idx == pad_id)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))
