"""The Hugging Face generate() shape: past_key_values threaded through an inference_mode loop, tokens kept as
Python ints; the profile read with heapq.nlargest (ties in whatever order the events come)."""

import heapq

import torch


@torch.inference_mode()
def fast_generate(model, prompt, n_new):
    past_key_values = None
    input_ids = prompt
    generated, scores = [], []
    for _ in range(n_new):
        logits, past_key_values = model(input_ids, past=past_key_values)
        next_logits = logits[-1]
        next_id = int(next_logits.argmax())
        generated.append(next_id)
        scores.append(next_logits.clone())
        input_ids = torch.tensor([next_id])
    return torch.tensor(generated, dtype=torch.int64), torch.stack(scores)


def hot_ops(prof, k=5):
    stats = [(avg.key, avg.self_cpu_time_total, avg.count) for avg in prof.key_averages()]
    return heapq.nlargest(k, stats, key=lambda row: row[1])
