"""Exercise: data-parallel training by hand with torch.distributed (gloo, 2-3 local processes)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._torch_io import (
    classification_data,
    mlp,
    to_numpy,
)

RANK_DEADLINE_S = 8.0


def run_ranks(fn, world_size, attempts=3):
    """fn(rank, port) in `world_size` processes forked from this one (a free port for the rendezvous);
    returns their results in rank order, as NumPy. A rank that raises, or ranks that hang (a collective
    some rank never joins), raise here with the rank named; the others are killed. If another process
    took the port between free_port() and the rendezvous, it tries again on a new one."""
    for attempt in range(attempts):
        try:
            return _run_ranks_once(fn, world_size)
        except RuntimeError as exc:
            if "address already in use" not in str(exc).lower() or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _run_ranks_once(fn, world_size):
    import os
    import pickle
    import posix  # os._exit is patched in the checking process; a forked rank must really exit
    import selectors
    import signal
    import sys
    import time

    from reference_impls.torch.ddp import free_port

    port, children = free_port(), {}
    for rank in range(world_size):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the rank: never returns
            os.close(read_fd)
            try:
                payload = ("ok", to_numpy(fn(rank, port)))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                payload = ("error", f"{type(exc).__name__}: {exc}".strip())
            with os.fdopen(write_fd, "wb") as fh:
                fh.write(pickle.dumps(payload))
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            posix._exit(0)
        os.close(write_fd)
        children[read_fd] = (rank, pid, bytearray())
    selector, results, error = selectors.DefaultSelector(), {}, None
    for fd in children:
        selector.register(fd, selectors.EVENT_READ)
    deadline = time.monotonic() + RANK_DEADLINE_S
    try:
        while selector.get_map() and error is None:
            if time.monotonic() > deadline:
                waiting = sorted(children[fd][0] for fd in selector.get_map())
                error = (
                    f"ranks {waiting} did not finish in {RANK_DEADLINE_S:g} s: a collective (all_reduce, "
                    "broadcast) that another rank never calls, or a wrong rank / world_size in init_process_group?"
                )
                break
            for key, _ in selector.select(timeout=0.1):
                rank, _, buffer = children[key.fd]
                chunk = os.read(key.fd, 1 << 16)
                if chunk:
                    buffer += chunk
                    continue
                selector.unregister(key.fd)
                status, value = pickle.loads(bytes(buffer)) if buffer else ("error", "exited without a result")
                if status == "error":
                    error = f"rank {rank}: {value}"
                    break
                results[rank] = value
    finally:
        selector.close()
        for fd, (_, pid, _) in children.items():
            if error is not None:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            os.waitpid(pid, 0)
            os.close(fd)
    if error is not None:
        raise RuntimeError(error)
    return [results[r] for r in range(world_size)]


# -- the checks --------------------------------------------------------------------------------------


def _shards(impl, batch, world_size):
    import torch

    return [to_numpy(impl.shard(torch.from_numpy(batch), rank, world_size)) for rank in range(world_size)]


def shard_cases():
    rng = np.random.default_rng(700)
    for name, shape, world in [
        ("12_over_2", (12, 3), 2),
        ("12_over_3", (12,), 3),
        ("8_over_4", (8, 2, 2), 4),
        ("one_rank", (6, 4), 1),
    ]:
        yield Case(
            name,
            (rng.standard_normal(shape).astype(np.float32), world),
            note="contiguous equal slices in rank order: rank r gets rows r*N/W to (r+1)*N/W",
        )


def _averaged(impl, seed, world_size):
    """Each rank puts its own gradients in .grad, then impl.average_gradients(model) inside a gloo group."""

    def rank_fn(rank, port):
        from datetime import timedelta

        import torch.distributed as dist

        dist.init_process_group(
            "gloo",
            init_method=f"tcp://127.0.0.1:{port}",
            rank=rank,
            world_size=world_size,
            timeout=timedelta(seconds=RANK_DEADLINE_S),
        )
        try:
            model = mlp(seed)
            for p, grad in zip(model.parameters(), _gradients(seed, rank), strict=True):
                p.grad = grad
            impl.average_gradients(model)
            return [p.grad for p in model.parameters()]
        finally:
            dist.destroy_process_group()

    return run_ranks(rank_fn, world_size)


def _gradients(seed, rank):
    """The gradients rank `rank` puts in .grad in _averaged (its own generator, scaled by rank + 1)."""
    import torch

    g = torch.Generator().manual_seed(seed + rank)
    return [torch.randn(p.shape, generator=g) * (rank + 1) for p in mlp(seed).parameters()]


def _mean_gradients(seed, world_size):
    """The oracle of `average`, in this process: every rank ends with the mean of the ranks' gradients."""
    import torch

    per_rank = [_gradients(seed, rank) for rank in range(world_size)]
    mean = [torch.stack(grads).mean(0) for grads in zip(*per_rank, strict=True)]
    return [to_numpy(mean)] * world_size


def average_cases():
    yield Case("3_ranks", (710, 3), seed=710, note="every rank must end with the mean of the 3 ranks' gradients")


def _ddp(impl, x, y, seed, world_size, lr=0.3, steps=3):
    """impl.ddp_train on every rank; rank 0's model is the reference's, the others start perturbed (as
    separately initialized replicas do), so the weights must come from rank 0."""

    def rank_fn(rank, port):
        import torch

        model = mlp(seed)
        if rank:
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(0.1 * rank)
        return impl.ddp_train(rank, world_size, port, model, torch.from_numpy(x), torch.from_numpy(y), lr, steps)

    return run_ranks(rank_fn, world_size)


