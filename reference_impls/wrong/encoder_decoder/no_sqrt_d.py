"""Wrong: the token embeddings are not multiplied by sqrt(d_model) before the sinusoidal encoding is added
(Vaswani et al. Sec. 3.4): the positions then dominate the small embedding values."""

from reference_impls.torch import encoder_decoder
from reference_impls.torch.encoder_decoder import DecoderLayer, TransformerConfig, sinusoidal_encoding  # noqa: F401

EXPECTED_HINT = "embeddings not scaled"


class Transformer(encoder_decoder.Transformer):
    def embed(self, table, idx):
        T, d = idx.size(1), self.config.d_model
        return table(idx) + sinusoidal_encoding(T, d, dtype=table.weight.dtype)  # the mistake: * math.sqrt(d)
