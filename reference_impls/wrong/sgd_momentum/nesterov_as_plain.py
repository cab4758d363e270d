"""Wrong: ignores nesterov=True and steps along the momentum buffer."""

from reference_impls.numpy import sgd as _ref

EXPECTED_HINT = "nesterov: the step is g + momentum * buf"


class SGD(_ref.SGD):
    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr, momentum, dampening, weight_decay, False)
