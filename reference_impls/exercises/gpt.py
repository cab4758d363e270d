"""Exercise: a GPT-2-style decoder-only language model at a tiny size (nanoGPT's model.py)."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._torch import (
    MODEL_TOL,
    build,
    case,
    names_differ,
    not_a_module,
    random_params,
    scoped,
    seeded,
    to_numpy,
)

PREAMBLE = "import math\nfrom dataclasses import dataclass\n\nimport torch\nfrom torch import nn\nimport torch.nn.functional as F\n"

CONFIGS = {
    "tiny": {"block_size": 16, "vocab_size": 32, "n_layer": 2, "n_head": 2, "n_embd": 16, "bias": True},
    "wider_no_bias": {"block_size": 8, "vocab_size": 50, "n_layer": 3, "n_head": 4, "n_embd": 32, "bias": False},
    "one_layer": {"block_size": 4, "vocab_size": 11, "n_layer": 1, "n_head": 1, "n_embd": 8, "bias": True},
}


def _params(cfg, seed, dtype):
    from reference_impls.torch.gpt import GPT, GPTConfig

    return random_params(GPT(GPTConfig(**cfg)), seed, 0.3, dtype)


def forward_cases():
    for n, (name, B, T, dtype, with_targets) in enumerate(
        [
            ("tiny", 2, 8, "float32", True),
            ("tiny", 1, 16, "float64", True),
            ("wider_no_bias", 3, 8, "float32", False),
            ("one_layer", 2, 1, "float64", True),
        ]
    ):
        s = 49000 + n
        cfg = CONFIGS[name]
        rng = seeded(s)
        idx = rng.integers(0, cfg["vocab_size"], (B, T))
        targets = rng.integers(0, cfg["vocab_size"], (B, T)) if with_targets else None
        yield case(
            f"{name}_T{T}_{dtype}",
            s,
            config=cfg,
            params=_params(cfg, s, dtype),
            dtype=dtype,
            idx=idx,
            targets=targets,
            note={16: "T = block_size: every position embedding", 1: "T = 1: one token"}.get(T, "")
            if with_targets
            else "no targets: loss is None",
        )


def forward_call(impl, config, params, dtype, idx, targets=None):
    import torch

    model = build(impl, "GPT", {"config": impl.GPTConfig(**config)}, params, dtype)
    with torch.no_grad():
        logits, loss = model(torch.from_numpy(idx), None if targets is None else torch.from_numpy(targets))
    return {"logits": to_numpy(logits), "loss": None if loss is None else to_numpy(loss)}


def generate_cases():
    for n, (name, prompt_len, new) in enumerate([("tiny", 3, 5), ("one_layer", 2, 6), ("wider_no_bias", 7, 6)]):
        s = 49100 + n
        cfg = CONFIGS[name]
        idx = seeded(s).integers(0, cfg["vocab_size"], (2, prompt_len))
        yield case(
            f"{name}_{prompt_len}_plus_{new}",
            s,
            config=cfg,
            params=_params(cfg, s, "float64"),
            idx=idx,
            max_new_tokens=new,
            note="grows past block_size = 4: feed only the last block_size tokens"
            if prompt_len + new > cfg["block_size"]
            else "",
        )


def generate_call(impl, config, params, idx, max_new_tokens):
    import torch

    model = build(impl, "GPT", {"config": impl.GPTConfig(**config)}, params, "float64")
    with torch.no_grad():
        return to_numpy(model.generate(torch.from_numpy(idx), max_new_tokens))


# -- known mistakes -----------------------------------------------------------------------------------


def _config(**kwargs):
    from reference_impls.torch.gpt import GPTConfig

    return GPTConfig(**kwargs)


def _variant(kind):
    def make(config):
        import torch

        from reference_impls.torch.gpt import GPT

        class Wrong(GPT):
            def forward(self, idx, targets=None):
                T = idx.size(1)
                t = self.transformer
                x = t.wte(idx) + (0 if kind == "no_positions" else t.wpe(torch.arange(T)))
                for block in t.h:
                    if kind == "exact_gelu":
                        block.mlp.act = torch.nn.functional.gelu
                    x = block(x, is_causal=kind != "not_causal")
                logits = self.lm_head(x if kind == "no_ln_f" else t.ln_f(x))
                loss = None
                if targets is not None:
                    loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
                return logits, loss

            @torch.no_grad()
            def generate(self, idx, max_new_tokens):
                for _ in range(max_new_tokens):
                    ctx = idx if kind == "no_crop" else idx[:, -self.config.block_size :]
                    idx = torch.cat([idx, self(ctx)[0][:, -1].argmax(-1, keepdim=True)], dim=1)
                return idx

        return Wrong(config)

    return {"GPT": make, "GPTConfig": _config}


def _untied(case, actual, expected):
    return getattr(actual, "type", None) == "ValueError" and "'lm_head.weight'" in getattr(actual, "message", "")


def _no_crop(case, actual, expected):
    if _untied(case, actual, expected) or names_differ(case, actual, expected):
        return False  # the weights did not load: the model never ran
    return (
        getattr(actual, "type", None) in ("IndexError", "AssertionError", "RuntimeError", "ValueError")
        and case.kwargs.get("max_new_tokens", 0) + case.kwargs["idx"].shape[1] > case.kwargs["config"]["block_size"]
    )


EXERCISE = scoped(
    Exercise.of(
        info("gpt"),
        preamble=PREAMBLE,
        task="""GPT-2 (Radford et al. 2019) as in Karpathy's nanoGPT model.py, at a size a CPU runs in milliseconds.
