"""Data-parallel training by hand with torch.distributed: what DistributedDataParallel does.

Every rank (process) holds a full copy of the model. Per step, each takes its shard of the global
batch, computes the gradient of its shard's mean loss, and all-reduces the gradients (sum, then
divide by world_size): every rank now holds the mean of the shards' gradients, which for equal
shards is exactly the gradient of the global batch's mean loss, and takes the same optimizer step.
The replicas stay identical and equal one process training on the global batch.

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=W)
    for p in model.parameters(): dist.broadcast(p.data, src=0)    # start from rank 0's weights
    loss = loss_fn(model(shard(x)), shard(y)); loss.backward()
    for p in model.parameters(): dist.all_reduce(p.grad); p.grad /= W    # SUM, then / W: any backend
    optimizer.step()

DDP does the same with gradient buckets all-reduced while backward() is still running (overlap), and
broadcasts the buffers too. Here: gloo on CPU with processes on one machine (launch() spawns them,
after finding a free port). The same code runs on GPUs under torchrun with NCCL:

    torchrun --nproc_per_node=2 reference_impls/torch/ddp.py     # RANK, WORLD_SIZE, MASTER_ADDR/PORT in env

with init_method="env://", backend "nccl" and the model and data on cuda:LOCAL_RANK (see main()).

Source: the PyTorch tutorial "Writing Distributed Applications with PyTorch" (all_reduce averaging)
and torch.nn.parallel.DistributedDataParallel's docs. Limits: the global batch must split into
equal shards (else the mean of means is not the global mean); plain SGD; no bucketing or overlap.
"""

import copy
import os
import socket
import sys
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn.functional as F

TIMEOUT = timedelta(seconds=30)  # a rank that never joins fails the run instead of hanging it


def free_port():
    """A TCP port nobody listens on now (the OS picks it: bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shard(batch, rank, world_size):
    """Rank `rank`'s contiguous slice of the global batch (equal slices: N divisible by world_size)."""
    n = batch.shape[0] // world_size
    return batch[rank * n : (rank + 1) * n]


def average_gradients(model):
    """all_reduce every gradient (sum over ranks), then divide by the world size."""
    world_size = dist.get_world_size()
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad /= world_size


def ddp_train(rank, world_size, port, model, x, y, lr, steps):
    """Run on every rank: `steps` SGD steps on the global batch (x, y) with cross-entropy, in data
    parallel. Returns the final parameters (a list of tensors, equal on every rank)."""
    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world_size, timeout=TIMEOUT
    )
    try:
        for p in model.parameters():  # every replica starts from rank 0's weights
            dist.broadcast(p.data, src=0)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        xs, ys = shard(x, rank, world_size), shard(y, rank, world_size)
        for _ in range(steps):
            optimizer.zero_grad()  # set_to_none=True, the default
            F.cross_entropy(model(xs), ys).backward()
            average_gradients(model)
            optimizer.step()
        dist.barrier()  # no rank tears its connections down while a peer still has a collective in flight
        return [p.detach().clone() for p in model.parameters()]
    finally:
        dist.destroy_process_group()


def _worker(rank, world_size, port, model, x, y, lr, steps, results):
    model = copy.deepcopy(model)  # spawn hands every rank the SAME shared-memory tensors: each needs its own
    results.put((rank, [p.numpy() for p in ddp_train(rank, world_size, port, model, x, y, lr, steps)]))
    # Leave without the interpreter's teardown: exiting normally runs the C++ destructors of c10d's
    # gloo/TCPStore state while their threads may still be winding down (rank 0 hosts the store), and
    # once in a hundred runs that ended in "terminate called without an active exception" (SIGABRT).
    # The result is already written (SimpleQueue.put is synchronous); exercises' forked ranks do the same.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def launch(model, x, y, lr, steps, world_size=2):
    """Spawn world_size processes (torch.multiprocessing.spawn) on a free port; returns each rank's
    final parameters, as lists of NumPy arrays, in rank order."""
    import torch.multiprocessing as mp

    results = mp.get_context("spawn").SimpleQueue()
    mp.spawn(_worker, args=(world_size, free_port(), model, x, y, lr, steps, results), nprocs=world_size, join=True)
    found = dict(results.get() for _ in range(world_size))
    return [found[r] for r in range(world_size)]


def main():
    """Under torchrun: the process group from the environment, NCCL on GPUs, gloo on CPU."""
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    dist.init_process_group(backend, init_method="env://")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if backend == "nccl" else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    torch.manual_seed(0)  # the same global batch on every rank; the weights come from rank 0
    x, y = torch.randn(8 * world_size, 16, device=device), torch.randint(0, 4, (8 * world_size,), device=device)
    torch.manual_seed(rank)
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.Tanh(), torch.nn.Linear(32, 4)).to(device)
    for p in model.parameters():
        dist.broadcast(p.data, src=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(20):
        optimizer.zero_grad()  # set_to_none=True, the default
        loss = F.cross_entropy(model(shard(x, rank, world_size)), shard(y, rank, world_size))
        loss.backward()
        average_gradients(model)
        optimizer.step()
    checksum = torch.stack([p.detach().sum() for p in model.parameters()]).sum()
    all_sums = [torch.zeros_like(checksum) for _ in range(world_size)]
    dist.all_gather(all_sums, checksum)
    if rank == 0:
        print(
            f"{backend}, {world_size} ranks: loss {loss.item():.4f}, replicas equal: "
            f"{all(torch.equal(s, all_sums[0]) for s in all_sums)}"
        )
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
