"""Triton reference kernels, one module each, with a PyTorch-style launcher beside each kernel.

    vector_add      vector_add(x, y)                                  tutorial 01
    int8_add        int8_add(a_q, b_q, ...), choose_qparams, quantize,   Module 1.5 capstone
                    dequantize, int8_add_reference
    softmax         softmax(x)                                        tutorial 02, fused row softmax
    matmul          matmul_naive(a, b), matmul(a, b)                  tutorial 03, grouped tiles
    norms           layer_norm(x, w, b, eps), rms_norm(x, w, eps)     tutorial 05; RMSNorm backward
    w8a16_matmul    w8a16_matmul(x, w_q, scales),                     int8 weights, per-channel scales
                    quantize_weight_per_channel(w)
    flash_attention flash_attention(q, k, v, causal, sm_scale)        FlashAttention-2 forward
    paged_attention paged_attention_decode(q, k_cache, v_cache,       vLLM's paged KV cache, one query
                    block_tables, seq_lens, sm_scale)                 token per sequence
    w4a16_matmul    w4a16_matmul(x, packed, scales, zeros, group),    int4 weights two per byte,
                    pack_int4, unpack_int4, quantize_w4, dequantize_w4  group-wise scales and zeros

`benchmarks` and `harness` time these on a GPU (their own docstrings say how).

Import the modules themselves (`from kernels.softmax import softmax`): this package imports neither
torch nor triton, so `import kernels` stays cheap. Triton decides at decoration time whether a kernel
runs compiled or interpreted, so set TRITON_INTERPRET=1 before importing a kernel module to run it on
CPU tensors (no GPU); launchers then use a fixed small config instead of autotuning.
"""
