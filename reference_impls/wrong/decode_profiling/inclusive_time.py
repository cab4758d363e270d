"""Wrong: hot_ops ranks ops by inclusive CPU time, so wrappers (aten::linear) outrank the kernels they call."""

from reference_impls.torch.decode_profiling import fast_generate  # noqa: F401 - the fix is right

EXPECTED_HINT = "rank by SELF CPU time"


def hot_ops(prof, k=5):
    events = sorted(prof.key_averages(), key=lambda e: (-e.cpu_time_total, e.key))  # the mistake: cpu_time_total
    return [(e.key, e.self_cpu_time_total, e.count) for e in events[:k]]
