"""encoder_classifier.py against nn.TransformerEncoderLayer with src_key_padding_mask, and padding invariance."""

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.encoder_classifier import EncoderClassifier, EncoderClassifierConfig
from reference_impls.torch.param_count import encoder_classifier_params
from tests.reference._torch_oracles import encoder_layer, randomize


@pytest.mark.parametrize(
    "dtype, tol", [(torch.float32, dict(rtol=1e-4, atol=1e-5)), (torch.float64, dict(rtol=1e-10, atol=1e-11))]
)
def test_matches_the_torch_layers(dtype, tol):
    model = randomize(EncoderClassifier(EncoderClassifierConfig()).to(dtype), seed=0)
    idx = torch.randint(1, 32, (3, 9), generator=torch.Generator().manual_seed(1))
    idx[1, 6:] = 0
    idx[2, 3:] = 0
    with torch.no_grad():
        x = F.layer_norm(model.tok_emb(idx) + model.pos_emb.weight[:9], (16,), model.emb_ln.weight, model.emb_ln.bias)
        for block in model.layers:
            x = encoder_layer(block, "gelu", norm_first=False, dtype=dtype)(x, src_key_padding_mask=idx == 0)
        want = model.classifier(torch.tanh(model.pooler(x[:, 0])))
        torch.testing.assert_close(model(idx), want, **tol)


def test_a_padded_batch_gives_each_sequence_its_own_logits():
    model = randomize(EncoderClassifier(EncoderClassifierConfig()).double(), seed=1)
    a, b = torch.tensor([[1, 4, 9, 2, 7]]), torch.tensor([[1, 3, 5]])
    batch = torch.tensor([[1, 4, 9, 2, 7], [1, 3, 5, 0, 0]])
    with torch.no_grad():
        torch.testing.assert_close(model(batch), torch.cat([model(a), model(b)]))
        # bidirectional: the [CLS] logits depend on the LAST token too
        assert not torch.allclose(model(a), model(torch.tensor([[1, 4, 9, 2, 8]])))


def test_parameter_count():
    assert sum(
        p.numel() for p in EncoderClassifier(EncoderClassifierConfig()).parameters()
    ) == encoder_classifier_params(32, 16, 16, 2, 64, 3)
