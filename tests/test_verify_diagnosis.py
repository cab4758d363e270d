"""The generic diagnosis: what a failing output is, as a transform of the reference's, and what the
cases of a check have in common when they fail; each hint with its evidence, and none without."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from app.verify import diagnosis_across
from app.verify.diagnosis import one_case
from reference_impls.exercise import Case, Check, Probe

F64 = lambda dtype: (1e-7, 1e-9)  # noqa: E731
RNG = np.random.default_rng(0)


def hints(expected, actual, *inputs, kwargs=None, rerun32=None):
    return one_case(expected, actual, tuple(inputs), kwargs or {}, F64, rerun32)


def test_a_scale_of_one_over_sqrt_d_is_named_with_the_size_it_came_from():
    q = RNG.standard_normal((2, 5, 64))
    scores = RNG.standard_normal((2, 5, 5))
    (found,) = hints(scores, scores / 8, q)
    assert "0.125" in found and "1/sqrt(64)" in found


def test_unbiased_variance_is_named_as_n_over_n_minus_1():
    x = RNG.standard_normal((4, 7))
    var = x.var(axis=-1)
    (found,) = hints(var, x.var(axis=-1, ddof=1), x)
    assert "7/6" in found and "n - 1" in found


def test_a_standard_deviation_in_a_divisor_is_named_both_ways():
    # Standardizing by the unbiased std makes the output SMALLER by sqrt(6/7): the hint must not claim that
    # the learner used n where the task has n - 1. (Its own generator: the module's RNG feeds later tests.)
    x = np.random.default_rng(7).standard_normal((4, 7))
    z = x / x.std(axis=-1, keepdims=True)
    (found,) = hints(z, x / x.std(axis=-1, ddof=1, keepdims=True), x)
    assert "sqrt(6/7)" in found and "n - 1 (unbiased) where the task uses n" in found and "other way round" in found


def test_a_flipped_sign_and_a_mean_over_the_batch():
    x = RNG.standard_normal((8, 3))
    grad = RNG.standard_normal((8, 3))
    assert "sign is flipped" in hints(grad, -grad, x)[0]
    assert "batch size" in hints(grad, grad / 8, x)[0]


def test_bits_for_nats_is_named_by_its_factor():
    bits = np.abs(RNG.standard_normal(6)) + 0.1
    assert "nats for bits" in hints(bits, bits * np.log(2), bits)[0]
    assert "bits for nats" in hints(bits, bits / np.log(2), bits)[0]


def test_a_transpose_a_shift_by_one_and_a_flip():
    x = RNG.standard_normal((5, 5))
    assert "transposed" in hints(x, x.T.copy(), x)[0]
    shifted = np.concatenate([x[:, :1], x[:, :-1]], axis=1)
    assert "shifted by one along axis 1" in hints(x, shifted, x)[0]
    assert "flipped along axis 0" in hints(x, x[::-1].copy(), x)[0]


def test_the_right_numbers_in_another_shape_and_without_keepdims():
    logits = RNG.standard_normal((3, 16, 58))
    (found,) = hints(logits, logits.reshape(48, 58), RNG.standard_normal((3, 16)))
    assert "your output has shape (48, 58); expected (3, 16, 58)" in found
    mean = RNG.standard_normal((4, 1))
    assert "without keepdim=True" in hints(mean, mean[:, 0], RNG.standard_normal((4, 6)))[0]


def test_float32_arithmetic_on_float64_input_is_told_apart_from_a_small_error():
    float32_is_told_apart(np.random.default_rng(32))


def float32_is_told_apart(rng: np.random.Generator) -> None:
    # 128 inputs up to |6|: exp in float32 is then off by more than the 1e-7 tolerance somewhere (for
    # |x| < 1.6 its error stays below it, and on a few dozen values it can everywhere: the case then passes,
    # with nothing to diagnose). Its own generator, and any draw of it will do (1000 seeds tried).
    x = rng.uniform(-6, 6, (8, 16))
    y = np.exp(x)
    via32 = np.exp(x.astype(np.float32)).astype(np.float64)
    assert "computed in float32 on float64 input" in hints(y, via32, x)[0]
    # Off by 1e-6 relative, but not float32 numbers and no closer to a float32 run: only a question.
    nudged = y * (1 + 1e-6 * rng.standard_normal(y.shape))
    (found,) = hints(y, nudged, x, rerun32=lambda: via32)
    assert not found.startswith("computed in float32") and found.endswith("?")
    assert "only to float32 precision" in found
    # Off by 1e-4: not float32's rounding at all.
    assert not any("float32" in h for h in hints(y, y * (1 + 1e-4), x, rerun32=lambda: via32))


def test_a_tiny_value_that_is_wrong_is_not_called_float32_rounding():
    # 5e-8 for 1e-7 is within float32's absolute tolerance, but off by half: a wrong formula, not rounding.
    x = np.array([1.0, 2.0])
    assert not any("float32" in h for h in hints(np.float64(1e-7), np.float64(5e-8), x))
    # An array with true zeros, rounded as float32 arithmetic rounds: still a float32 question.
    y = np.array([0.0, 0.3, 0.7, 1.1])
    rounded = y * (1 + 2e-6) + np.array([3e-8, 0, 0, 0])
    assert any("only to float32 precision" in h for h in hints(y, rounded, x))


def test_nan_is_called_an_overflow_only_where_the_inputs_are_large():
    big = np.array([[1000.0, 1.0, 2.0]])
    small = np.array([[0.5], [0.25]])
    out = np.array([[1.0, 0.0, 0.0]])
    assert "overflow" in hints(out, np.array([[np.nan, 0.0, 0.0]]), big)[0]
    (found,) = hints(np.zeros((2, 1)) + 1, np.full((2, 1), np.nan), small)
    assert "overflow" not in found and "n - 1 = 0" in found


def test_the_first_step_right_and_the_rest_wrong_says_state():
    steps = [RNG.standard_normal(3) for _ in range(5)]
    wrong = [steps[0]] + [s + 1 for s in steps[1:]]
    found = hints(steps, wrong, RNG.standard_normal(3))
    assert any("first step is right, every later one wrong" in h for h in found)


def test_the_same_values_in_another_order_mentions_the_draw_order_only_for_random_cases():
    draws = RNG.standard_normal(20)
    other = draws[RNG.permutation(20)]
    assert "random draws" in hints(draws, other, draws, kwargs={"seed": 3})[0]
    assert "random draws" not in hints(draws, other, draws)[0]


def test_an_output_that_is_simply_different_gets_no_hint():
    x = RNG.standard_normal((4, 6))
    assert hints(x, RNG.standard_normal((4, 6)), x) == []


# -- across cases -----------------------------------------------------------------------------------


def _planned(check, cases, failed, probe_hints=None):
    planned, results = [], {}
    for n, (case, bad) in enumerate(zip(cases, failed, strict=True)):
        item = SimpleNamespace(
            index=n, check=check, case=case, probe_hints=list((probe_hints or {}).get(n, [])), matched_probes=[]
        )
        planned.append(item)
        results[n] = {"passed": not bad, "hints": list(item.probe_hints)}
    return planned, results


def test_right_on_square_inputs_and_wrong_on_rectangular_ones():
    check = Check("forward", "f", lambda: [])
    shapes = [(4, 4), (5, 5), (3, 7), (6, 2), (2, 9)]
    cases = [Case("random", (RNG.standard_normal(s),)) for s in shapes]
    planned, results = _planned(check, cases, [s[0] != s[1] for s in shapes])
    updates = diagnosis_across.across(planned, results)
    assert set(updates) == {2, 3, 4}
    assert "right on the 2 square inputs, wrong on all 3 rectangular cases" in updates[2][0]


def test_wrong_only_on_non_contiguous_inputs():
    check = Check("forward", "f", lambda: [])
    x = RNG.standard_normal((6, 8))
    cases = [Case("a", (x,)), Case("b", (x * 2,)), Case("t", (x.T,)), Case("s", (x[:, ::2],))]
    planned, results = _planned(check, cases, [False, False, True, True])
    updates = diagnosis_across.across(planned, results)
    assert any("non-contiguous" in h for h in updates[2])


def test_one_odd_case_is_not_evidence_and_a_named_case_gets_no_competing_claim():
    check = Check("forward", "f", lambda: [])
    x = RNG.standard_normal((4, 4))
    cases = [Case("a", (x,)), Case("b", (x,)), Case("c", (np.ones((3, 5)),))]
    planned, results = _planned(check, cases, [False, False, True])
    assert diagnosis_across.across(planned, results) == {}
    cases = [Case(str(n), (RNG.standard_normal(s),)) for n, s in enumerate([(4, 4), (5, 5), (3, 7), (6, 2)])]
    planned, results = _planned(check, cases, [False, False, True, True], {2: ["probe says"], 3: ["probe says"]})
    assert diagnosis_across.across(planned, results) == {}


def test_forward_right_and_backward_wrong():
    fwd, bwd = Check("softmax", "softmax", lambda: []), Check("softmax_backward", "softmax_backward", lambda: [])
    x = RNG.standard_normal((3, 4))
    p1, r1 = _planned(fwd, [Case("a", (x,)), Case("b", (x,))], [False, False])
    p2, r2 = _planned(bwd, [Case("a", (x,)), Case("b", (x,))], [True, True])
    for item in p2:
        item.index += 2
    results = {**r1, **{k + 2: v for k, v in r2.items()}}
    updates = diagnosis_across.across(p1 + p2, results)
    assert "forward right, backward wrong" in updates[2][0]


def test_a_hint_that_presumes_a_failing_check_is_withdrawn():
    probs, sample = Check("probs", "p", lambda: []), Check("sample", "s", lambda: [])
    x = RNG.standard_normal((3, 4))
    presuming = Probe("draw from sampling_probs", when=lambda *a: True, presumes=("probs",))
    p1, r1 = _planned(probs, [Case("a", (x,))], [True], {0: ["the top-p mask is unsorted"]})
    p2, r2 = _planned(sample, [Case("b", (x,))], [True], {0: [presuming.hint]})
    p2[0].index, p2[0].matched_probes = 1, [presuming]
    updates = diagnosis_across.across(p1 + p2, {0: r1[0], 1: r2[0]})
    assert presuming.hint not in updates[1]
    assert any("the top-p mask is unsorted" in h and "fix that first" in h for h in updates[1])


def test_the_view_across_checks_reaches_the_report():
    """pooling's stride=None mistake is named on the forward checks; the backward ones, which only raise from
    it, get the pointer to it (sent by the child after the last case, applied by the runner)."""
    from app.verify import registry
    from app.verify.runner import Job, run_job

    exercise = next(e for e in registry.exercises() if e.id == "pooling")
    wrong = registry.REFERENCE_ROOT / "wrong" / "pooling" / "default_stride_one.py"
    report = run_job(Job(exercise, str(wrong), "wrong"))
    backward = [c for c in report.failures if c.check.endswith("_backward")]
    assert backward and all(c.status == "error" for c in backward)
    for case in backward:
        assert any("fails with a named mistake" in h and "stride = kernel" in h for h in case.hints), case.hints


def test_a_probe_matching_one_case_is_a_coincidence_where_another_matches_several():
    check = Check("beam", "f", lambda: [])
    x = RNG.standard_normal((3, 3))
    cases = [Case(str(n), (x,)) for n in range(3)]
    named = {0: ["ranked by the step alone"], 1: ["ranked by the step alone"], 2: ["separate greedy searches"]}
    planned, results = _planned(check, cases, [True, True, True], named)
    assert diagnosis_across.across(planned, results) == {2: []}


def test_a_factor_two_is_named_as_such_even_beside_a_size_of_two_or_four():
    # With a size 2 axis, 2 is also n/(n-1); with a size 4, 1/2 is also 1/sqrt(4): a factor 2 is the usual cause.
    x = RNG.standard_normal((4, 2))
    grad = RNG.standard_normal((4, 2))
    assert "x0.5: a factor 2 missing" in hints(grad, grad / 2, x)[0]
    assert "x2: a factor 2 too many" in hints(grad, grad * 2, x)[0]


def test_a_declared_trait_explains_where_the_inputs_cannot():
    check = Check("attention", "f", lambda: [])
    x = RNG.standard_normal((4, 4))
    odd = ("a causal mask with L != S",)
    cases = [Case("a", (x,)), Case("b", (x,)), Case("c", (x,), traits=odd), Case("d", (x,), traits=odd)]
    planned, results = _planned(check, cases, [False, False, True, True])
    updates = diagnosis_across.across(planned, results)
    assert updates[2] == ["wrong only on all 2 cases with a causal mask with L != S, right on the 2 others"]
