"""Wrong: pre-norm layers (x + sublayer(LN(x))) where the original Transformer is post-norm."""

from torch import nn

from reference_impls.torch import encoder_decoder
from reference_impls.torch.encoder_decoder import TransformerConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "the original Transformer is POST-norm"


class DecoderLayer(encoder_decoder.DecoderLayer):
    def forward(self, x, memory, memory_key_padding_mask=None):
        # the mistake: x + sublayer(ln(x)) (pre-norm); the original normalizes after the add, ln(x + sublayer(x))
        x = x + self.attn.self_attention(self.ln_1(x), is_causal=True)
        x = x + self.cross_attn(self.ln_2(x), memory, memory, key_padding_mask=memory_key_padding_mask)[0]
        return x + self.mlp(self.ln_3(x))


class Transformer(encoder_decoder.Transformer):  # the reference's model, with pre-norm layers
    def __init__(self, config):
        super().__init__(config)
        for layer in self.encoder:
            layer.norm_first = True  # the same mistake in the encoder
        c = config
        self.decoder = nn.ModuleList([DecoderLayer(c.d_model, c.n_head, c.d_ff) for _ in range(c.n_layer)])
