"""Exercise: a KV cache whose token-by-token decoding equals the full forward pass; cache size arithmetic."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._precision import computed_in_float32, float32_hint
from reference_impls.exercises._torch import (
    MODEL_TOL,
    build,
    case,
    fn_call,
    not_a_module,
    randn,
    random_params,
    scoped,
    seeded,
    to_numpy,
)

PREAMBLE = "import math\n\nimport torch\nfrom torch import nn\n"

SCHEDULES = [
    ("one_token_at_a_time", 2, 7, 16, 4, [1] * 7, "float32"),
    ("prompt_then_tokens", 2, 8, 16, 2, [5, 1, 1, 1], "float64"),
    ("chunks", 1, 9, 12, 2, [3, 3, 3], "float32"),
    ("whole_sequence_at_once", 2, 6, 8, 2, [6], "float32"),
]


def decode_cases():
    from reference_impls.torch.kv_cache import CausalSelfAttention

    for n, (name, B, T, C, nh, chunks, dtype) in enumerate(SCHEDULES):
        s = 47000 + n
        yield case(
            name,
            s,
            init={"n_embd": C, "n_head": nh},
            params=random_params(CausalSelfAttention(C, nh), s, 0.4, dtype),
            x=randn(seeded(s), (B, T, C), dtype),
            chunks=chunks,
            note={
                "one_token_at_a_time": "each step: 1 query against every cached key",
                "prompt_then_tokens": "prefill 5 tokens, then decode 3 one by one",
                "chunks": "3 new queries at a time: query t of a chunk sees the cache plus the chunk up to t",
            }.get(name, ""),
        )
    # drawn afresh each run: batch, length, heads, head size, and how the sequence is cut into chunks
    for rng, _, dtype, s in fresh([()], seed=47100, n=1):
        B, T, nh, hd = (int(v) for v in rng.integers(1, [4, 10, 5, 7]))
        cuts = sorted({int(c) for c in rng.integers(1, T, size=int(rng.integers(0, T)))}) if T > 1 else []
        chunks = [b - a for a, b in zip([0, *cuts], [*cuts, T])]
        yield case(
            "fresh",
            s,
            init={"n_embd": nh * hd, "n_head": nh},
            params=random_params(CausalSelfAttention(nh * hd, nh), s, 0.4, dtype),
            x=randn(rng, (B, T, nh * hd), dtype),
            chunks=chunks,
            note=f"drawn afresh: chunks {chunks}",
        )


def decode_call(impl, init, params, x, chunks):
    """The full causal pass, the chunked pass through one cache, and the cache's length before and after it."""
    import torch

    attn = build(impl, "CausalSelfAttention", init, params, str(x.dtype))
    x = torch.from_numpy(x)
    cache = impl.KVCache()
    empty_length = len(cache)  # before any append: 0
    with torch.no_grad():
        full = attn(x)
        outs, t = [], 0
        for n in chunks:
            outs.append(attn(x[:, t : t + n], cache))
            t += n
    return {
        "full": to_numpy(full),
        "decoded": to_numpy(torch.cat(outs, dim=1)),
        "empty_length": empty_length,
        "cache_length": len(cache),
    }


def bytes_cases():
    yield case(
        "llama2_7b_4k_fp16",
        batch=1,
        seq_len=4096,
        n_layer=32,
        n_kv_head=32,
        head_dim=128,
        bytes_per_element=2,
        note="2 GiB per sequence: 2 (K and V) x 32 layers x 32 heads x 128 x 4096 tokens x 2 bytes",
    )
    yield case(
        "llama2_70b_gqa",
        batch=1,
        seq_len=4096,
        n_layer=80,
        n_kv_head=8,
        head_dim=128,
        note="GQA: 8 kv heads (not 64 query heads); bytes_per_element defaults to 2 (fp16)",
    )
    yield case("gpt2_batch_8_fp32", batch=8, seq_len=1024, n_layer=12, n_kv_head=12, head_dim=64, bytes_per_element=4)
    yield case("int8_cache", batch=16, seq_len=2048, n_layer=40, n_kv_head=8, head_dim=128, bytes_per_element=1)


# -- known mistakes -----------------------------------------------------------------------------------


