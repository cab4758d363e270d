"""Wrong: the decoder's cross-attention gets no padding mask: target positions attend to the source's
[PAD] positions in the encoder's memory."""

from reference_impls.torch import encoder_decoder
from reference_impls.torch.encoder_decoder import DecoderLayer, TransformerConfig, sinusoidal_encoding  # noqa: F401

EXPECTED_HINT = "cross-attention sees the source padding"


class Transformer(encoder_decoder.Transformer):
    def decode(self, tgt, memory, src):
        x = self.embed(self.tgt_embed, tgt)
        for layer in self.decoder:
            x = layer(x, memory)  # the mistake: memory_key_padding_mask=(src == pad_id)
        return x
