"""Failure messages show numbers with the digits that tell them apart, and the tolerance that was used."""

import numpy as np

from app.verify.compare import compare
from app.verify.digits import distinct


def test_close_numbers_get_the_digits_that_separate_them():
    assert distinct(-0.17958764, -0.17958759) == ("-0.17958764", "-0.17958759")
    assert distinct(0.5, 0.25) == ("0.5", "0.25")
    assert distinct(1.0, 1.0) == ("1", "1")
    assert distinct(3, 4) == ("3", "4")


def test_a_float32_answer_to_a_float64_case_reads_as_two_different_numbers():
    expected = np.array([[-0.1795875912345678, 0.25]])
    actual = expected.astype(np.float32).astype(np.float64)
    mismatch = compare(expected, actual, lambda dtype: (1e-10, 1e-12))
    assert mismatch is not None
    got, want = mismatch.message.split(": got ")[1].split(" (tolerance")[0].split(", expected ")
    assert got != want and abs(float(got) - np.float32(-0.1795875912345678)) < 1e-9
    assert "(tolerance rtol 1e-10, atol 1e-12)" in mismatch.message
