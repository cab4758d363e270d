"""The drill decks (drills/*.yaml) hold what the plans ask for, link to real curriculum items, and their
code cards' model answers are correct.

Uses only PyYAML, the curriculum schema and torch (for the code cards), not the drill engine: the
deck format is checked here against its documented fields, strictly (an unknown field is an error).
The plans' own lines (../shared/seeds) are read raw, so a drill or API line added to a plan must get a card.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.curriculum.schema import Item, Track

ROOT = Path(__file__).resolve().parents[1]
DRILLS = ROOT / "drills"
CURRICULUM = ROOT / "curriculum"
SEEDS = next((p for p in (ROOT.parent / "shared" / "seeds", ROOT / "shared" / "seeds") if p.is_dir()), None)

DECK_FIELDS = {"id", "title", "description", "cards"}
DECK_REQUIRED = {"id", "title", "cards"}
CARD_FIELDS = {"id", "prompt", "answer", "tags", "items", "time_limit_s", "code"}
CARD_REQUIRED = {"id", "prompt", "answer", "items"}
CODE_FIELDS = {"check", "function"}
CHECKS = {
    "softmax_last_dim",
    "log_softmax_last_dim",
    "softmax_backward",
    "cross_entropy",
    "bce_with_logits",
    "mse_loss",
    "causal_mask",
    "scaled_dot_product_attention",
    "layer_norm",
    "rms_norm",
    "gelu_tanh",
    "silu",
    "mlp_param_count",
    "topk_indices",
    "kv_cache_bytes",
    "sum_keepdim_broadcast",
}
CHECKBOX = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s*(.*\S)\s*$")
API_LINE = re.compile(r"^\s*-\s+((?:torch|F)\.[A-Za-z_]+)\(\)\s*$")
CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


# --- loading ----------------------------------------------------------------------------------


@cache
def decks() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(DRILLS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), f"{path.name}: not a mapping"
        out[path.name] = data
    return out


def all_cards() -> Iterator[tuple[str, dict[str, Any]]]:
    for deck in decks().values():
        for card in deck["cards"]:
            yield deck["id"], card


def code_cards() -> list[dict[str, Any]]:
    return [card for _, card in all_cards() if "code" in card]


def walk(items: list[Item]) -> Iterator[Item]:
    for item in items:
        yield item
        yield from walk(item.children)


@cache
def curriculum_items() -> dict[str, str]:
    items = {}
    for path in sorted(CURRICULUM.glob("*.yaml")):
        track = Track.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for category in track.categories:
            for module in category.modules:
                for section in module.sections:
                    for item in walk(section.items):
                        items[item.id] = item.text
    return items


def seed_lines(prefix: str) -> list[str]:
    if SEEDS is None:
        pytest.skip("the learner's plans (../shared/seeds) are not beside this checkout")
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


def norm(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).lower()


def sentences(text: str) -> list[str]:
    """Sentences of a prose answer: split after . ! ? followed by whitespace and a capital, digit or quote."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])", " ".join(text.split())) if s.strip()]


# --- format -----------------------------------------------------------------------------------


def test_decks_parse_with_the_documented_fields() -> None:
    assert {"fluency.yaml", "pytorch.yaml", "inference.yaml", "fundamentals.yaml"} <= set(decks())
    deck_ids = [deck.get("id") for deck in decks().values()]
    assert len(deck_ids) == len(set(deck_ids)), f"duplicate deck ids: {deck_ids}"
    for name, deck in decks().items():
        assert DECK_REQUIRED <= set(deck) <= DECK_FIELDS, f"{name}: fields {sorted(deck)}"
        assert isinstance(deck["cards"], list) and deck["cards"], f"{name}: no cards"
        for card in deck["cards"]:
            where = f"{name}: {card.get('id')}"
            assert CARD_REQUIRED <= set(card) <= CARD_FIELDS, f"{where}: fields {sorted(card)}"
            assert isinstance(card["prompt"], str) and card["prompt"].strip(), where
            assert isinstance(card.get("tags", []), list), where
            limit = card.get("time_limit_s", 30)
            assert isinstance(limit, int) and limit > 0, where
            if "code" in card:
                assert set(card["code"]) == CODE_FIELDS, f"{where}: code fields {sorted(card['code'])}"
                assert card["code"]["check"] in CHECKS, f"{where}: unknown check {card['code']['check']!r}"


