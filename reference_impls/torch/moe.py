"""A mixture-of-experts layer: top-k routing and the Switch Transformer load-balancing loss.

    probs = softmax(x W_gate)                        (N tokens, E experts)
    weights, experts = top_k(probs)                  each token goes to its k most probable experts
    weights /= weights.sum()  (normalize=True)       Mixtral / GShard top-2; Switch (k = 1) keeps p
    y = sum over the k chosen experts of weight * expert(x)

Only k of the E expert MLPs run per token: E times the parameters for k times the compute. The
router would happily send everything to a few experts, so training adds (times a small alpha,
1e-2 in Switch) the load-balancing loss of Switch Transformer (Fedus et al., Eq. 4-6):

    loss = E * sum_i f_i * P_i,   f_i = fraction of tokens whose top-1 expert is i
                                  P_i = mean router probability of expert i over the tokens

It is 1 when routing is uniform and grows as both the dispatch f and the probability mass P pile
onto the same experts; f is not differentiable, so the gradient flows through P. (Hugging Face's
Mixtral version counts every top-k choice in f, so its uniform value is k instead of 1.)

Each expert is a SwiGLU MLP as in Mixtral: w2(silu(w1 x) * w3 x), no biases.

Source: Fedus et al. 2022, "Switch Transformers", Sec. 2.1-2.2, Eq. 4-6 (the loss: the Switch
formula, not GShard's); Shazeer et al. 2017 (top-k gating); Jiang et al. 2024, "Mixtral of Experts",
Sec. 2.1 (softmax over the top-2 logits = the renormalized top-2 probabilities). Limits: no expert
capacity or token dropping, no router noise or z-loss, experts run one after another.
"""

import torch
from torch import nn


class Expert(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.w1 = nn.Linear(d_model, d_ff, bias=False)
        self.w2 = nn.Linear(d_ff, d_model, bias=False)
        self.w3 = nn.Linear(d_model, d_ff, bias=False)

    def forward(self, x):
        return self.w2(nn.functional.silu(self.w1(x)) * self.w3(x))


class MoE(nn.Module):
    def __init__(self, d_model, d_ff, n_experts, top_k=2, normalize=True):
        super().__init__()
        self.top_k, self.normalize = top_k, normalize
        self.gate = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList([Expert(d_model, d_ff) for _ in range(n_experts)])

    def forward(self, x):
        """x (B, T, C) -> (y (B, T, C), load-balancing loss: a scalar tensor)."""
        B, T, C = x.shape
        x = x.reshape(B * T, C)  # (N, C): routing is per token
        probs = torch.softmax(self.gate(x), dim=-1)  # (N, E)
        weights, chosen = probs.topk(self.top_k, dim=-1)  # (N, k), best first
        if self.normalize:
            weights = weights / weights.sum(dim=-1, keepdim=True)
        y = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            token, slot = (chosen == e).nonzero(as_tuple=True)  # the tokens routed to expert e
            if token.numel():
                y.index_add_(0, token, weights[token, slot, None] * expert(x[token]))
        E = len(self.experts)
        f = nn.functional.one_hot(chosen[:, 0], E).to(probs.dtype).mean(dim=0)  # (E,): top-1 dispatch fractions
        P = probs.mean(dim=0)  # (E,)
        return y.view(B, T, C), E * (f * P).sum()