The checks load weights BY NAME: keep nanoGPT's names.

1. GPTConfig: a @dataclass with block_size=16, vocab_size=32, n_layer=2, n_head=2, n_embd=16, bias=True.
2. GPT(config): an nn.Module with
       transformer.wte = nn.Embedding(vocab_size, n_embd)     token embeddings
       transformer.wpe = nn.Embedding(block_size, n_embd)     learned positions
       transformer.h = nn.ModuleList of n_layer Blocks: PRE-norm (ln_1, attn.in_proj, attn.out_proj,
           ln_2, mlp.c_fc (4 n_embd), mlp.c_proj), CAUSAL attention, GELU's tanh approximation
           (your transformer_block exercise: Block(..., norm_first=True, activation="gelu_tanh"))
       transformer.ln_f = nn.LayerNorm(n_embd, bias=bias)     after the stack
       lm_head = nn.Linear(n_embd, vocab_size, bias=False), its weight TIED to wte's
           (self.lm_head.weight = self.transformer.wte.weight: one parameter, two uses)
   forward(idx (B, T) int64, targets=None) -> (logits (B, T, vocab_size), loss): loss =
   F.cross_entropy over all positions when targets (B, T) are given, else None.
3. generate(idx, max_new_tokens): greedy decoding: append argmax of the last position's logits,
   max_new_tokens times, feeding only the last block_size tokens (idx[:, -block_size:]).
Then count the parameters of GPT-2 small (50257, 1024, 12 layers, 768): 124,439,808.""",
        entry_points=(
            EntryPoint(
                "GPTConfig",
                "(self, block_size=16, vocab_size=32, n_layer=2, n_head=2, n_embd=16, bias=True)",
                "A @dataclass holding the model's sizes (replace this class with one).",
                kind="class",
            ),
            EntryPoint(
                "GPT",
                "(self, config)",
                "nn.Module: transformer.wte / wpe / h / ln_f, lm_head tied to wte.",
                kind="class",
                base="nn.Module",
                methods=(
                    EntryPoint(
                        "forward",
                        "(self, idx, targets=None)",
                        "idx (B, T) -> (logits (B, T, vocab_size), loss or None).",
                    ),
                    EntryPoint("generate", "(self, idx, max_new_tokens)", "(B, T) -> (B, T + max_new_tokens), greedy."),
                ),
            ),
        ),
        checks=(
            Check(
                "forward",
                "GPT",
                forward_cases,
                call=forward_call,
                tolerance=MODEL_TOL,
                description="3 configs (bias / no bias, 1-3 layers), T = 8 / block_size / 1, float32/64, with and without targets",
            ),
            Check(
                "generate",
                "GPT",
                generate_cases,
                call=generate_call,
                description="greedy, float64; past block_size (cropped context)",
            ),
        ),
        probes=(
            Probe(
                "lm_head is not tied: set self.lm_head.weight = self.transformer.wte.weight (GPT-2 shares them; "
                "lm_head then adds no parameter)",
                when=_untied,
            ),
            Probe(
                "generate must crop the context to the last block_size tokens (idx[:, -block_size:]): wpe has no row "
                "past block_size - 1",
                when=_no_crop,
                checks=("generate",),
            ),
            Probe(
                "exact GELU in the MLP: GPT-2 uses the tanh approximation, F.gelu(x, approximate='tanh')",
                impl=_variant("exact_gelu"),
            ),
            Probe(
                "the final LayerNorm (transformer.ln_f) is missing: pre-norm stacks normalize once more before lm_head",
                impl=_variant("no_ln_f"),
            ),
            Probe(
                "attention is not causal: a decoder's position t must not see tokens after t",
                impl=_variant("not_causal"),
            ),
            Probe(
                "post-norm blocks: GPT-2's blocks are PRE-norm, x = x + attn(ln_1(x)) then x = x + mlp(ln_2(x)) "
                "(the residual stream itself is never normalized)",
                impl="wrong/gpt/post_norm_blocks.py",
                checks=("forward",),
            ),
            Probe(
                "the loss shifts the targets a second time: the targets are already the next tokens (targets[b, t] "
                "follows idx[b, t]), so compare logits[:, t] with targets[:, t] at every position",
                impl="wrong/gpt/targets_shifted_inside.py",
                checks=("forward",),
            ),
            Probe("position embeddings missing: x = wte(idx) + wpe(torch.arange(T))", impl=_variant("no_positions")),
            Probe(
                "not an nn.Module: write `class GPT(nn.Module):` and call super().__init__() first", when=not_a_module
            ),
            Probe(
                "parameter names differ from nanoGPT's (transformer.wte, transformer.wpe, transformer.h.0.ln_1, "
                "transformer.h.0.attn.in_proj, ..., transformer.ln_f)",
                when=names_differ,
            ),
        ),
    )
)