def test_at_least_150_cards() -> None:
    assert len(list(all_cards())) >= 150


def test_card_ids_are_unique_and_prefixed_by_their_deck() -> None:
    seen: dict[str, str] = {}
    for deck_id, card in all_cards():
        card_id = card["id"]
        assert re.fullmatch(r"[a-z0-9-]+/[a-z0-9][a-z0-9-]*", card_id), f"bad card id {card_id!r}"
        assert card_id.startswith(deck_id + "/"), f"{card_id} is not in deck {deck_id}"
        assert card_id not in seen, f"duplicate card id {card_id}"
        seen[card_id] = deck_id


def test_every_card_has_an_answer_and_links_to_existing_items() -> None:
    known = curriculum_items()
    for _, card in all_cards():
        assert isinstance(card["answer"], str) and card["answer"].strip(), f"{card['id']}: empty answer"
        assert isinstance(card["items"], list) and card["items"], f"{card['id']}: links to no item"
        missing = [item for item in card["items"] if item not in known]
        assert not missing, f"{card['id']}: no such curriculum item {missing}"
        assert len(set(card["items"])) == len(card["items"]), f"{card['id']}: an item is listed twice"


# --- coverage of the plans --------------------------------------------------------------------


def fluency_drills() -> list[str]:
    lines = seed_lines("001")
    start = next(n for n, line in enumerate(lines) if line.startswith("## Fluency Drills"))
    drills = []
    for line in lines[start + 1 :]:
        match = CHECKBOX.match(line)
        if match:
            drills.append(match.group(1))
        elif line.strip():
            break
    return drills


def test_every_fluency_drill_of_the_plan_has_a_card_with_a_short_answer() -> None:
    drills = fluency_drills()
    assert len(drills) == 20
    cards = {norm(card["prompt"]): card for card in decks()["fluency.yaml"]["cards"]}
    known = curriculum_items()
    for drill in drills:
        card = cards.get(norm(drill))
        assert card is not None, f"no fluency card for {drill!r}"
        count = len(sentences(card["answer"]))
        assert 3 <= count <= 6, f"{card['id']}: {count} sentences, a 30-second answer has 3-6"
        words = len(card["answer"].split())
        assert words <= 100, f"{card['id']}: {words} words, more than 30 seconds at 200 words a minute"
        drill_items = [item for item in card["items"] if item.startswith("iv-drills/")]
        assert [norm(known[item]) for item in drill_items] == [norm(drill)], (
            f"{card['id']}: not linked to its drill item"
        )


def test_every_torch_api_line_of_the_plan_is_in_a_pytorch_prompt() -> None:
    apis = [m.group(1) for line in seed_lines("004") if (m := API_LINE.match(line))]
    assert len(apis) >= 20
    prompts = [card["prompt"] for card in decks()["pytorch.yaml"]["cards"]]
    missing = [api for api in apis if not any(api + "(" in prompt for prompt in prompts)]
    assert not missing, f"torch APIs of the plan without a card: {missing}"


# --- code cards -------------------------------------------------------------------------------


def load_function(card: dict[str, Any]) -> Any:
    torch = pytest.importorskip("torch")
    blocks = CODE_BLOCK.findall(card["answer"])
    assert len(blocks) == 1, f"{card['id']}: the answer must hold exactly one python block"
    namespace: dict[str, Any] = {"torch": torch}
    exec(compile(blocks[0], card["id"], "exec"), namespace)
    function = namespace.get(card["code"]["function"])
    assert callable(function), f"{card['id']}: the answer does not define {card['code']['function']}"
    return function


