"""`learn status`, `show`, `check`, `uncheck`, `doing` as a learner uses them."""

from __future__ import annotations


def test_status_counts_initial_statuses_from_the_plan(curriculum, cli):
    data = cli.json("status")
    alpha, beta = data["tracks"]
    assert (alpha["id"], beta["id"]) == ("alpha", "beta")
    # 0.1 has 4 items (1 done), 0.2 has 2 (1 in progress), 2.1 has 1.
    assert alpha["items_total"] == 7
    assert alpha["items_done"] == 1
    assert alpha["items_in_progress"] == 1
    assert alpha["modules_total"] == 3 and alpha["modules_done"] == 0
    basics, serving = alpha["categories"]
    assert basics == basics | {
        "id": "basics",
        "title": "The Basics",
        "items_total": 6,
        "items_done": 1,
        "items_in_progress": 1,
        "modules_total": 2,
        "modules_done": 0,
        "status": "Started",
    }
    assert serving["status"] == "Not Started"
    assert beta["items_done"] == 1 and beta["items_total"] == 2


def test_check_uncheck_doing_change_the_dashboard(curriculum, cli):
    assert cli("check", "2.1/kv-cache").exit_code == 0
    serving = cli.json("status", "--track", "alpha")["tracks"][0]["categories"][1]
    assert serving["status"] == "Done"
    assert serving["modules_done"] == 1 and serving["percent"] == 100.0

    # Unchecking an item the plan marked done overrides the plan's marker.
    assert cli("uncheck", "0.1/vectors").exit_code == 0
    assert cli("doing", "0.1/pca").exit_code == 0
    items = {i["id"]: i for i in _walk(cli.json("show", "module-0.1"))}
    assert items["0.1/vectors"]["status"] == "todo"
    assert items["0.1/pca"]["status"] == "in_progress"
    assert items["0.1/matmul"]["status"] == "todo"


def test_check_json_reports_before_and_after(curriculum, cli):
    data = cli.json("check", "0.1/pca", "0.1/matmul")
    assert [(c["item_id"], c["before"], c["after"]) for c in data["changed"]] == [
        ("0.1/pca", "todo", "done"),
        ("0.1/matmul", "todo", "done"),
    ]


def test_unknown_item_is_exit_2_with_suggestion_and_changes_nothing(curriculum, cli, learn_home):
    from tests.conftest import db_snapshot

    cli("status")
    before = db_snapshot(learn_home)
    result = cli("check", "0.1/matmul", "0.1/pcaa")
    assert result.exit_code == 2
    assert "no item '0.1/pcaa'; did you mean 0.1/pca?" in result.stderr
    assert db_snapshot(learn_home) == before  # 0.1/matmul was not checked either


def test_module_id_given_to_check_says_what_to_do(curriculum, cli):
    result = cli("check", "0.2")
    assert result.exit_code == 2
    assert "'0.2' is a module" in result.stderr and "learn show 0.2" in result.stderr


def test_show_accepts_module_forms_and_suggests(curriculum, cli):
    for form in ("module-0.1", "0.1", "Module-0.1", "MODULE 0.1"):
        assert cli.json("show", form)["id"] == "0.1"
    result = cli("show", "module-0.3")
    assert result.exit_code == 2
    assert "no module 'module-0.3'; did you mean module-0.2?" in result.stderr
    assert "did you mean beta-cuda?" in cli("show", "beta-cud").stderr


def test_show_json_has_the_tree_tables_notes_and_links(curriculum, cli):
    view = cli.json("show", "0.1")
    concepts, checks = view["sections"]
    assert concepts["kind"] == "concepts" and concepts["title"] == "Core Concepts Checklist"
    parent = concepts["items"][0]
    assert parent["id"] == "0.1/linear-algebra"
    assert [c["id"] for c in parent["children"]] == ["0.1/vectors", "0.1/matmul"]
    assert parent["children"][1]["notes"] == "rows times columns"
    assert checks["items"][0]["links"] == [{"title": "PCA notes", "url": "https://example.com/pca"}]
    assert view["tables"][0]["rows"][1] == ["Global", "High"]
    assert view["summary"] == "Vectors and matrices, from scratch"


def test_show_human_output_lists_ids_and_ticks(curriculum, cli):
    out = cli("show", "0.1").stdout
    assert "Module 0.1: Linear Algebra" in out
    lines = out.splitlines()
    assert any("✔ Vector operations, dot products and norms" in line and line.endswith("0.1/vectors") for line in lines)
    assert any("○ Exercise 1: Implement PCA from scratch" in line and line.endswith("0.1/pca") for line in lines)
    assert "Memory Hierarchy" in out and "Registers" in out


def test_status_human_table(curriculum, cli):
    out = cli("status").stdout
    assert "Alpha Track" in out and "The Basics" in out and "Not Started" in out
    assert "1 / 6" in out  # items done / total of The Basics


def test_unknown_track(curriculum, cli):
    result = cli("status", "--track", "alpah")
    assert result.exit_code == 2
    assert "no track 'alpah'; did you mean alpha?" in result.stderr


def _walk(view):
    stack = [i for s in view["sections"] for i in s["items"]]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item["children"])
