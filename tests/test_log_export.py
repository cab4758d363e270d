"""`learn log export`: the plan's own entry format, oldest first, ready to append to a README."""

from __future__ import annotations

import textwrap

ENTRIES = [
    """\
    2026-03-02: Module 0.2 - Backprop
    Next Steps: Step 3, the optimizer
    Progress: Layer base class done
      - forward and backward
    Challenge: shapes in the backward pass
    Key Insight: the gradient of a sum fans out
    """,
    """\
    2026-03-01: Module 0.1
    Slow start, good finish.
    Progress: PCA from scratch
    Key Insight: [Major understanding or breakthrough moment]
    """,
    """\
    2026-03-03: Weekly review
    Kept a snippet:
    ```python
    x = x - lr * grad
    ```
    """,
    """\
    2026-03-03:
    Next Steps: rest
    """,
]

GOLDEN = """\
```
2026-03-01: Module 0.1 - Linear Algebra
Slow start, good finish.
Progress: PCA from scratch
```

```
2026-03-02: Module 0.2 - Backprop
Progress: Layer base class done
  - forward and backward
Key Insight: the gradient of a sum fans out
Challenge: shapes in the backward pass
Next Steps: Step 3, the optimizer
```

````
2026-03-03: Weekly review
Kept a snippet:
```python
x = x - lr * grad
```
````

```
2026-03-03
Next Steps: rest
```
"""


def _write_all(cli) -> None:
    for text in ENTRIES:
        result = cli("log", "add", "--from", "-", input=textwrap.dedent(text))
        assert result.exit_code == 0, result.output


def test_export_is_the_plans_format_oldest_first(curriculum, cli, tmp_path):
    _write_all(cli)
    result = cli("log", "export")
    assert result.exit_code == 0
    assert result.stdout == GOLDEN
    out = tmp_path / "log.md"
    result = cli("log", "export", "-o", str(out))
    assert result.exit_code == 0 and out.read_text() == GOLDEN
    assert "Wrote 4 entries to" in result.stderr and result.stdout == ""


def test_export_filters(curriculum, cli):
    _write_all(cli)
    assert cli("log", "export", "--module", "module-0.2").stdout == GOLDEN.split("\n\n")[1] + "\n"
    since = cli("log", "export", "--since", "2026-03-03").stdout
    assert since.startswith("````\n2026-03-03: Weekly review") and "2026-03-02" not in since
    empty = cli("log", "export", "--since", "2030-01-01")
    assert empty.exit_code == 0 and empty.stdout == "" and "no log entries match" in empty.stderr
    assert cli("log", "export", "--since", "March").exit_code == 2
    bad = cli("log", "export", "--module", "0.3")
    assert bad.exit_code == 2 and "did you mean module-0.2?" in bad.stderr


def test_an_exported_block_reads_back_as_the_same_entry(curriculum, cli):
    _write_all(cli)
    block = GOLDEN.split("\n\n")[1].strip().strip("`").strip("\n")
    first = {
        k: v
        for k, v in cli.json("log", "list", "--module", "0.2")["entries"][0].items()
        if k not in ("id", "created_at", "updated_at")
    }
    cli("log", "add", "--from", "-", input=block)
    copies = cli.json("log", "list", "--module", "0.2")["entries"]
    assert len(copies) == 2
    assert {k: v for k, v in copies[0].items() if k not in ("id", "created_at", "updated_at")} == first
