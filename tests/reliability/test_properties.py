"""Property tests (hypothesis): random curriculum edits interleaved with check / uncheck never lose
progress; random markdown plans survive `learn import` then `learn export readme` unchanged.

Modest on purpose: 50 examples each (200 under LEARN_RELIABILITY_FULL=1), no deadline, and no
example database written into the repo.
"""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.harness import scale

SETTINGS = settings(
    max_examples=scale(50, 200),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=8)
TEXT = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)

# -- 1. curriculum edits and progress ----------------------------------------------------------------

MODULES = {"m1": "t1", "m2": "t1", "m3": "t2"}  # module -> track
POOL = [f"x{n}" for n in range(8)]
STATUSES = ("done", "todo", "in_progress")

OPS = st.one_of(
    st.tuples(st.just("rename"), st.integers(0, 99), TEXT),
    st.tuples(st.just("reorder"), st.sampled_from(sorted(MODULES)), st.randoms(use_true_random=False)),
    st.tuples(st.just("move"), st.integers(0, 99), st.sampled_from(sorted(MODULES)), st.integers(0, 99)),
    st.tuples(st.just("remove"), st.integers(0, 99)),
    st.tuples(st.just("restore"), st.integers(0, 99)),
    st.tuples(st.just("status"), st.integers(0, 99), st.sampled_from(STATUSES)),
    st.tuples(st.just("status_of_removed"), st.integers(0, 99), st.sampled_from(STATUSES)),
)


class Model:
    """What the learner did, as a list per module of (id, text), the removed items, and progress."""

    def __init__(self) -> None:
        self.modules: dict[str, list[list[str]]] = {m: [] for m in MODULES}
        for n, ident in enumerate(POOL):
            self.modules[sorted(MODULES)[n % 3]].append([ident, f"Item {n}"])
        self.removed: dict[str, tuple[str, str]] = {}  # id -> (module, text) it had
        self.progress: dict[str, str] = {}

    def present(self) -> list[str]:
        return [ident for items in self.modules.values() for ident, _ in items]

    def find(self, ident: str) -> tuple[str, int]:
        for module, items in self.modules.items():
            for n, (other, _) in enumerate(items):
                if other == ident:
                    return module, n
        raise KeyError(ident)

    def write(self, folder: Path) -> None:
        for track in sorted(set(MODULES.values())):
            modules = []
            for module in sorted(m for m, t in MODULES.items() if t == track):
                items = [{"id": ident, "text": text} for ident, text in self.modules[module]]
                modules.append(
                    {
                        "id": module,
                        "title": module.upper(),
                        "sections": [{"kind": "concepts", "items": items}] if items else [],
                    }
                )
            doc = {"id": track, "title": track.upper(), "categories": [{"id": "c", "title": "C", "modules": modules}]}
            (folder / f"{track}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def _apply(model: Model, op: tuple) -> tuple[str, str | None, str | None]:
    """Change the model; ("yaml", ...) when the files must be rewritten, ("status", id, status) else."""
    kind, *args = op
    present = model.present()
    if kind == "rename" and present:
        module, n = model.find(present[args[0] % len(present)])
        model.modules[module][n][1] = args[1]
    elif kind == "reorder":
        args[1].shuffle(model.modules[args[0]])
    elif kind == "move" and present:
        ident = present[args[0] % len(present)]
        module, n = model.find(ident)
        entry = model.modules[module].pop(n)
        target = model.modules[args[1]]
        target.insert(args[2] % (len(target) + 1), entry)
    elif kind == "remove" and present:
        ident = present[args[0] % len(present)]
        module, n = model.find(ident)
        model.removed[ident] = (module, model.modules[module].pop(n)[1])
    elif kind == "restore" and model.removed:
        ident = sorted(model.removed)[args[0] % len(model.removed)]
        module, text = model.removed.pop(ident)
        model.modules[module].append([ident, text])
    elif kind == "status" and present:
        return "status", present[args[0] % len(present)], args[1]
    elif kind == "status_of_removed" and model.removed:
        return "refused", sorted(model.removed)[args[0] % len(model.removed)], args[1]
    else:
        return "nothing", None, None
    return "yaml", None, None


def _effective(engine) -> dict[str, str]:
    from sqlalchemy import text

    from app.progress import EFFECTIVE_STATUS_SQL

    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                text(f"SELECT i.id, {EFFECTIVE_STATUS_SQL} FROM item i LEFT JOIN progress p ON p.item_id = i.id")
            ).all()
        )
        conn.rollback()
    return rows


@contextmanager
def _scratch():
    from app.db.engine import dispose_engines

    with tempfile.TemporaryDirectory() as folder:
        try:
            yield Path(folder)
        finally:
            dispose_engines()


