"""What a mutation run found per exercise, the goal it is held to, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.verify.mutants.generate import Mutant
from reference_impls.exercise import Equivalent

GOAL_KILLED = 0.95  # of the non-equivalent mutants
GOAL_EQUIVALENT = 0.10  # of all mutants, at most


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    killed: bool
    by: str  # the case that killed it ("forward/large_logits: ..."), or why
    seconds: float


@dataclass
class ExerciseResult:
    id: str
    mutants: list[Mutant]
    declared: dict[int, Equivalent]  # mutant n -> its equivalence declaration
    stale: list[Equivalent]
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    error: str | None = None  # the exercise could not be mutation-tested
    seconds: float = 0.0

    def record(self, outcome: Outcome) -> None:
        self.outcomes[outcome.mutant.n] = outcome

    @property
    def killed(self) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.killed]

    @property
    def equivalent(self) -> list[Outcome]:
        return [o for o in self.outcomes.values() if not o.killed and o.mutant.n in self.declared]

    @property
    def survived(self) -> list[Outcome]:
        return sorted(
            (o for o in self.outcomes.values() if not o.killed and o.mutant.n not in self.declared),
            key=lambda o: o.mutant.n,
        )

    @property
    def wrongly_declared(self) -> list[Outcome]:
        """Declared equivalent, yet a check kills it: the declaration is wrong."""
        return [o for o in self.killed if o.mutant.n in self.declared]

    @property
    def score(self) -> float:
        judged = len(self.mutants) - len(self.equivalent)
        return len(self.killed) / judged if judged else 1.0

    @property
    def equivalent_share(self) -> float:
        return len(self.equivalent) / len(self.mutants) if self.mutants else 0.0

    @property
    def meets_goal(self) -> bool:
        return (
            self.error is None
            and len(self.outcomes) == len(self.mutants)
            and self.score >= GOAL_KILLED
            and self.equivalent_share <= GOAL_EQUIVALENT
        )

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "mutants": len(self.mutants),
            "killed": len(self.killed),
            "equivalent": len(self.equivalent),
            "survived": [
                {
                    "where": o.mutant.where,
                    "diff": o.mutant.diff,
                    "operator": o.mutant.operator,
                    "detail": o.mutant.detail,
                }
                for o in self.survived
            ],
            "score": round(self.score, 4),
            "meets_goal": self.meets_goal,
            "stale_equivalents": [{"where": e.where, "line": e.line, "edit": e.edit} for e in self.stale],
            "wrongly_declared_equivalents": [
                {"where": o.mutant.where, "diff": o.mutant.diff, "killed_by": o.by} for o in self.wrongly_declared
            ],
            "error": self.error,
            "seconds": round(self.seconds, 2),
        }
