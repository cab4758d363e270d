"""Wrong: adds 1 to the forget gate's pre-activation at run time (Keras' unit_forget_bias, Jozefowicz et
al.'s trick, which belongs in the initial b_ih / b_hh, not in the cell); torch.nn.LSTMCell adds nothing."""

import numpy as np

from reference_impls.numpy import lstm as _ref
from reference_impls.numpy.activations import sigmoid

EXPECTED_HINT = "adds no constant to the forget gate"


def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f = sigmoid(gates[:, :H]), sigmoid(gates[:, H : 2 * H] + 1.0)  # the mistake: a forget bias of +1
    g, o = np.tanh(gates[:, 2 * H : 3 * H]), sigmoid(gates[:, 3 * H :])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new


lstm_cell_backward = _ref.lstm_cell_backward
