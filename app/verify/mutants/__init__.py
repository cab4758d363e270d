"""Mutation testing of the checks: `learn verify --mutants [TARGET | --all] [--json]`.

How much does a ✔ mean? Mutants of each exercise's reference (operators.py: AST edits that mirror
learner mistakes) are run through the exercise's own checks, in one child per exercise (child.py,
runner.py); a mutant the checks pass is a mistake a learner could make and be told is right.

    reach.py        which functions: those the entry points reach in the reference (and kernels/)
    operators.py    the mutation operators          edits.py    a source edit, its text spans
    generate.py     the mutants of an exercise      equivalents.py  declared equivalents matched
    child.py        the child: plan once, run each mutant until its first failing case
    runner.py       the parent: one child per exercise, restarted past a mutant that hangs
    results.py      counts, the goal, JSON   (the CLI's table and exit code: app/cli/mutants_cmds.py)
"""
