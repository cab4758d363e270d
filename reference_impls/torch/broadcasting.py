"""Broadcasting and keepdim, the PyTorch Round 1 exercises.

Broadcasting aligns shapes from the RIGHT; two sizes are compatible when equal or when one is 1
(a missing leading dimension counts as 1); the result takes the larger size. So (N, C) + (C,)
adds a row to every row, (N, C) + (N, 1) a column to every column, and (N,) [:, None] - (M,) [None, :]
gives an (N, M) table. A reduction drops its dimension unless keepdim=True: x / x.sum(1) on an
(N, C) matrix lines the N sums up with the C columns, which fails for N != C and is silently
wrong for N == C; x / x.sum(1, keepdim=True) divides each row by its own sum.

Dot product vs matmul: torch.dot takes two 1-D vectors; for a batch of pairs (a_b . b_b), sum the
elementwise product over the last axis (or torch.einsum('bd,bd->b')); a @ b.T computes every pair,
(B, B), of which only the diagonal is wanted.

Source: the broadcasting semantics of NumPy / PyTorch (torch.broadcast_shapes); torch.std's
default is the unbiased estimate (correction=1), numpy's np.std is not (ddof=0). Limits: two shapes.
"""


def broadcast_shape(shape_a, shape_b):
    """The broadcast shape of two shapes as a tuple, or None when they do not broadcast."""
    a, b = tuple(shape_a), tuple(shape_b)
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b  # align from the right
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            return None
        out.append(y if x == 1 else x)
    return tuple(out)


def row_normalize(x):
    """(N, C) -> each row divided by its sum."""
    return x / x.sum(dim=1, keepdim=True)


def standardize_columns(x):
    """(N, C) -> each column minus its mean, divided by its population std (correction=0)."""
    mean = x.mean(dim=0, keepdim=True)  # (1, C)
    return (x - mean) / x.std(dim=0, correction=0, keepdim=True)


def pairwise_sq_distances(a, b):
    """a (N, D), b (M, D) -> (N, M): |a_i - b_j|^2 without a Python loop."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)  # (N, 1, D) - (1, M, D) -> (N, M, D)


def batched_dot(a, b):
    """a, b (B, D) -> (B,): the dot product of each pair of rows."""
    return (a * b).sum(dim=-1)


def outer(a, b):
    """a (N,), b (M,) -> (N, M): a_i * b_j."""
    return a[:, None] * b[None, :]
