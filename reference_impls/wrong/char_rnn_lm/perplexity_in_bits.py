"""Wrong: perplexity as 2 ** loss, mixing bases: the loss is in nats (natural log), so perplexity is exp(loss)."""

from reference_impls.numpy.char_rnn_lm import (  # noqa: F401 - the rest is right
    build_vocab,
    decode,
    encode,
    lm_loss,
    make_windows,
    rnn_lm_forward,
    sample,
    train_val_split,
)

EXPECTED_HINT = "perplexity is exp of the mean cross-entropy in NATS"


def perplexity(logits, Y):
    return 2 ** lm_loss(logits, Y)  # the mistake: np.exp(lm_loss(logits, Y))
