"""Wrong: AdamW adds weight_decay * p to the gradient (Adam's L2) instead of decaying the weights."""

from reference_impls.numpy.adam import Adam

EXPECTED_HINT = "AdamW's weight decay is decoupled"


class AdamW(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(params, lr, betas, eps, weight_decay)