def _attention(mask_kind):
    def make(n_embd, n_head):

        from reference_impls.torch.attention import scaled_dot_product_attention
        from reference_impls.torch.kv_cache import CausalSelfAttention

        class Wrong(CausalSelfAttention):
            def forward(self, x, cache=None):
                B, T, C = x.shape
                q, k, v = (
                    t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in self.c_attn(x).split(C, dim=2)
                )
                if cache is not None and mask_kind != "no_cache":
                    k, v = cache.append(k, v)
                elif cache is not None:
                    cache.append(k, v)  # stored, never read
                y = scaled_dot_product_attention(q, k, v, is_causal=True)  # top-left: wrong once T < S
                return self.c_proj(y.transpose(1, 2).reshape(B, T, C))

        return Wrong(n_embd, n_head)

    def cache():
        from reference_impls.torch.kv_cache import KVCache

        return KVCache()

    return {"CausalSelfAttention": make, "KVCache": cache}


def _other_sizes(case):
    """The sizes of the cache's other axes in this case: batch, heads, head size."""
    init, x = case.kwargs["init"], case.kwargs["x"]
    return {x.shape[0], init["n_head"], init["n_embd"] // init["n_head"]}


def _len_counts_appends(case, actual, expected):
    """len(cache) is the number of append calls (a list of chunks), not the number of cached positions."""
    chunks = case.kwargs.get("chunks")
    if not isinstance(actual, dict) or chunks is None:
        return False
    got = actual.get("cache_length")
    return got == len(chunks) and got != expected["cache_length"] and got not in _other_sizes(case)


def _len_other_axis(case, actual, expected):
    """len(cache) is the size of the batch, heads or head-size axis, not of the sequence axis."""
    if not isinstance(actual, dict) or "init" not in case.kwargs:
        return False
    got = actual.get("cache_length")
    others = _other_sizes(case) - {expected["cache_length"], len(case.kwargs["chunks"])}
    return got != expected["cache_length"] and got in others


def _first_step_wrong(case, actual, expected):
    """The full pass is right, yet a first chunk of ONE token decoded through an empty cache is already wrong:
    what append returned is not the k and v just appended (unfilled slots of a preallocated buffer, k stored
    as v, ...). One token only: with T = S = 1 every mask alignment and offset is right, so it is not those."""
    import numpy as np

    if not isinstance(actual, dict) or "chunks" not in case.kwargs:
        return False
    try:
        full, decoded = np.asarray(actual["full"]), np.asarray(actual["decoded"])
    except (KeyError, TypeError, ValueError):
        return False
    rtol, atol = MODEL_TOL[str(expected["full"].dtype)]
    if case.kwargs["chunks"][0] != 1:
        return False
    if full.shape != expected["full"].shape or decoded.shape != expected["decoded"].shape:
        return False
    if not np.allclose(full, expected["full"], rtol=rtol, atol=atol):
        return False
    return not np.allclose(decoded[:, :1], expected["decoded"][:, :1], rtol=rtol, atol=atol)


def _gib(case, actual, expected):
    """The byte count divided by 2**30 (or 1e9): the size in GiB (GB), not bytes."""
    if not isinstance(actual, int | float) or isinstance(actual, bool) or not expected:
        return False
    return any(abs(actual * unit - expected) <= 1e-6 * expected for unit in (2**30, 1e9, 2**20, 1e6))


def _bytes(factor_two=True, use_bytes=True):
    def kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2):
        return (
            (2 if factor_two else 1)
            * batch
            * seq_len
            * n_layer
            * n_kv_head
            * head_dim
            * (bytes_per_element if use_bytes else 1)
        )

    return {"kv_cache_bytes": kv_cache_bytes}


