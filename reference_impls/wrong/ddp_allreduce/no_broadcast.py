"""Wrong: trains each replica from its own initial weights (no broadcast from rank 0); the rest is right."""

from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn.functional as F

EXPECTED_HINT = "did not start from the same weights"


def shard(batch, rank, world_size):
    n = batch.shape[0] // world_size
    return batch[rank * n : (rank + 1) * n]


def average_gradients(model):
    for p in model.parameters():
        dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
        p.grad /= dist.get_world_size()


def ddp_train(rank, world_size, port, model, x, y, lr, steps):
    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world_size, timeout=timedelta(seconds=8)
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    xs, ys = shard(x, rank, world_size), shard(y, rank, world_size)
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(model(xs), ys).backward()
        average_gradients(model)
        optimizer.step()
    dist.destroy_process_group()
    return [p.detach().clone() for p in model.parameters()]