def check_against_torch(check: str, fn: Any) -> None:  # noqa: C901 - one branch per check
    import torch
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 5, 7, generator=g) * 8

    def close(a: Any, b: Any, atol: float = 1e-5) -> None:
        assert a.shape == b.shape, f"shape {tuple(a.shape)} != {tuple(b.shape)}"
        torch.testing.assert_close(a, b, atol=atol, rtol=1e-4)

    if check == "softmax_last_dim":
        close(fn(x), torch.softmax(x, dim=-1))
    elif check == "log_softmax_last_dim":
        close(fn(x), torch.log_softmax(x, dim=-1))
    elif check == "softmax_backward":
        xr = x.clone().requires_grad_()
        y = torch.softmax(xr, dim=-1)
        dy = torch.randn(y.shape, generator=g)
        y.backward(dy)
        close(fn(y.detach(), dy), xr.grad)
    elif check == "cross_entropy":
        logits, targets = torch.randn(16, 10, generator=g) * 5, torch.randint(0, 10, (16,), generator=g)
        close(fn(logits, targets), F.cross_entropy(logits, targets))
    elif check == "bce_with_logits":
        logits, targets = torch.randn(8, 4, generator=g) * 30, torch.rand(8, 4, generator=g)
        close(fn(logits, targets), F.binary_cross_entropy_with_logits(logits, targets), atol=1e-4)
    elif check == "mse_loss":
        a, b = torch.randn(8, 4, generator=g), torch.randn(8, 4, generator=g)
        close(fn(a, b), F.mse_loss(a, b))
    elif check == "causal_mask":
        for T in (1, 5):
            mask = fn(T)
            assert mask.dtype == torch.bool
            assert torch.equal(mask, torch.ones(T, T).tril().bool())
    elif check == "scaled_dot_product_attention":
        q, k, v = (torch.randn(2, 3, 6, 8, generator=g) for _ in range(3))
        for causal in (True, False):
            close(fn(q, k, v, causal), F.scaled_dot_product_attention(q, k, v, is_causal=causal))
    elif check == "layer_norm":
        w, b = torch.randn(7, generator=g), torch.randn(7, generator=g)
        close(fn(x, w, b), F.layer_norm(x, (7,), w, b, eps=1e-5))
    elif check == "rms_norm":
        w = torch.randn(7, generator=g)
        close(fn(x, w), F.rms_norm(x, (7,), w, eps=1e-6))
    elif check == "gelu_tanh":
        close(fn(x), F.gelu(x, approximate="tanh"))
    elif check == "silu":
        close(fn(x), F.silu(x))
    elif check == "mlp_param_count":
        assert fn([784, 256, 10]) == 203530
        mlp = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2), torch.nn.Linear(2, 1))
        assert fn([4, 3, 2, 1]) == sum(p.numel() for p in mlp.parameters())
    elif check == "topk_indices":
        v = torch.randn(50, generator=g)
        assert torch.equal(fn(v, 5), torch.topk(v, 5).indices)
    elif check == "kv_cache_bytes":
        assert fn(32, 32, 128, 1, 1, 2) == 512 * 1024  # Llama-2-7B, fp16, one token
        assert fn(80, 8, 128, 4096, 2, 2) == 2 * 80 * 8 * 128 * 4096 * 2 * 2
    elif check == "sum_keepdim_broadcast":
        p = torch.rand(3, 5, 7, generator=g) + 0.1
        close(fn(p), p / p.sum(dim=-1, keepdim=True))
    else:  # pragma: no cover - test_decks_parse_with_the_documented_fields rejects unknown checks
        raise AssertionError(f"no reference for check {check!r}")


@pytest.mark.parametrize("card", code_cards(), ids=lambda card: card["id"])
def test_code_card_answer_passes_its_check(card: dict[str, Any]) -> None:
    function_name = card["code"]["function"]
    assert function_name in card["prompt"], f"{card['id']}: the prompt must name {function_name}"
    check_against_torch(card["code"]["check"], load_function(card))


def test_the_direct_checks_all_have_a_code_card() -> None:
    direct = {
        "softmax_last_dim",
        "log_softmax_last_dim",
        "cross_entropy",
        "layer_norm",
        "gelu_tanh",
        "silu",
        "causal_mask",
        "scaled_dot_product_attention",
        "mlp_param_count",
    }
    assert direct <= {card["code"]["check"] for card in code_cards()}
