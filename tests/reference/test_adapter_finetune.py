"""The QLoRA-steps reference against torch's cross-entropy, the QLoRA paper's figures and counts by hand."""

from __future__ import annotations

import copy
import math

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from reference_impls.torch import adapter_finetune as ref  # noqa: E402


def _model(seed=0, **kwargs):
    torch.manual_seed(seed)
    return ref.TinyLM(58, **kwargs)


def test_perplexity_is_exp_of_the_cross_entropy_over_every_position_whatever_the_batches():
    model = _model()
    tokens = torch.randint(0, 58, (1000,), generator=torch.Generator().manual_seed(1))
    X, Y = ref.windows(tokens, 4)
    assert X.shape == (996, 4) and torch.equal(X[0], tokens[:4]) and Y[0] == tokens[4]
    with torch.no_grad():
        expected = math.exp(F.cross_entropy(model(X), Y).item())
    for batch_size in (1, 7, 256, 5000):
        assert ref.perplexity(model, tokens, 4, batch_size) == pytest.approx(expected, rel=1e-5)


def test_double_quantization_costs_the_papers_bits_per_parameter():
    n = 256 * 64 * 10_000  # whole blocks and whole groups of blocks
    dq = (ref.qlora_memory_bytes(n, 0) - n / 2) * 8 / n
    plain = (ref.qlora_memory_bytes(n, 0, double_quant=False) - n / 2) * 8 / n
    assert plain == pytest.approx(32 / 64)  # 0.5 bit per parameter (QLoRA, Sec. 3)
    assert dq == pytest.approx(8 / 64 + 32 / (64 * 256))  # 0.127 bit
    assert ref.qlora_memory_bytes(0, 1000) == 16_000  # weight, gradient, two AdamW moments in fp32
    assert ref.qlora_memory_bytes(65, 0, bits=8, block_size=64, double_quant=False) == 65 + 2 * 4  # 2 blocks


def test_model_size_by_hand():
    model = _model()  # embed 58 x 16, hidden 64 -> 64, out 64 -> 58
    fp16 = 2 * (58 * 16 + 64 + 58)  # the embedding and the two biases
    hidden = 64 * 64 / 2 + 64 * 1 * (2 + 0.5)  # 4-bit weights, one group of 128 inputs per row (64 inputs)
    out = 58 * 64 / 2 + 58 * 1 * 2.5
    assert ref.model_size_bytes(model, bits=4, group_size=128) == math.ceil(fp16 + hidden + out)
    assert ref.model_size_bytes(model, bits=8, group_size=32) == math.ceil(
        fp16 + 64 * 64 + 64 * 2 * 3 + 58 * 64 + 58 * 2 * 3
    )


def test_lora_starts_as_the_base_and_finetuning_moves_only_the_adapters():
    base = _model()
    x = torch.randint(0, 58, (8, 4))
    with torch.no_grad():
        before = base(x)
    model = ref.add_lora(copy.deepcopy(base), r=4, alpha=8.0)
    with torch.no_grad():
        torch.testing.assert_close(model(x), before)
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert sorted(trainable) == ["hidden.lora_A", "hidden.lora_B", "out.lora_A", "out.lora_B"]
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == 4 * (64 + 64) + 4 * (64 + 58)
    frozen = {n: p.clone() for n, p in model.named_parameters() if not p.requires_grad}
    tokens = torch.randint(0, 58, (2000,))
    ref.finetune(model, tokens, steps=5)
    assert all(torch.equal(p, frozen[n]) for n, p in model.named_parameters() if n in frozen)
    assert not torch.equal(model.hidden.lora_B, torch.zeros_like(model.hidden.lora_B))


def test_instruction_text_pairs_each_line_with_its_speaker():
    text = "First Citizen:\nBefore we proceed.\nHear me.\n\nAll:\nSpeak, speak."
    assert ref.instruction_text(text) == (
        "Line: Before we proceed.\nBy: First Citizen\nLine: Hear me.\nBy: First Citizen\nLine: Speak, speak.\nBy: All\n"
    )
