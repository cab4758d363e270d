"""Every bad curriculum file gets one exact, located line, exit 2, and the database unchanged.

Golden messages: each case pins the whole problem line (file:line where YAML gives one, the column
for syntax errors), so a refactor cannot quietly turn one back into a traceback or a vaguer text.
The cases of tests/test_sync.py (unknown field, missing id, wrong type, bad status, duplicate ids
across files, bad id) are not repeated here.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from tests.conftest import db_snapshot

GOOD = (
    "id: gamma\ntitle: Gamma\ncategories:\n  - id: c\n    title: C\n    modules:\n      - id: g1\n        title: G1\n"
)
ITEMS = GOOD + "        sections:\n          - kind: concepts\n            items:\n"

BILLION_LAUGHS = (
    "\n".join(
        ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        + [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 10)]
    )
    + "\n"
)

# name: (the bytes of curriculum/gamma.yaml, the problem line after "<path>")
CASES: dict[str, tuple[bytes, str]] = {
    "duplicate key": (b"id: gamma\ntitle: Gamma\ntitle: Again\n", ":3: duplicate key 'title' (first at line 2)"),
    "duplicate key in an item": (
        (
            ITEMS
            + "              - id: g1/a\n                text: A\n                notes: n\n                text: B\n"
        ).encode(),
        ":15: duplicate key 'text' (first at line 13)",
    ),
    "yes and true are one key": (b"id: gamma\nyes: 1\ntrue: 2\n", ":3: duplicate key 'True' (first at line 2)"),
    "billion laughs": (
        BILLION_LAUGHS.encode(),
        ":2: anchors and aliases (&, *) are not supported in curriculum files; write the value out",
    ),
    "merge key": (
        b"id: gamma\ntitle: Gamma\nbase: {a: 1}\nother:\n  <<: {b: 2}\n",
        ":5: merge keys (<<) are not supported in curriculum files; write the values out",
    ),
    "deep flow nesting": (
        b"id: gamma\ntitle: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        ":2: nested more than 64 levels deep",
    ),
    "deep block nesting": (
        ("id: gamma\n" + "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "v\n").encode(),
        ":66: nested more than 64 levels deep",
    ),
    "python object tag": (
        b"id: gamma\ntitle: !!python/object/apply:os.system ['touch pwned']\n",
        ":2: unsupported value: tag tag:yaml.org,2002:python/object/apply:os.system is not allowed here",
    ),
    "python name tag": (
        b"id: gamma\ntitle: !!python/name:os.system\n",
        ":2: unsupported value: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/name:os.system'",
    ),
    "local tag": (
        b"id: gamma\ntitle: !include other.yaml\n",
        ":2: unsupported value: could not determine a constructor for the tag '!include'",
    ),
    "set tag": (
        b"id: gamma\ntitle: !!set {a, b}\n",
        ":2: unsupported value: tag tag:yaml.org,2002:set is not allowed here",
    ),
    "latin-1": ("id: gamma\ntitle: Caf\xe9\n".encode("latin-1"), ":2: not UTF-8 text; save the file as UTF-8"),
    "utf-16 with BOM": ("id: gamma\ntitle: Gamma\n".encode("utf-16"), ":1: not UTF-8 text; save the file as UTF-8"),
    "a PNG named .yaml": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":1: not UTF-8 text; save the file as UTF-8"),
    "NUL byte": (
        b"id: gamma\ntitle: Gam\x00ma\n",
        ":2: YAML syntax error, column 11: unacceptable character #x0000: control characters are not allowed",
    ),
    "empty": (b"", ": the file is empty; a track needs at least id and title"),
    "only blank lines": (b"\n  \n\t\n", ": the file is empty; a track needs at least id and title"),
    "only comments": (b"# a track, one day\n", ": the file holds only comments; a track needs at least id and title"),
    "BOM then nothing": ("\ufeff".encode(), ": the file is empty; a track needs at least id and title"),
    "a list at the top": (
        b"- id: gamma\n- title: Gamma\n",
        ":1: a track file must be a mapping with id, title and categories",
    ),
    "a word at the top": (b"gamma\n", ":1: a track file must be a mapping with id, title and categories"),
    "a list where a mapping belongs": (
        b"id: gamma\ntitle: Gamma\ncategories:\n  - c\n",
        ":4: category #1: should be a mapping ('key: value' lines), not the text 'c'",
    ),
    "a mapping where a list belongs": (
        b"id: gamma\ntitle: Gamma\ncategories:\n  id: c\n  title: C\n",
        ":4: track: categories: should be a list ('- ' lines), not a mapping",
    ),
    "an empty list element": (
        (GOOD.replace("      - id: g1\n        title: G1\n", "      -\n")).encode(),
        ":7: module #1: should be a mapping ('key: value' lines), not empty",
    ),
    "two documents": (
        b"id: gamma\ntitle: Gamma\n---\nid: delta\ntitle: Delta\n",
        ":3: a second YAML document starts here ('---'); a curriculum file holds one",
    ),
    "tab indentation": (
        b"id: gamma\n\ttitle: Gamma\n",
        ":2: YAML syntax error, column 1: found a tab character that violates indentation "
        "(while scanning a plain scalar at line 1)",
    ),
    "unclosed quote": (
        b'id: gamma\ntitle: "Gamma\n',
        ":3: YAML syntax error, column 1: found unexpected end of stream (while scanning a quoted scalar at line 2)",
    ),
    "unclosed flow list": (
        b"id: gamma\ntitle: [Gamma\n",
        ":3: YAML syntax error, column 1: did not find expected ',' or ']' (while parsing a flow sequence at line 2)",
    ),
    "a mapping as a key": (b"id: gamma\n? {a: 1}\n: x\n", ":2: a mapping key must be a plain value"),
    "a number as an id": (b"id: 5\ntitle: Gamma\n", ":1: track: id: Input should be a valid string"),
    "a null key": (b"id: gamma\ntitle: Gamma\n~: x\n", ":1: track: None: Keys should be strings"),
}


@pytest.mark.parametrize("name", CASES, ids=list(CASES))
def test_bad_file_is_one_exact_line_and_changes_nothing(name, curriculum, cli, learn_home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # tags must never run anything: a `touch pwned` would land here
    assert cli("check", "0.1/pca").exit_code == 0
    before = db_snapshot(learn_home)
    content, problem = CASES[name]
    path = curriculum / "gamma.yaml"
    path.write_bytes(content)
    result = cli("sync")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "learn: curriculum has 1 problem; fix and run `learn sync` (the database is unchanged)\n"
        f"  curriculum/gamma.yaml{problem}\n"  # as the learner sees it: relative to where they are
    )
    assert db_snapshot(learn_home) == before
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", ["billion laughs", "deep flow nesting"])
def test_bombs_are_refused_fast_in_bounded_memory(name, tmp_path):
    from app.curriculum.yaml_source import YamlProblem, load_yaml

    path = tmp_path / "bomb.yaml"
    path.write_bytes(CASES[name][0])
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(YamlProblem):
        load_yaml(path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 5.0  # an expanded bomb takes minutes; generous for a loaded CI machine
    assert peak < 5 * 2**20  # the 200 KB file, parsed a few events at a time: no expansion


def test_a_utf8_bom_is_accepted(curriculum, cli):
    (curriculum / "gamma.yaml").write_bytes("\ufeff".encode() + GOOD.encode())
    result = cli("sync", "--json")
    assert result.exit_code == 0, result.stderr
    assert "gamma" in {t["id"] for t in cli.json("status")["tracks"]}


def test_windows_line_endings_are_accepted(curriculum, cli):
    (curriculum / "gamma.yaml").write_bytes(GOOD.replace("\n", "\r\n").encode())
    assert cli("sync").exit_code == 0


def test_a_folder_named_like_a_track_is_ignored(curriculum, cli):
    (curriculum / "gamma.yaml").mkdir()
    assert cli("sync").exit_code == 0


def test_bad_deck_yaml_gets_the_same_located_lines(curriculum, cli, tmp_path, monkeypatch, learn_home):
    decks = tmp_path / "drills"
    decks.mkdir()
    monkeypatch.setenv("LEARN_DRILLS", str(decks))
    (decks / "d.yaml").write_bytes(b"id: d\ntitle: D\ntitle: again\n")
    result = cli("drill", "list")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == f"  {decks / 'd.yaml'}:3: duplicate key 'title' (first at line 2)"
    (decks / "d.yaml").write_bytes(b"id: d\n---\nid: e\n")
    result = cli("drill", "list")
    assert (
        result.stderr.splitlines()[1]
        == f"  {decks / 'd.yaml'}:2: a second YAML document starts here ('---'); a curriculum file holds one"
    )


def test_several_bad_files_are_all_reported_at_once(curriculum, cli):
    for n, name in enumerate(["duplicate key", "latin-1", "two documents", "empty"]):
        (curriculum / f"bad{n}.yaml").write_bytes(CASES[name][0])
    result = cli("sync")
    assert result.exit_code == 2
    assert result.stderr.startswith("learn: curriculum has 4 problems;")
    assert [line.split(": ", 1)[0].rsplit("/", 1)[-1] for line in result.stderr.splitlines()[1:]] == [
        "bad0.yaml:3",
        "bad1.yaml:2",
        "bad2.yaml:3",
        "bad3.yaml",
    ]
