"""Every code check: a correct answer passes, a wrong one fails with the right one-line reason, an
endless loop is stopped at the time limit (and the next check still runs), an all-zeros answer never
passes. One worker serves the whole module, as it serves a whole session."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.drill.code_checks import CHECKS

REPO = Path(__file__).resolve().parent.parent

# check -> (correct answer, wrong answer, words of the wrong answer's reason, an all-zeros answer)
SOLUTIONS: dict[str, tuple[str, str, str, str]] = {
    "softmax_last_dim": (
        "def softmax(x):\n    x = x - x.max(dim=-1, keepdim=True).values\n    e = x.exp()\n    return e / e.sum(dim=-1, keepdim=True)\n",
        "def softmax(x):\n    e = x.exp()\n    return e / e.sum(dim=-1, keepdim=True)\n",
        r"NaN in the output at \(.*\) at input #4 \(large logits up to 1e4\)",
        "def softmax(x):\n    return torch.zeros_like(x)\n",
    ),
    "log_softmax_last_dim": (
        "def log_softmax(x):\n    m = x.max(dim=-1, keepdim=True).values\n"
        "    return x - m - (x - m).exp().sum(dim=-1, keepdim=True).log()\n",
        "def log_softmax(x):\n    return x.softmax(dim=-1).log()\n",
        r"inf in the output at \(.*\) at input #4 \(large logits up to 1e4\)",
        "def log_softmax(x):\n    return torch.zeros_like(x)\n",
    ),
    "softmax_backward": (
        "def softmax_backward(y, dy):\n    return y * (dy - (y * dy).sum(-1, keepdim=True))\n",
        "def softmax_backward(y, dy):\n    return y * dy\n",
        r"max abs error \S+ at input #1 \(random \(2, 3, 5\)\)",
        "def softmax_backward(y, dy):\n    return torch.zeros_like(dy)\n",
    ),
    "cross_entropy": (
        "def cross_entropy(logits, targets):\n    lse = logits.logsumexp(dim=-1)\n"
        "    return (lse - logits.gather(1, targets[:, None]).squeeze(1)).mean()\n",
        "def cross_entropy(logits, targets):\n    p = logits.softmax(-1)\n    return -p[torch.arange(len(targets)), targets].log().sum()\n",
        r"max abs error \S+ at input #1 \(random \(4, 10\)\)",
        "def cross_entropy(logits, targets):\n    return torch.tensor(0.0)\n",
    ),
    "bce_with_logits": (
        "def bce_with_logits(logits, targets):\n"
        "    return (logits.clamp(min=0) - logits * targets + torch.log1p(torch.exp(-logits.abs()))).mean()\n",
        "def bce_with_logits(logits, targets):\n    p = torch.sigmoid(logits)\n"
        "    return -(targets * p.log() + (1 - targets) * (1 - p).log()).mean()\n",
        r"NaN in the output at input #3 \(large logits \+-100\)",
        "def bce_with_logits(logits, targets):\n    return 0.0\n",
    ),
    "mse_loss": (
        "def mse_loss(pred, target):\n    return ((pred - target) ** 2).mean()\n",
        "def mse_loss(pred, target):\n    return (pred - target).abs().mean()\n",
        r"max abs error \S+ at input #1",
        "def mse_loss(pred, target):\n    return torch.zeros(())\n",
    ),
    "causal_mask": (
        "def causal_mask(T):\n    return torch.ones(T, T, dtype=torch.bool).tril()\n",
        "def causal_mask(T):\n    return torch.ones(T, T, dtype=torch.bool).triu()\n",
        r"2 of 4 values differ, first at \(0, 1\) at input #2 \(T=2\)",
        "def causal_mask(T):\n    return torch.zeros(T, T, dtype=torch.bool)\n",
    ),
    "scaled_dot_product_attention": (
        "def attention(q, k, v, causal):\n    T = q.shape[-2]\n    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])\n"
        "    if causal:\n        s = s.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float('-inf'))\n"
        "    return s.softmax(-1) @ v\n",
        "def attention(q, k, v, causal):\n    return (q @ k.transpose(-2, -1)).softmax(-1) @ v\n",
        r"max abs error \S+ at input #1 \(\(2, 3, 4, 8\), causal=False\)",
        "def attention(q, k, v, causal):\n    return torch.zeros_like(q)\n",
    ),
    "layer_norm": (
        "def layer_norm(x, weight, bias, eps=1e-5):\n    mu = x.mean(-1, keepdim=True)\n"
        "    var = ((x - mu) ** 2).mean(-1, keepdim=True)\n    return (x - mu) / torch.sqrt(var + eps) * weight + bias\n",
        "def layer_norm(x, weight, bias, eps=1e-5):\n"
        "    return (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, keepdim=True) + eps) * weight + bias\n",
        r"max abs error \S+ at input #1 \(random \(2, 3, 8\)\)",
        "def layer_norm(x, weight, bias, eps=1e-5):\n    return torch.zeros_like(x)\n",
    ),
    "rms_norm": (
        "def rms_norm(x, weight, eps=1e-6):\n    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight\n",
        "def rms_norm(x, weight, eps=1e-6):\n    return x / (x.norm(dim=-1, keepdim=True) + eps) * weight\n",
        r"max abs error \S+ at input #1",
        "def rms_norm(x, weight, eps=1e-6):\n    return torch.zeros_like(x)\n",
    ),
    "gelu_tanh": (
        "def gelu(x):\n    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))\n",
        "def gelu(x):\n    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))\n",  # the exact GELU, not the tanh one
        r"max abs error \S+ at input #1 \(linspace\(-10, 10, 101\)\)",
        "def gelu(x):\n    return torch.zeros_like(x)\n",
    ),
    "silu": (
        "def silu(x):\n    return x * torch.sigmoid(x)\n",
        "def silu(x):\n    return torch.sigmoid(x)\n",
        r"max abs error \S+ at input #1",
        "def silu(x):\n    return torch.zeros_like(x)\n",
    ),
    "mlp_param_count": (
        "def mlp_param_count(sizes):\n    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))\n",
        "def mlp_param_count(sizes):\n    return sum(a * b for a, b in zip(sizes, sizes[1:]))\n",  # forgot the biases
        r"expected 203,530, got 203,264 at input #1 \(\[784, 256, 10\]\)",
        "def mlp_param_count(sizes):\n    return 0\n",
    ),
    "topk_indices": (
        "def topk_indices(x, k):\n    return torch.argsort(x, descending=True)[:k]\n",
        "def topk_indices(x, k):\n    return torch.argsort(x)[-k:]\n",  # largest last
        r"expected indices \[.*\], got \[.*\] at input #1 \(n=10, k=3\)",
        "def topk_indices(x, k):\n    return [0] * k\n",
    ),
    "kv_cache_bytes": (
        "def kv_cache_bytes(layers, kv_heads, head_dim, seq_len, batch, bytes_per_elem):\n"
        "    return 2 * layers * kv_heads * head_dim * seq_len * batch * bytes_per_elem\n",
        "def kv_cache_bytes(layers, kv_heads, head_dim, seq_len, batch, bytes_per_elem):\n"
        "    return layers * kv_heads * head_dim * seq_len * batch * bytes_per_elem\n",  # K only
        r"expected 2,147,483,648, got 1,073,741,824 at input #1",
        "def kv_cache_bytes(layers, kv_heads, head_dim, seq_len, batch, bytes_per_elem):\n    return 0\n",
    ),
    "sum_keepdim_broadcast": (
        "def normalize_rows(x):\n    return x / x.sum(dim=-1, keepdim=True)\n",
        "def normalize_rows(x):\n    return x / x.sum(dim=-1)\n",  # no keepdim: (B, T, C) / (B, T)
        r"RuntimeError: The size of tensor a \(4\) must match the size of tensor b \(3\) at non-singleton dimension 2 "
        r"\(line 2 of your code: `return x / x.sum\(dim=-1\)`\) at input #1 \(random \(2, 3, 4\)\)",
        "def normalize_rows(x):\n    return torch.zeros_like(x)\n",
    ),
}


@pytest.fixture(scope="module")
def runner():
    from app.drill.code_runner import CodeRunner

    with CodeRunner(time_limit_s=5.0) as runner:
        yield runner


def test_every_check_has_solutions():
    assert set(SOLUTIONS) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check(runner, name):
    good, wrong, reason, zeros = SOLUTIONS[name]
    function = CHECKS[name].function
    result = runner.check(good, name)
    assert result.passed, result.reason
    result = runner.check(wrong, name)
    assert not result.passed
    assert re.match(reason, result.reason), result.reason
    result = runner.check(zeros, name)
    assert not result.passed, f"an all-zeros answer passed {name}"
    result = runner.check(f"def {function}(*args):\n    while True:\n        pass\n", name, time_limit_s=0.3)
    assert (result.passed, result.reason) == (False, "timed out after 0.3 s")


def test_soft_labels_and_t_q_not_t_k_are_checked(runner):
    # Right for 0/1 targets only: picks log sigmoid(z) or log sigmoid(-z) by the label.
    hard_labels = (
        "def bce_with_logits(logits, targets):\n"
        "    return -torch.nn.functional.logsigmoid(torch.where(targets > 0.5, logits, -logits)).mean()\n"
    )
    result = runner.check(hard_labels, "bce_with_logits")
    assert not result.passed and "soft labels in [0, 1]" in result.reason, result.reason
    # Right only when there are as many keys as queries.
    square = (
        "def attention(q, k, v, causal):\n    B, H, T, D = q.shape\n"
        "    s = (q @ k.transpose(-2, -1)).reshape(B, H, T, T) / math.sqrt(D)\n"
        "    if causal:\n        s = s.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float('-inf'))\n"
        "    return s.softmax(-1) @ v\n"
    )
    result = runner.check(square, "scaled_dot_product_attention")
    assert not result.passed and "T_q=3, T_k=7" in result.reason, result.reason


def test_reasons_point_at_the_learners_line(runner):
    code = "def softmax(x):\n    m = x.max(dim=-1, keepdim=True).values\n    return (x - m).exp() / totl\n"
    result = runner.check(code, "softmax_last_dim")
    assert result.reason == (
        "NameError: name 'totl' is not defined (line 3 of your code: `return (x - m).exp() / totl`) "
        "at input #1 (random (2, 3, 5))"
    )
    assert (
        runner.check("def softmax(x:\n", "softmax_last_dim").reason
        == "SyntaxError: '(' was never closed (line 1 of your code)"
    )
    assert runner.check("def soft_max(x):\n    return x\n", "softmax_last_dim").reason == (
        "your code does not define softmax(...); expected softmax(x) -> softmax over the last dim"
    )
    assert runner.check("def f(x):\n    return x\n", "softmax_last_dim", function="f").reason.startswith(
        "max abs error"
    )
    assert runner.check("", "softmax_last_dim").reason == "no code given"


def test_output_is_captured_and_truncated_and_crashes_are_reasons(runner):
    chatty = "def silu(x):\n    print('hello from silu')\n    return x * torch.sigmoid(x)\n"
    result = runner.check(chatty, "silu")
    assert result.passed and result.output.count("hello from silu") == 3
    flood = "def silu(x):\n    print('x' * 10_000_000)\n    return x * torch.sigmoid(x)\n"
    result = runner.check(flood, "silu")
    assert result.passed and result.output.endswith("... (output truncated)") and len(result.output) < 5000
    result = runner.check("import os\ndef silu(x):\n    os._exit(3)\n", "silu")
    assert result.reason == (
        "called os._exit(3): the checks need your function to return "
        "(line 3 of your code: `os._exit(3)`) at input #1 (linspace(-10, 10, 101))"
    )
    result = runner.check("def silu(x):\n    return input()\n", "silu")
    assert result.reason.startswith("EOFError")  # the learner's code cannot read the protocol
    result = runner.check("def silu(x):\n    raise SystemExit(1)\n", "silu")
    assert result.reason.startswith("called sys.exit(1)")
    # monkeypatching torch in one answer does not reach the next (each runs in a fork)
    assert not runner.check("torch.sigmoid = lambda x: x * 0 + 0.5\ndef silu(x):\n    return x * 0.5\n", "silu").passed
    assert runner.check(SOLUTIONS["silu"][0], "silu").passed


def test_inputs_are_copies(runner):
    inplace = "def softmax(x):\n    x.sub_(x.max(dim=-1, keepdim=True).values).exp_()\n    return x.div_(x.sum(-1, keepdim=True))\n"
    assert runner.check(inplace, "softmax_last_dim").passed


def test_the_parent_never_imports_torch():
    code = (
        "import sys\nfrom app.drill.code_runner import run_code_check\n"
        "r = run_code_check('def silu(x):\\n    return x * torch.sigmoid(x)\\n', 'silu')\n"
        "import app.drill.schema, app.drill.session, app.cli.drill_cmds\n"
        "print(r.passed, 'torch' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "False"]


def _model_code(answer: str) -> str | None:
    block = re.search(r"```(?:python)?\n(.*?)```", answer, re.DOTALL)
    return block.group(1) if block else None


def _real_code_cards():
    from app.curriculum.yaml_source import load_yaml

    for path in sorted((REPO / "drills").glob("*.yaml")):
        for card in load_yaml(path).get("cards") or []:
            if isinstance(card.get("code"), dict):
                yield pytest.param(card, id=card["id"])


@pytest.mark.parametrize("card", list(_real_code_cards()))
def test_model_answers_of_the_real_code_cards_pass_their_checks(runner, card):
    code = _model_code(card["answer"])
    assert code, f"{card['id']}: the answer has no ```python block to check"
    result = runner.check(code, card["code"]["check"], card["code"].get("function"))
    assert result.passed, f"{card['id']}: {result.reason}"
