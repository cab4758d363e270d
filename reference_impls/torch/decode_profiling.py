"""Profiling a decode loop: torch.profiler's table of hot ops, and the fix it points to.

The given loop (slow_generate) is how a first greedy decoder is often written: every step runs the
model on the WHOLE sequence so far, reads the argmax back with .item() (on a GPU, a host-device
synchronization per token) and grows the token tensor with torch.cat (a reallocation per token).
Generating n tokens after a prompt of p costs sum over steps of (p + step) token-forwards: O(n^2)
matmul work for O(n) useful tokens. Profiled (torch.profiler, CPU activity), the top ops by self
CPU time are the linear layers' aten::addmm / aten::mm, whose call count grows with the steps and
whose time grows with the sequence; the fix is the KV cache the model already offers (forward's
`past`): one prefill of the prompt, then one token per step, each attending to the cached keys and
values. The outputs do not change (the same tokens; logits equal up to float rounding).

hot_ops reads a profile the way its printed table does: prof.key_averages() groups the events by
op name; an op's SELF CPU time excludes the ops it called (aten::linear's time is mostly its
aten::addmm's, so inclusive time would rank wrappers first).

Source: PyTorch's profiler recipe (pytorch.org/tutorials/recipes/recipes/profiler_recipe.html);
the cache as in reference_impls/torch/kv_cache.py. Limits: CPU only; greedy decoding, batch 1.
"""

import torch
import torch.nn.functional as F
from torch import nn

# -- the given code: the model and the loop to profile (the exercise's scaffold copies it) ----------------


class Block(nn.Module):
    def __init__(self, d_model, n_head):
        super().__init__()
        self.n_head = n_head
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.qkv, self.proj = nn.Linear(d_model, 3 * d_model), nn.Linear(d_model, d_model)
        self.fc, self.out = nn.Linear(d_model, 4 * d_model), nn.Linear(4 * d_model, d_model)

    def forward(self, x, past=None):
        """x (T, d_model) new tokens; past (k, v) each (n_head, L, head_dim) or None -> (x, (k, v) with L + T)."""
        T, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(T, 3, self.n_head, d // self.n_head).permute(1, 2, 0, 3)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=1), torch.cat([past[1], v], dim=1)
        L = k.shape[1]
        mask = torch.ones(T, L, dtype=torch.bool).tril(diagonal=L - T)  # the new tokens are the last T
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(0, 1).reshape(T, d)
        x = x + self.proj(y)
        x = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return x, (k, v)


class TinyLM(nn.Module):
    """A small GPT: token and learned position embeddings, pre-LN blocks, a linear head. Weights from `seed`."""

    def __init__(self, vocab_size=64, d_model=128, n_layer=2, n_head=4, max_len=512, seed=0):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(Block(d_model, n_head) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)
        g = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=g) * (0.5 if p.dim() > 1 else 0.1))

    def forward(self, idx, past=None):
        """idx (T,) int64 new tokens; past: the list returned by the previous call, or None.

        -> logits (T, vocab_size) of the new tokens, present: per layer (k, v) covering past and new tokens.
        """
        start = 0 if past is None else past[0][0].shape[1]
        x = self.tok(idx) + self.pos(torch.arange(start, start + idx.shape[0]))
        present = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, None if past is None else past[i])
            present.append(kv)
        return self.head(self.ln_f(x)), present


def slow_generate(model, prompt, n_new):
    """The loop to profile: the whole prefix recomputed every step, .item() and torch.cat per token."""
    tokens = prompt.clone()
    out_tokens, out_logits = [], []
    with torch.no_grad():
        for _ in range(n_new):
            logits, _ = model(tokens)  # every position, again
            nxt = logits[-1].argmax().item()
            tokens = torch.cat([tokens, torch.tensor([nxt])])
            out_tokens.append(nxt)
            out_logits.append(logits[-1])
    return torch.tensor(out_tokens, dtype=torch.int64), torch.stack(out_logits)


# -- the fix, and the profile's reading -----------------------------------------------------------------


def fast_generate(model, prompt, n_new):
    """The same tokens and logits: one prefill, then one token per step through the KV cache (past)."""
    out_tokens = torch.empty(n_new, dtype=torch.int64)
    out_logits = torch.empty(n_new, model.head.out_features)
    with torch.no_grad():
        logits, past = model(prompt)
        for i in range(n_new):
            out_logits[i] = logits[-1]
            out_tokens[i] = logits[-1].argmax()
            if i + 1 < n_new:
                logits, past = model(out_tokens[i : i + 1], past)
    return out_tokens, out_logits


def hot_ops(prof, k=5):
    """The k ops with the most self CPU time: [(name, self CPU time in us, calls), ...], most first (ties by name)."""
    rows = [(e.key, float(e.self_cpu_time_total), int(e.count)) for e in prof.key_averages()]
    rows.sort(key=lambda row: (-row[1], row[0]))
    return rows[:k]
