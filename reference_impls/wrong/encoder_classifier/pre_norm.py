"""Wrong: pre-norm blocks (GPT-2's layout) where BERT uses post-norm."""

from reference_impls.torch import encoder_classifier
from reference_impls.torch.encoder_classifier import EncoderClassifierConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "BERT's are post-norm"


class EncoderClassifier(encoder_classifier.EncoderClassifier):
    def __init__(self, config):
        super().__init__(config)
        for layer in self.layers:
            layer.norm_first = True  # the mistake: x + sublayer(ln(x)); BERT's ln(x + sublayer(x)) is post-norm
