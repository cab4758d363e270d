"""The torch._dynamo stand-in of verify's children: torch.optim runs without importing dynamo, and
torch.compile (or an import of a dynamo submodule) still gets the real module, loaded once."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("torch")


def _run(code: str) -> str:
    """In a fresh interpreter: the stand-in changes torch's process-wide state."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


TRAIN = """
import torch
torch.manual_seed(0)
model = torch.nn.Linear(4, 2)
opt = torch.optim.AdamW(model.parameters(), lr=0.1)
x = torch.randn(8, 4)
for _ in range(3):
    opt.zero_grad()
    model(x).pow(2).mean().backward()
    opt.step()
loss = round(model(x).pow(2).mean().item(), 6)
"""


def test_an_optimizer_trains_saves_and_joins_a_process_group_without_importing_dynamo():
    out = _run(
        """
        import sys
        from app.verify.sandbox import eager_dynamo
        eager_dynamo.install()
        exec(TRAIN)
        opt.load_state_dict(opt.state_dict())
        import socket, torch.distributed as dist
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=0, world_size=1)
        dist.destroy_process_group()
        print(loss, "torch._dynamo.utils" in sys.modules)
    """.replace("TRAIN", repr(TRAIN))
    )
    plain: dict = {}
    exec(TRAIN, plain)  # the same training with the real torch._dynamo: the same weights  # noqa: S102
    assert out.split() == [str(plain["loss"]), "False"]


def test_compile_and_submodule_imports_load_the_real_module_once():
    out = _run("""
        import sys, torch
        from app.verify.sandbox import eager_dynamo
        eager_dynamo.install()
        opt = torch.optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=0.1)
        opt.zero_grad()                               # wrapped by the stand-in's disable()
        import torch._dynamo.config as config         # a submodule first: the real package, one copy
        print(config is sys.modules["torch._dynamo.config"] is torch._dynamo.config)
        f = torch.compile(lambda x: x * 2 + 1, backend="eager")
        print(f(torch.ones(2)).tolist(), type(torch._dynamo).__name__, sys.modules["torch._dynamo"] is torch._dynamo)
        opt.zero_grad()                               # now through the real disable()
    """)
    assert out.splitlines() == ["True", "[3.0, 3.0] module True"]