def _single_process(x, y, seed, world_size, lr=0.3, steps=3):
    """The oracle of `train`: one process, rank 0's initial weights, SGD on the whole global batch.
    Equal shards make the mean of the shards' mean-loss gradients the global batch's gradient, so
    every rank must end with these weights (up to float32 rounding)."""
    import torch
    import torch.nn.functional as F

    model = mlp(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        optimizer.step()
    return [to_numpy([p.detach() for p in model.parameters()])] * world_size


def train_cases():
    for k, (n, world) in enumerate([(8, 2), (12, 3)]):
        x, y = classification_data(720 + k, n)
        yield Case(
            f"{n}_samples_{world}_ranks",
            (x, y, 720 + k, world),
            seed=720 + k,
            note="3 SGD steps: every rank must end with the weights of one process training on all samples",
        )


# -- known mistakes ---------------------------------------------------------------------------------


def _strided(batch, rank, world_size):
    return batch[rank::world_size]


def _full(batch, rank, world_size):
    return batch


def _summed(model):
    import torch.distributed as dist

    for p in model.parameters():
        dist.all_reduce(p.grad)


def _local_mean(model):
    import torch.distributed as dist

    for p in model.parameters():
        p.grad /= dist.get_world_size()


SUMMED = (
    "gradients summed, not averaged: after all_reduce(SUM) divide by the world size, or the step is W times too big"
)

EXERCISE = Exercise.of(
    info("ddp_allreduce"),
    preamble="from datetime import timedelta\n\nimport torch\nimport torch.distributed as dist\nimport torch.nn.functional as F\n",
    task="""What DistributedDataParallel does, written out with torch.distributed on the CPU (gloo).

Every process ("rank") holds a full copy of the model. Each step, each rank computes the gradient of
the mean loss on ITS shard of the global batch; all_reduce sums the gradients over the ranks;
dividing by the world size makes them the mean, which for equal shards is exactly the gradient of
the whole batch. Same gradients, same optimizer step: the replicas stay equal, and equal one process
training on the global batch.

1. `shard(batch, rank, world_size)`: rank r's contiguous slice of rows r*N/W to (r+1)*N/W.
2. `average_gradients(model)`: all_reduce every .grad (op SUM) in place, then divide by
   dist.get_world_size().
3. `ddp_train(rank, world_size, port, model, x, y, lr, steps)`, run by every rank:
   dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
   world_size=world_size, timeout=timedelta(seconds=8)); broadcast rank 0's parameters to all
   ranks (dist.broadcast(p.data, src=0): replicas are initialized separately); then `steps` steps of
   torch.optim.SGD(lr) on F.cross_entropy over your shard, averaging the gradients before each step;
   destroy_process_group() at the end; return the final parameters (a list of tensors).

The check forks the ranks itself (2 or 3, a free port each time) and compares every rank's result.
The same code runs on GPUs under `torchrun --nproc_per_node=N script.py` with backend "nccl",
init_method="env://" (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT come from the environment) and the
model and data on cuda:LOCAL_RANK; reference_impls/torch/ddp.py has that main(), and launch() with
torch.multiprocessing.spawn, which the reference's test uses (tests/reference/test_ddp.py).""",
    entry_points=(
        EntryPoint("shard", "(batch, rank, world_size)", "Rank `rank`'s contiguous equal slice of the batch (dim 0)."),
        EntryPoint(
            "average_gradients",
            "(model)",
            "all_reduce (SUM) every parameter's .grad in place, then divide by the world size.",
        ),
        EntryPoint(
            "ddp_train",
            "(rank, world_size, port, model, x, y, lr, steps)",
            "Data-parallel SGD on every rank (see the task); returns the final parameters as a list of tensors.",
        ),
    ),
    checks=(
        Check(
            "shard",
            "shard",
            shard_cases,
            call=_shards,
            description="12 rows over 2 and 3 ranks, 8 over 4 (3-D), 1 rank: every rank's slice",
        ),
        Check(
            "average",
            "average_gradients",
            average_cases,
            call=_averaged,
            expected=_mean_gradients,
            description="3 forked gloo ranks with different gradients: all end with the mean (computed in one process)",
        ),
        Check(
            "train",
            "ddp_train",
            train_cases,
            call=_ddp,
            expected=_single_process,
            description="2 and 3 forked gloo ranks, replicas initialized differently, 3 SGD steps: every rank's weights "
            "equal one process training on the global batch",
        ),
    ),
    probes=(
        Probe(
            "strided shards (rows r, r+W, ...): take the contiguous slice r*N/W to (r+1)*N/W",
            impl={"shard": _strided},
            checks=("shard",),
        ),
        Probe(
            "every rank took the whole batch: each rank works on its own 1/W of it",
            impl={"shard": _full},
            checks=("shard",),
        ),
        Probe(SUMMED, impl={"average_gradients": _summed}, checks=("average",)),
        Probe(
            "no all_reduce: each rank divided its own gradient; the ranks must exchange gradients with dist.all_reduce",
            impl={"average_gradients": _local_mean},
            checks=("average",),
        ),
        Probe(
            "the replicas did not start from the same weights: broadcast rank 0's parameters "
            "(dist.broadcast(p.data, src=0)) before training",
            impl="wrong/ddp_allreduce/no_broadcast.py",
            checks=("train",),
        ),
        Probe(
            "the ranks never finished: every rank must call the same collectives in the same order, with the "
            "rank and world_size it was given",
            when=lambda case, actual, expected: "did not finish" in str(getattr(actual, "message", "")),
        ),
    ),
)