@SETTINGS
@given(ops=st.lists(OPS, min_size=1, max_size=14))
def test_curriculum_edits_never_lose_progress(ops):
    from app.curriculum.sync import sync_curriculum
    from app.db.engine import get_engine
    from app.errors import LearnError
    from app.progress import hidden_progress_count, set_status

    with _scratch() as folder:
        curriculum = folder / "curriculum"
        curriculum.mkdir()
        model = Model()
        model.write(curriculum)
        engine = get_engine(folder / "learn.db")
        sync_curriculum(engine, curriculum, force=True)
        for op in ops:
            what, ident, status = _apply(model, op)
            if what == "yaml":
                model.write(curriculum)
                sync_curriculum(engine, curriculum, force=True)
            elif what == "status":
                set_status(engine, [ident], status)
                model.progress[ident] = status
            elif what == "refused":
                try:
                    set_status(engine, [ident], status)
                except LearnError:
                    pass
                else:
                    raise AssertionError(f"{ident} is not in the curriculum, yet its status was set")
            effective = _effective(engine)
            assert sorted(effective) == sorted(model.present())
            assert effective == {i: model.progress.get(i, "todo") for i in model.present()}
            assert hidden_progress_count(engine) == len(set(model.progress) & set(model.removed))


# -- 2. markdown plan -> learn import -> learn export readme -------------------------------------------

MARKERS = {"done": "[x]", "todo": "[ ]", "in_progress": "[ ]"}
# Punctuation, quotes, code ticks, pipes, brackets, accents, emoji; not `*` (a trailing **OK** is a
# status marker by design) nor `(`, `)` (a [text](url) is a link by design).
PLAN_WORD = st.text(alphabet="abcXYZ019.,:;!?'\"-_`#|[]<>/&é€😀~+=", min_size=1, max_size=8)
PLAN_TEXT = st.lists(PLAN_WORD, min_size=1, max_size=4).map(" ".join)


@st.composite
def plans(draw) -> tuple[str, list[tuple[int, int, str, str]]]:
    """A plan and what it must come back as: (module number, depth, text, status) in order."""
    weeks = draw(st.integers(1, 3))
    lines, expected = ["# Study plan", ""], []
    serial = 0
    for week in range(1, weeks + 1):
        title = f"Week {week}: {draw(TEXT)}"
        lines += [f"## {title}", ""]
        for _ in range(draw(st.integers(1, 5))):
            for depth in range(draw(st.integers(1, 3))):  # an item, maybe a child, maybe a grandchild
                serial += 1
                text = f"{draw(PLAN_TEXT)} {serial}"  # unique: the importer merges equal siblings, on purpose
                status = draw(st.sampled_from(sorted(MARKERS)))
                now = " **Now**" if status == "in_progress" else ""
                lines.append(f"{'  ' * depth}- {MARKERS[status]} {text}{now}")
                expected.append((week, depth, text, status))
        lines.append("")
    return "\n".join(lines) + "\n", expected


_LINE = re.compile(r"^(?P<indent>(?:  )*)- \[(?P<box>[ x])\] (?P<text>.*?)(?P<now> \*\*Now\*\*)?$")


def _read_back(readme: str) -> list[tuple[int, int, str, str]]:
    """(module number, depth, text, status) of every checklist line; a heading per module ("Week 2:
    Tensors" comes back as "Module 2: Tensors", its number taken as the module id)."""
    found, module = [], 0
    for line in readme.splitlines():
        if line.startswith("### "):
            module += 1
        elif (match := _LINE.match(line)) and module:
            status = "done" if match["box"] == "x" else ("in_progress" if match["now"] else "todo")
            found.append((module, len(match["indent"]) // 2, match["text"], status))
    return found


@SETTINGS
@given(plan=plans())
def test_a_plan_survives_import_and_export(plan):
    from tests.conftest import Cli

    markdown, expected = plan
    cli = Cli()
    saved = {k: os.environ.get(k) for k in ("LEARN_HOME", "LEARN_CURRICULUM")}
    with _scratch() as folder:
        (folder / "curriculum").mkdir()
        os.environ.update(LEARN_HOME=str(folder / "home"), LEARN_CURRICULUM=str(folder / "curriculum"))
        try:
            path = folder / "plan.md"
            path.write_text(markdown, encoding="utf-8")
            imported = cli("import", str(path), "--track", "plan")
            assert imported.exit_code == 0, imported.stderr
            exported = cli("export", "readme", "--track", "plan")
            assert exported.exit_code == 0, exported.stderr
            assert _read_back(exported.stdout) == expected
            # Importing the same plan again (--force) keeps every id, so progress would survive it.
            ids_before = (folder / "curriculum" / "plan.yaml").read_text(encoding="utf-8")
            again = cli("import", str(path), "--track", "plan", "--force")
            assert again.exit_code == 0, again.stderr
            assert _ids(ids_before) == _ids((folder / "curriculum" / "plan.yaml").read_text(encoding="utf-8"))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _ids(yaml_text: str) -> list[str]:
    return re.findall(r"^\s*- id: (\S+)$", yaml_text, flags=re.MULTILINE)
