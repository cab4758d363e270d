"""Wrong: Meta's llama repeat_kv, written for (B, T, n_kv, hs), applied to the task's (B, n_kv, T, hs)."""

from reference_impls.torch.gqa import GroupedQueryAttention  # noqa: F401 - as in the reference

EXPECTED_HINT = "Meta's llama code writes it for (B, T, n_kv, hs)"


def repeat_kv(x, n_rep):
    bs, slen, n_kv_heads, head_dim = x.shape  # the mistake: the layout is (B, n_kv, T, hs) here
    if n_rep == 1:
        return x
    x = x[:, :, :, None, :].expand(bs, slen, n_kv_heads, n_rep, head_dim)
    return x.reshape(bs, slen, n_kv_heads * n_rep, head_dim)
