"""The located YAML loader: same values as yaml.safe_load, plus lines and strictness."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.curriculum.yaml_source import YamlProblem, line_of, load_yaml

CURRICULA = sorted((Path(__file__).parent / "fixtures" / "curriculum").glob("*.yaml")) + sorted(
    (Path(__file__).parent.parent / "curriculum").glob("*.yaml")
)


@pytest.mark.parametrize("path", CURRICULA, ids=lambda p: p.name)
def test_values_equal_safe_load(path):
    assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_scalars_of_every_kind(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: 2.5\nc: true\nd: null\ne: \"1\"\nf: 'yes'\ng: 2024-01-02\nh: |\n  two\n  lines\n")
    assert load_yaml(path) == yaml.safe_load(path.read_text())


def test_lines_follow_a_pydantic_location(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("id: t\ncategories:\n  - id: c\n    modules:\n      - id: m\n        title: M\n")
    data = load_yaml(path)
    assert line_of(data, ("categories", 0, "modules", 0, "title")) == 6
    assert line_of(data, ("categories", 0, "modules", 0, "missing")) == 5
    assert line_of(data, ("title",)) == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: &x [1, 2]\nb: *x\n", "anchors and aliases"),
        ("a: !!python/object:os.system {}\n", "unsupported value"),
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (first at line 1)"),
        ("[" * 100 + "]" * 100, "nested more than 64 levels deep"),
        ("# only a comment\n", "holds only comments"),
    ],
)
def test_strictness(tmp_path, text, message):
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(YamlProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_yaml(path)


def test_billion_laughs_is_rejected_fast(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(YamlProblem, match="anchors and aliases") as info:
        load_yaml(path)
    assert info.value.line == 2
