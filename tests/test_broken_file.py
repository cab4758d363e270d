"""One broken curriculum file blocks only itself: commands run on its last good sync, with a warning."""

from __future__ import annotations

import json
import re

from tests.conftest import db_snapshot


def _break_beta(curriculum):
    beta = curriculum / "beta.yaml"
    beta.write_text(beta.read_text().replace("status: done", "status: finished"))


def _warnings(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("learn: warning:")]


def test_a_broken_file_leaves_the_other_tracks_working_and_keeps_its_own(curriculum, cli, learn_home):
    cli("check", "beta-cuda/warps")
    _break_beta(curriculum)

    result = cli("check", "0.1/pca")  # another track: works, says once what is wrong and where
    assert result.exit_code == 0, result.output
    (warning,) = _warnings(result)
    assert re.search(r"beta\.yaml:16: item 'beta-cuda/coalescing': status: Input should be", warning), warning
    assert "last good sync" in warning
    assert "Traceback" not in result.stderr

    # The broken file's track stays as it was synced last, with its progress.
    show = cli("show", "beta-cuda", "--json")
    assert show.exit_code == 0, show.output
    items = {i["id"]: i for s in json.loads(show.stdout)["sections"] for i in s["items"]}
    assert items["beta-cuda/warps"]["status"] == "done"
    assert items["beta-cuda/coalescing"]["status"] == "done"
    status = cli("status", "--json")
    tracks = {t["id"]: t for t in json.loads(status.stdout)["tracks"]}
    assert tracks.keys() == {"alpha", "beta"}
    assert tracks["beta"]["items_total"] == 2

    # Edits of the good file are still picked up while the other one is broken.
    alpha = curriculum / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("text: Matrix multiplication", "text: GEMM by hand"))
    matmul = cli("show", "0.1", "--json")
    assert "GEMM by hand" in matmul.stdout
    assert len(_warnings(matmul)) == 1


def test_sync_and_doctor_still_fail_on_the_broken_file(curriculum, cli, learn_home):
    cli("status")
    _break_beta(curriculum)
    cli("status")  # the lenient sync has run
    before = db_snapshot(learn_home)
    result = cli("sync")
    assert result.exit_code == 2
    assert re.search(r"beta\.yaml:16: item 'beta-cuda/coalescing': status: Input should be", result.stderr)
    assert db_snapshot(learn_home) == before
    doctor = cli("doctor", "--json")
    checks = json.loads(doctor.stdout)
    assert doctor.exit_code != 0
    assert "beta.yaml:16" in doctor.stdout, checks


def test_the_warning_goes_once_the_file_is_fixed_and_nothing_was_lost(curriculum, cli):
    beta = curriculum / "beta.yaml"
    original = beta.read_text()
    cli("check", "beta-cuda/warps")
    _break_beta(curriculum)
    assert _warnings(cli("status"))
    beta.write_text(original)
    fixed = cli("status")
    assert fixed.exit_code == 0 and not _warnings(fixed)
    assert cli.json("sync")["changed"] is False  # the fixed file is what was kept: same rows
    assert cli.json("status")["tracks"][1]["items_done"] == 2  # warps checked, coalescing done in the YAML


def test_a_new_file_broken_from_the_start_only_warns(curriculum, cli):
    cli("status")
    (curriculum / "gamma.yaml").write_text("id: gamma\ntitle: [oops\n")
    result = cli("check", "0.1/pca")
    assert result.exit_code == 0, result.output
    (warning,) = _warnings(result)
    assert "gamma.yaml:3" in warning or "gamma.yaml:2" in warning, warning
    assert [t["id"] for t in cli.json("status")["tracks"]] == ["alpha", "beta"]


def test_a_file_that_repeats_an_id_of_another_is_the_broken_one(curriculum, cli):
    cli("status")
    beta = curriculum / "beta.yaml"
    beta.write_text(beta.read_text().replace("id: beta-cuda/warps", "id: 0.1/pca"))
    result = cli("show", "0.1", "--json")
    assert result.exit_code == 0
    (warning,) = _warnings(result)
    assert re.search(r"beta\.yaml:12: duplicate item id '0\.1/pca'", warning), warning
    assert "beta-cuda/warps" in cli("show", "beta-cuda", "--json").stdout  # beta as last synced
