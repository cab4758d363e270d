"""Data parallel: two gloo processes spawned on a free port (torch.multiprocessing.spawn) end with the
same weights as one process training on the global batch; the averaging by hand on shards."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.ddp import launch, shard

STEPS, LR = 5, 0.2


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))


def _single_process(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    for _ in range(STEPS):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return [p.detach() for p in model.parameters()]


@pytest.mark.slow  # two fresh interpreters import torch: ~5 s, more on a busy machine
def test_two_spawned_gloo_ranks_equal_single_process_training():
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(12, 5, generator=g), torch.randint(0, 3, (12,), generator=g)
    model = _model()
    want = _single_process(copy.deepcopy(model), x, y)
    ranks = launch(model, x, y, LR, STEPS, world_size=2)
    for rank in ranks:
        for got, w in zip(rank, want):
            torch.testing.assert_close(torch.from_numpy(got), w, rtol=1e-5, atol=1e-6)


def test_mean_of_equal_shard_gradients_is_the_global_gradient():
    g = torch.Generator().manual_seed(2)
    x, y = torch.randn(12, 5, generator=g), torch.randint(0, 3, (12,), generator=g)
    model = _model()
    grads = []
    for rank in range(3):
        model.zero_grad()
        F.cross_entropy(model(shard(x, rank, 3)), shard(y, rank, 3)).backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    for i, p in enumerate(model.parameters()):
        torch.testing.assert_close(sum(gr[i] for gr in grads) / 3, p.grad)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_main_runs_under_torchrun_with_nccl():
    """The same code on GPUs: torchrun sets RANK / WORLD_SIZE / MASTER_*, main() picks NCCL (one rank per GPU)."""
    script = Path(__file__).resolve().parents[2] / "reference_impls" / "torch" / "ddp.py"
    n = torch.cuda.device_count()
    out = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={n}", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert f"nccl, {n} ranks" in out.stdout and "replicas equal: True" in out.stdout
