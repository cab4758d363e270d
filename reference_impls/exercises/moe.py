"""Exercise: a mixture-of-experts layer with top-k routing and the Switch Transformer load-balancing loss."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch import (
    MODEL_TOL,
    build,
    case,
    names_differ,
    not_a_module,
    randn,
    random_params,
    scoped,
    seeded,
    to_numpy,
    to_torch,
)

# Mixtral computes the router's softmax in float32 whatever the model's dtype (F.softmax(..., dtype=torch.float)):
# correct, and on float64 input right to float32 precision only, so float64 cases are held to float32's tolerance.
ROUTER_TOL = {"float32": (1e-4, 1e-5), "float64": (1e-5, 1e-6)}

PREAMBLE = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"

SETUPS = [  # name, init, dtype, note
    (
        "mixtral_top2",
        {"d_model": 8, "d_ff": 16, "n_experts": 4, "top_k": 2},
        "float32",
        "top-2 of 4, weights renormalized over the two",
    ),
    ("top2_of_8_float64", {"d_model": 8, "d_ff": 12, "n_experts": 8, "top_k": 2}, "float64", ""),
    (
        "switch_top1",
        {"d_model": 6, "d_ff": 16, "n_experts": 4, "top_k": 1, "normalize": False},
        "float32",
        "Switch: top-1, the output scaled by the router probability p (not renormalized to 1)",
    ),
    (
        "top1_normalized",
        {"d_model": 6, "d_ff": 8, "n_experts": 3, "top_k": 1},
        "float64",
        "top-1 renormalized: weight 1",
    ),
    ("top3_of_6", {"d_model": 8, "d_ff": 8, "n_experts": 6, "top_k": 3}, "float32", ""),
]


def moe_cases():
    from reference_impls.torch.moe import MoE

    for n, (name, init, dtype, note) in enumerate(SETUPS):
        s = 60000 + n
        params = random_params(MoE(**init), s, 0.5, dtype)
        params["gate.weight"] = params["gate.weight"] * 3  # a decisive router: no near-ties between experts
        yield case(name, s, init=init, params=params, x=randn(seeded(s), (2, 5, init["d_model"]), dtype), note=note)
    # drawn afresh each run: sizes, expert count, top-k and normalization; tokens whose top k + 1 router
    # logits come close are drawn again, so that rounding never decides which experts a token gets
    for rng, _, dtype, s in fresh([()], seed=60050, n=1):
        d_model, d_ff, n_experts, B, T = (int(v) for v in rng.integers([2, 1, 2, 1, 1], [10, 13, 9, 4, 7]))
        init = {"d_model": d_model, "d_ff": d_ff, "n_experts": n_experts, "top_k": int(rng.integers(1, n_experts + 1))}
        init["normalize"] = bool(rng.integers(2))
        params = random_params(MoE(**init), s, 0.5, dtype)
        params["gate.weight"] = params["gate.weight"] * 3
        x = _decisive(rng, params["gate.weight"], init["top_k"], (B, T, d_model), dtype)
        yield case("fresh", s, init=init, params=params, x=x, note=f"{init}")


def _decisive(rng, gate, k, shape, dtype, gap=1e-2):
    """x whose router logits x @ gate.T leave every token a gap between each of its top k + 1 experts."""
    import numpy as np

    x = randn(rng, shape, dtype)
    for _ in range(1000):
        logits = -np.sort(-(x.astype("float64") @ gate.T.astype("float64")), axis=-1)
        top = logits[..., : min(k + 1, gate.shape[0])]  # the top-1 (the balancing loss's count) and the k-th
        close = (top[..., :-1] - top[..., 1:]).min(axis=-1, initial=np.inf) < gap
        if not close.any():
            break
        x[close] = randn(rng, (int(close.sum()), shape[-1]), dtype)
    return x


def moe_call(impl, init, params, x):
    import torch

    moe = build(impl, "MoE", init, params, str(x.dtype))
    with torch.no_grad():
        y, loss = moe(to_torch(x))
    return {"y": to_numpy(y), "load_balancing_loss": to_numpy(torch.as_tensor(loss))}


def expert_cases():
    from reference_impls.torch.moe import Expert

    for n, dtype in enumerate(("float32", "float64")):
        s = 60100 + n
        yield case(
            dtype,
            s,
            init={"d_model": 6, "d_ff": 10},
            params=random_params(Expert(6, 10), s, 0.5, dtype),
            x=randn(seeded(s), (4, 6), dtype),
        )


def expert_call(impl, init, params, x):
    import torch

    expert = build(impl, "Expert", init, params, str(x.dtype))
    with torch.no_grad():
        return to_numpy(expert(to_torch(x)))


# -- known mistakes -----------------------------------------------------------------------------------


def _variant(force_normalize=None, f_kind="top1", scale_by_E=True, expert_act="silu"):
    """The reference with one thing changed; normalize=True / False overrides the constructor's flag."""

    def make(d_model, d_ff, n_experts, top_k=2, normalize=True):
        import torch

        from reference_impls.torch.moe import MoE

        class Wrong(MoE):
            def forward(self, x):
                B, T, C = x.shape
                x = x.reshape(B * T, C)
                probs = torch.softmax(self.gate(x), dim=-1)
                weights, chosen = probs.topk(self.top_k, dim=-1)
                if self.normalize:
                    weights = weights / weights.sum(-1, keepdim=True)
                y = torch.zeros_like(x)
                for e, expert in enumerate(self.experts):
                    token, slot = (chosen == e).nonzero(as_tuple=True)
                    if token.numel():
                        h = x[token]
                        out = expert(h) if expert_act == "silu" else expert.w2(torch.relu(expert.w1(h)) * expert.w3(h))
                        y.index_add_(0, token, weights[token, slot, None] * out)
                E = len(self.experts)
                if f_kind == "top1":
                    f = torch.nn.functional.one_hot(chosen[:, 0], E).to(probs.dtype).mean(0)
                elif f_kind == "all_k":
                    f = torch.nn.functional.one_hot(chosen, E).to(probs.dtype).sum(1).mean(0)
                else:  # the mean probabilities in place of the dispatch fractions
                    f = probs.mean(0)
                return y.view(B, T, C), (f * probs.mean(0)).sum() * (E if scale_by_E else 1)

        return Wrong(d_model, d_ff, n_experts, top_k, normalize if force_normalize is None else force_normalize)

    return {"MoE": make}


