"""`learn verify`: learner code checked in a child process against reference_impls (UI-free).

registry (exercises, learner files, wrong solutions) · scaffold (`learn start`) · runner (the parent
side: limits, events, reports) with forkserver (children forked from a numpy-preloaded server) ·
child (the child process) · checking and compare (cases, outputs, probes) · report (JSON-ready
results) · attempts (stored attempts, ticks, `learn show`) · watch · catalog (README's table).
Only attempts imports the database layer; the child imports numpy and the spec, nothing else.
"""
