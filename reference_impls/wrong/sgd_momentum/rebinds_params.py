"""Wrong: computes the right update but stores it in a new array, so the caller's parameters never move."""

from reference_impls.numpy import sgd as _ref

EXPECTED_HINT = "the parameters never changed"


class SGD(_ref.SGD):
    def step(self, grads):
        copies = [p.copy() for p in self.params]
        inner = _ref.SGD(copies, self.lr, self.momentum, self.dampening, self.weight_decay, self.nesterov)
        inner.buffers = self.buffers
        inner.step(grads)
        self.params = copies  # rebinds: the caller's arrays stay as they were
