"""Reference of the paged-attention decode exercise: kernels/paged_attention.py (vLLM's paged layout)."""


def paged_attention_decode(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    from kernels.paged_attention import paged_attention_decode

    return paged_attention_decode(q, k_cache, v_cache, block_tables, seq_lens, sm_scale)
