"""`learn verify`: learner code checked in a child process against reference_impls (UI-free).

registry (exercises, learner files, wrong solutions) · scaffold (`learn start`) · runner (the parent
side: limits, events, reports; also runs code cards, app/drill/code_runner.py) · sandbox/ (the
fork servers, containment: subreaper, Landlock, and every patch of another library's internals) ·
child (the child process) · checking and compare (cases, outputs, probes) · kernel_timing (GPU
timings, the runner's hook for kernel exercises) · report (JSON-ready results) · attempts (stored
attempts, ticks, `learn show`) · watch · catalog (README's table).
Only attempts imports the database layer; the child imports numpy and the spec, nothing else.
"""