EXERCISE = scoped(
    Exercise.of(
        info("kv_cache"),
        preamble=PREAMBLE,
        task="""During generation the keys and values of past tokens never change: keep them, compute q, k, v
for the NEW tokens only, append k and v, attend from the new queries to every cached key.

1. KVCache(): holds k and v (B, nh, S, hs), empty at first. append(k, v) adds the new tokens' k, v
   (B, nh, T, hs) along the sequence axis and returns ALL cached (k, v); len(cache) = S.
2. CausalSelfAttention(n_embd, n_head): an nn.Module with nanoGPT's c_attn = nn.Linear(C, 3C)
   (q, k, v in that order along the output) and c_proj = nn.Linear(C, C). forward(x (B, T, C),
   cache=None) -> (B, T, C). Without a cache: causal self-attention over x. With one: append this
   step's k, v, then attend. The T new queries are the LAST T of the S cached positions, so query
   t sees keys 0 .. S - T + t: the causal mask aligned bottom-right, torch.ones(T, S).tril(S - T).
   (F.scaled_dot_product_attention's is_causal aligns it top-left: right only when T == S.)
   Feeding x in chunks (a prompt, then one token at a time) must give the full pass's output.
   float32 and float64 in, computed in x's dtype (an upcast softmax must keep float64 as float64:
   torch.promote_types(x.dtype, torch.float32)).
3. kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2): the memory
   of the K and V caches of every layer, an int. Llama-2-7B at 4096 tokens in fp16: 2 GiB.""",
        entry_points=(
            EntryPoint(
                "KVCache",
                "(self)",
                "The keys and values of one attention layer, growing along the sequence axis.",
                kind="class",
                methods=(
                    EntryPoint("append", "(self, k, v)", "k, v (B, nh, T, hs) -> every cached (k, v): (B, nh, S, hs)."),
                    EntryPoint("__len__", "(self)", "S, the number of cached positions (0 when empty)."),
                ),
            ),
            EntryPoint(
                "CausalSelfAttention",
                "(self, n_embd, n_head)",
                "nn.Module: c_attn = nn.Linear(C, 3C), c_proj = nn.Linear(C, C).",
                kind="class",
                base="nn.Module",
                methods=(EntryPoint("forward", "(self, x, cache=None)", "x (B, T, C) new tokens -> (B, T, C)."),),
            ),
            EntryPoint(
                "kv_cache_bytes",
                "(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2)",
                "An int: bytes of K and V.",
            ),
        ),
        checks=(
            Check(
                "decode",
                "CausalSelfAttention",
                decode_cases,
                call=decode_call,
                tolerance=MODEL_TOL,
                description="one token at a time, prompt then tokens, chunks of 3, whole sequence; the full pass and the cache length",
            ),
            Check(
                "cache_bytes",
                "kv_cache_bytes",
                bytes_cases,
                call=fn_call("kv_cache_bytes"),
                description="Llama-2 7B and 70B (GQA), GPT-2 batch 8 fp32, an int8 cache",
            ),
        ),
        probes=(
            Probe(
                "is_causal with a cache aligns the mask top-left: a single new query then sees key 0 only; the new queries are "
                "the LAST T positions, mask = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)",
                impl=_attention("top_left"),
            ),
            Probe(
                "the cache is filled but never read: attend to the cached keys and values (cache.append returns them all)",
                impl=_attention("no_cache"),
            ),
            Probe(
                "the mask's offset is taken after the append (S instead of S - T), so within a chunk every new query "
                "sees every new key: read len(cache) before the append, or use S - T where S = k.size(2) after it",
                impl="wrong/kv_cache/offset_after_append.py",
                checks=("decode",),
            ),
            Probe(
                "len(cache) counts the appends (chunks), not the cached positions: return the size of the sequence "
                "axis, k.shape[2] (0 when empty)",
                when=_len_counts_appends,
                checks=("decode",),
            ),
            Probe(
                "the first token, decoded through an EMPTY cache, is already wrong while the full pass is right: "
                "append must return exactly the k and v appended so far (no unfilled slots of a preallocated "
                "buffer: slice it to len(cache); k and v each in their own cache)",
                when=_first_step_wrong,
                checks=("decode",),
            ),
            Probe(
                "len(cache) returns the size of another axis (batch, heads or head size): the cache is "
                "(B, nh, S, hs), the positions are axis 2, k.shape[2]",
                when=_len_other_axis,
                checks=("decode",),
            ),
            Probe(
                "scaled by 1/sqrt(C), the model width: each head's scores are divided by sqrt(head size), "
                "sqrt(C // n_head)",
                impl="wrong/kv_cache/scale_by_n_embd.py",
                checks=("decode",),
            ),
            Probe(
                "c_attn's output is q, k, v one after the other (q, k, v = c_attn(x).split(C, dim=2)), each then "
                "viewed as (B, T, nh, hs); a view(B, T, nh, 3, hs) reads them interleaved per head",
                impl="wrong/kv_cache/qkv_interleaved_per_head.py",
                checks=("decode",),
            ),
            Probe(float32_hint("attention output"), when=computed_in_float32, checks=("decode",)),
            Probe("the K cache alone: there is a V cache too, the factor 2", impl=_bytes(factor_two=False)),
            Probe("elements, not bytes: multiply by bytes_per_element (2 for fp16)", impl=_bytes(use_bytes=False)),
            Probe(
                "GiB, not bytes: return the byte count, an int (divide by 2**30 only to print it)",
                when=_gib,
                checks=("cache_bytes",),
            ),
            Probe(
                "not an nn.Module: write `class CausalSelfAttention(nn.Module):` and call super().__init__() first",
                when=not_a_module,
            ),
        ),
    )
)
