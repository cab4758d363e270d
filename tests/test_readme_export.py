"""`learn export readme`: the dashboard table and every checklist, as GitHub markdown."""

from __future__ import annotations


def test_readme_has_dashboard_and_checklists(curriculum, cli, tmp_path):
    cli("check", "0.1/pca", "0.1/matmul", "2.1/kv-cache")
    out = tmp_path / "PROGRESS.md"
    assert cli("export", "readme", "-o", str(out), "--track", "alpha").exit_code == 0
    md = out.read_text()
    lines = md.splitlines()
    assert lines[0] == "# Progress"
    assert "| Category | Status | Completion | Modules |" in lines
    # The Basics: 3 of 6 items done -> 12 of the 25 cells; serving done -> full bar, 1 / 1 module.
    assert "| **The Basics** | Started | " + "█" * 12 + "░" * 13 + " | 0 / 2 |" in lines
    assert "| **Serving** | Done | " + "█" * 25 + " | 1 / 1 |" in lines
    assert "| **Total** | Started | " in md and "**1 / 3**" in md
    assert "### Module 0.1: Linear Algebra" in lines
    assert "- [ ] **Linear Algebra Essentials:**" in lines
    assert "  - [x] Vector operations, dot products and norms" in lines
    assert "  - [x] Matrix multiplication" in lines
    assert "- [ ] **Step 1:** Create a base Layer class **Now**" in lines
    assert "Beta Track" not in md


def test_readme_to_stdout_includes_every_track(curriculum, cli):
    md = cli("export", "readme").stdout
    assert "## Alpha Track" in md and "## Beta Track" in md
    assert "- [x] Memory coalescing" in md
