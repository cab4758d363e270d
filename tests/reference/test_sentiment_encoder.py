"""The sentiment pipeline's reference against plain loops, NumPy counting and the accuracy milestone."""

import numpy as np
import pytest
import torch

from reference_impls.torch import sentiment_encoder as se


def test_encode_batch_equals_a_plain_loop():
    sents = [[12, 3, 15], [], list(range(10, 20))]
    idx = se.encode_batch(sents, 6, cls_id=1, pad_id=0)
    for row, s in zip(idx.tolist(), sents):
        body = s[:5]
        assert row == [1] + body + [0] * (5 - len(body))
    assert idx.dtype == torch.int64


def test_accuracy_is_the_share_of_correct_argmaxes_in_eval_mode():
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Dropout(0.9))
    X, y = torch.randn(50, 3), torch.randint(0, 2, (50,))
    model.train()
    acc = se.accuracy(model, X, y)
    assert not model.training
    with torch.no_grad():
        expected = np.mean(model[0](X).argmax(1).numpy() == y.numpy())
    assert acc == pytest.approx(expected)


def test_training_reaches_the_milestone_and_beats_bag_of_words_position_zero():
    from reference_impls.exercises.sentiment_encoder import THRESHOLD, _model, _split

    X, y, X_test, y_test = _split()
    assert se.accuracy(_model(0), X_test, y_test) < 0.75  # untrained: about chance
    model = se.train_sentiment(_model(0), X, y)
    assert se.accuracy(model, X_test, y_test) >= THRESHOLD
    # the labels follow the generator's rule: the polarity of the sentiment words
    pos = ((X >= 2) & (X <= 5)).sum(1)
    neg = ((X >= 6) & (X <= 9)).sum(1)
    assert torch.all((pos > 0) ^ (neg > 0)) and torch.equal((pos > 0).long(), y)
