"""Correct, in the style of PyTorch's tutorial "Writing Distributed Applications with PyTorch" and DDP's
gradient buckets: the shard by torch.chunk, every gradient flattened into ONE buffer
(parameters_to_vector-like torch.cat), a single all_reduce on it, divided by the world size and copied back
(vector_to_parameters-like); the replicas synchronized by broadcasting the flattened parameters from rank 0."""

from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn.functional as F


def shard(batch, rank, world_size):
    return torch.chunk(batch, world_size, dim=0)[rank]


def average_gradients(model):
    params = [p for p in model.parameters() if p.grad is not None]
    bucket = torch.cat([p.grad.reshape(-1) for p in params])
    dist.all_reduce(bucket, op=dist.ReduceOp.SUM)
    bucket /= float(dist.get_world_size())
    offset = 0
    for p in params:
        n = p.grad.numel()
        p.grad.copy_(bucket[offset : offset + n].view_as(p.grad))
        offset += n


def ddp_train(rank, world_size, port, model, x, y, lr, steps):
    dist.init_process_group(
        backend="gloo",
        init_method=f"tcp://127.0.0.1:{port}",
        rank=rank,
        world_size=world_size,
        timeout=timedelta(seconds=8),
    )
    flat = torch.cat([p.data.reshape(-1) for p in model.parameters()])
    dist.broadcast(flat, src=0)
    offset = 0
    for p in model.parameters():
        p.data.copy_(flat[offset : offset + p.numel()].view_as(p))
        offset += p.numel()

    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    data, target = shard(x, rank, world_size), shard(y, rank, world_size)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(data), target)
        loss.backward()
        average_gradients(model)
        optimizer.step()
    result = [p.detach().clone() for p in model.parameters()]
    dist.destroy_process_group()
    return result
