"""Correct, in the style of Hugging Face's MixtralSparseMoeBlock: router logits, softmax in float, top-k,
renormalize, a one-hot expert mask permuted to (experts, k, tokens), torch.where per expert and
index_add_ of the weighted outputs; the Switch load-balancing loss from the top-1 column."""

import torch
import torch.nn.functional as F
from torch import nn


class Expert(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.w1 = nn.Linear(d_model, d_ff, bias=False)
        self.w2 = nn.Linear(d_ff, d_model, bias=False)
        self.w3 = nn.Linear(d_model, d_ff, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, hidden_states):
        return self.w2(self.act_fn(self.w1(hidden_states)) * self.w3(hidden_states))


class MoE(nn.Module):
    def __init__(self, d_model, d_ff, n_experts, top_k=2, normalize=True):
        super().__init__()
        self.num_experts, self.top_k, self.normalize = n_experts, top_k, normalize
        self.gate = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList([Expert(d_model, d_ff) for _ in range(n_experts)])

    def forward(self, hidden_states):
        batch_size, sequence_length, hidden_dim = hidden_states.shape
        hidden_states = hidden_states.view(-1, hidden_dim)
        router_logits = self.gate(hidden_states)
        routing_weights = F.softmax(router_logits, dim=1, dtype=torch.float)
        all_probs = routing_weights
        routing_weights, selected_experts = torch.topk(routing_weights, self.top_k, dim=-1)
        if self.normalize:
            routing_weights /= routing_weights.sum(dim=-1, keepdim=True)
        routing_weights = routing_weights.to(hidden_states.dtype)
        final = torch.zeros_like(hidden_states)
        expert_mask = F.one_hot(selected_experts, num_classes=self.num_experts).permute(2, 1, 0)
        for expert_idx in range(self.num_experts):
            idx, top_x = torch.where(expert_mask[expert_idx])
            if top_x.numel() == 0:
                continue
            current = self.experts[expert_idx](hidden_states[top_x]) * routing_weights[top_x, idx, None]
            final.index_add_(0, top_x, current.to(hidden_states.dtype))
        tokens_per_expert = F.one_hot(selected_experts[:, 0], self.num_experts).to(all_probs.dtype).mean(dim=0)
        router_prob_per_expert = all_probs.mean(dim=0)
        aux_loss = self.num_experts * torch.sum(tokens_per_expert * router_prob_per_expert)
        return final.reshape(batch_size, sequence_length, hidden_dim), aux_loss.to(hidden_states.dtype)
