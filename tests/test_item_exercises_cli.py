"""`learn show`: each item names the exercises that tick it (`"exercises"` in --json), and the human
checklist says under the item which one verifies it and how its last attempt went."""

from __future__ import annotations

from app.verify import registry
from tests.test_verify_cli import SOFTMAX_ITEMS, SOLUTION, curriculum, only_softmax  # noqa: F401 - fixtures


def _items(view: dict) -> dict[str, dict]:
    found, stack = {}, [i for s in view["sections"] for i in s["items"]]
    while stack:
        item = stack.pop()
        found[item["id"]] = item
        stack.extend(item["children"])
    return found


def _verified_line(stdout: str) -> str:
    [line] = [line for line in stdout.splitlines() if "verified by" in line]
    return line.strip()


def test_show_json_items_carry_the_exercises_that_tick_them(cli, curriculum):
    items = _items(cli.json("show", "0.2"))
    assert items["0.2/activation-functions-relu-sigmoid-tanh"]["exercises"] == ["softmax"]
    assert items["0.2/other"]["exercises"] == []
    deliverables = _items(cli.json("show", "iv-deliverables"))
    assert deliverables["iv-deliverables/sigmoid-relu-softmax-from-scratch-numpy"]["exercises"] == ["softmax"]
    assert _items(cli.json("show", "2.1"))["2.1/thing"]["exercises"] == []


def test_show_says_which_exercise_verifies_an_item_and_its_last_result(cli, curriculum):
    shown = cli("show", "0.2").stdout
    assert _verified_line(shown) == "verified by softmax ○"  # not run yet
    # the item without an exercise has no such line; only one item of 0.2 is verified
    assert shown.count("verified by") == 1

    cli("start", "softmax")
    stub = registry.learner_file(next(e for e in registry.listings() if e.id == "softmax"))
    with stub.open("a", encoding="utf-8") as f:  # a started stub (an untouched one is "not started")
        f.write("# first try\n")
    assert cli("verify", "softmax").exit_code == 1
    assert _verified_line(cli("show", "0.2").stdout) == "verified by softmax ✘"

    stub.write_text(SOLUTION.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("verify", "softmax").exit_code == 0
    assert _verified_line(cli("show", "iv-deliverables").stdout) == "verified by softmax ✔"
    statuses = {i: _items(cli.json("show", i.split("/")[0]))[i]["status"] for i in SOFTMAX_ITEMS}
    assert set(statuses.values()) == {"done"}


def test_exercises_by_item_lists_every_exercise_of_an_item_in_catalog_order(monkeypatch):
    monkeypatch.undo()  # the real catalog
    linked = registry.exercises_by_item()
    assert linked["0.6/step-5"] == [e.id for e in registry.listings() if "0.6/step-5" in e.items]
    assert set(linked["0.6/step-5"]) == {"cross_entropy", "mixup"}
    assert "softmax" in linked["iv-deliverables/sigmoid-relu-softmax-from-scratch-numpy"]
    every = {item for e in registry.listings() for item in e.items}
    assert set(linked) == every
