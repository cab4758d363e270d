"""Wrong: the power rule without lowering the exponent, d(x^k)/dx = k x^k instead of k x^(k-1)."""

from reference_impls.numpy.autograd import Value as _Value

EXPECTED_HINT = "d(x^k)/dx = k x^(k-1)"


class Value(_Value):
    def __pow__(self, k):
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data**k * out.grad  # the mistake: self.data ** (k - 1)

        out._backward = _backward
        return out
