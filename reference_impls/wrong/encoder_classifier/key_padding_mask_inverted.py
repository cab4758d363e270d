"""Wrong: key_padding_mask = idx != pad_id, True at the real tokens: they are ignored and the padding attended
(a sequence without padding has every key masked: NaN)."""

import torch

from reference_impls.torch import encoder_classifier
from reference_impls.torch.encoder_classifier import EncoderClassifierConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "the padding mask is inverted"


class EncoderClassifier(encoder_classifier.EncoderClassifier):
    def forward(self, idx):
        x = self.emb_ln(self.tok_emb(idx) + self.pos_emb(torch.arange(idx.size(1))))
        for layer in self.layers:
            x = layer(x, key_padding_mask=idx != self.config.pad_id)  # the mistake: True must mark the padding
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))
