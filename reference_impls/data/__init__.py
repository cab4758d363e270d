"""Data the references ship with (see README.md here for sources), importable without torch."""

from pathlib import Path

CHAR_LM_TEXT = Path(__file__).resolve().parent / "tiny_shakespeare_coriolanus.txt"
CHAR_LM_THRESHOLD = 2.3  # validation loss (nats per character) the char-level LM must get under

DIGITS = Path(__file__).resolve().parent / "digits.npz"


def digits_split(test_fraction: float = 0.2, seed: int = 0):
    """scikit-learn's 8x8 digits (1,797 images, 10 classes), shuffled and split for training and testing:
    (X_train, y_train, X_test, y_test), X float32 (N, 8, 8) in [0, 1] (pixels 0..16 / 16), y int64."""
    import numpy as np

    with np.load(DIGITS) as data:
        images, labels = data["images"], data["labels"]
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = round(test_fraction * len(labels))
    X = (images[order] / 16.0).astype(np.float32)
    y = labels[order].astype(np.int64)
    return X[n_test:], y[n_test:], X[:n_test], y[:n_test]
