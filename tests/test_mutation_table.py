"""The README's mutation table is built from a full run's JSON, one row per exercise, the goal marked."""

from benchmarks.mutation_table import summary, table


def _exercise(id_, mutants, killed, equivalent, survived, meets_goal):
    score = killed / (mutants - equivalent)
    return {
        "id": id_,
        "mutants": mutants,
        "killed": killed,
        "equivalent": equivalent,
        "survived": [{"where": "f:1", "diff": "-a\n+b"}] * survived,
        "score": score,
        "meets_goal": meets_goal,
        "error": None,
    }


def test_rows_sorted_by_id_with_score_and_goal():
    runs = [_exercise("softmax", 26, 26, 0, 0, True), _exercise("adam", 40, 30, 2, 8, False)]
    lines = table(runs).splitlines()
    assert lines[2] == "| `adam` | 40 | 30 | 2 | 78.9 % | ✘ |"
    assert lines[3] == "| `softmax` | 26 | 26 | 0 | 100.0 % | ✔ |"
    assert summary(runs, 12.4) == (
        "2 exercises, 66 mutants, 56 killed, 2 declared equivalent, 8 survived; 1 of 2 exercises at the goal; "
        "12 s wall time"
    )