EXERCISE = scoped(
    Exercise.of(
        info("moe"),
        preamble=PREAMBLE,
        task="""A sparse MoE layer (Shazeer et al. 2017; Switch Transformer, Fedus et al. 2022; Mixtral 2024).

1. Expert(d_model, d_ff): Mixtral's SwiGLU MLP, nn.Linear without bias: w1 (d_model -> d_ff),
   w3 (d_model -> d_ff), w2 (d_ff -> d_model); forward(x) = w2(silu(w1 x) * w3 x).
2. MoE(d_model, d_ff, n_experts, top_k=2, normalize=True): gate = nn.Linear(d_model, n_experts,
   bias=False), experts = nn.ModuleList of n_experts Experts. forward(x (B, T, d_model)) ->
   (y (B, T, d_model), load-balancing loss: a 0-d tensor). Per token (flatten to (B*T, d)):
       probs = softmax(gate(x)) over ALL experts; weights, chosen = probs.topk(top_k)
       normalize=True: weights /= weights.sum() (Mixtral, GShard top-2); False: keep p (Switch top-1)
       y = sum over the chosen experts of weight * expert(x)   (run each expert once, on its tokens)
   Load balancing, Switch Transformer Eq. 4-6 (the Switch formula, not GShard's):
       loss = n_experts * sum_i f_i * P_i
       f_i = fraction of tokens whose TOP-1 expert is i;   P_i = mean over tokens of probs[:, i]
   It is 1 for perfectly balanced routing. (Hugging Face's Mixtral loss counts every top-k choice in
   f: k at balance.) The router's softmax may run in float32 as Mixtral's does (float64 cases are
   checked to float32 precision). Why does the gradient reach the router only through P?""",
        entry_points=(
            EntryPoint(
                "Expert",
                "(self, d_model, d_ff)",
                "nn.Module: w1, w2, w3 (nn.Linear, bias=False).",
                kind="class",
                base="nn.Module",
                methods=(EntryPoint("forward", "(self, x)", "(..., d_model) -> (..., d_model)."),),
            ),
            EntryPoint(
                "MoE",
                "(self, d_model, d_ff, n_experts, top_k=2, normalize=True)",
                "nn.Module: gate, experts.",
                kind="class",
                base="nn.Module",
                methods=(EntryPoint("forward", "(self, x)", "x (B, T, d) -> (y (B, T, d), loss (0-d tensor))."),),
            ),
        ),
        checks=(
            Check("expert", "Expert", expert_cases, call=expert_call, tolerance=MODEL_TOL, description="float32/64"),
            Check(
                "moe",
                "MoE",
                moe_cases,
                call=moe_call,
                tolerance=ROUTER_TOL,
                description="top-2 of 4 and of 8, Switch top-1 (not renormalized), top-1 renormalized, top-3 of 6; float32/64",
            ),
        ),
        probes=(
            Probe(
                "top-k weights not renormalized: with normalize=True divide the k chosen probabilities by their sum",
                impl=_variant(force_normalize=False),
            ),
            Probe(
                "Switch's top-1 output is scaled by the router probability p (normalize=False): renormalizing makes it 1 and "
                "cuts the router's gradient",
                impl=_variant(force_normalize=True),
            ),
            Probe(
                "f counts every top-k choice (Hugging Face's Mixtral loss): Switch's f_i is the fraction of tokens whose "
                "TOP-1 expert is i",
                impl=_variant(f_kind="all_k"),
            ),
            Probe(
                "f must be the DISPATCH fraction (counted from the top-1 choices), not the mean probability: f_i * P_i, "
                "not P_i^2",
                impl=_variant(f_kind="probs"),
            ),
            Probe(
                "P_i is the mean of the router's FULL softmax over all experts (probs[:, i]), not of the top-k "
                "weights: the gradient must reach every expert's logit",
                impl="wrong/moe/P_from_topk_weights.py",
            ),
            Probe(
                "the loss is scaled by n_experts: E * sum_i f_i P_i (1 at perfect balance)",
                impl=_variant(scale_by_E=False),
            ),
            Probe("the experts use SiLU (SwiGLU): w2(silu(w1 x) * w3 x)", impl=_variant(expert_act="relu")),
            Probe(
                "not an nn.Module: write `class Name(nn.Module):` and call super().__init__() first", when=not_a_module
            ),
            Probe("parameter names differ: gate, experts.0.w1, experts.0.w2, experts.0.w3", when=names_differ),
        ),
    )
)
