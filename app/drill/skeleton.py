"""The code a code card opens with: the check's signature as a comment, then a valid, empty function.

    # topk_indices(x 1-D, k) -> indices of the k largest, largest first
    # torch, F, nn, np and math are imported
    def topk_indices(x, k):
        ...

Parameter names come from the check's signature, which is written for people
(`cross_entropy(logits (N, C), targets (N,) int64)`): the first word of each top-level argument,
with its default if it has one.
"""

from __future__ import annotations

import re

BODY = "    ..."
_NAME = re.compile(r"\s*(\*{0,2}[A-Za-z_]\w*)(\s*=\s*[^\s,]+)?")


def parameters(signature: str, function: str) -> list[str]:
    """`cross_entropy(logits (N, C), targets (N,) int64) -> ...` -> ['logits', 'targets']."""
    start = signature.find("(")
    if start < 0:
        return []
    depth, part, parts = 0, "", []
    for char in signature[start + 1 :]:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(part)
            part = ""
            continue
        part += char if depth == 0 else ""
    parts.append(part)
    names = []
    for text in parts:
        match = _NAME.match(text)
        if match:
            names.append(match.group(1) + ("=" + match.group(2).split("=", 1)[1].strip() if match.group(2) else ""))
    return names


def code_skeleton(function: str, signature: str) -> str:
    return (
        f"# {signature}\n# torch, F, nn, np and math are imported\n"
        f"def {function}({', '.join(parameters(signature, function))}):\n{BODY}\n"
    )


def body_position(skeleton: str) -> tuple[int, int]:
    """(row, column) of the body's `...`, where the learner starts typing."""
    lines = skeleton.splitlines()
    row = lines.index(BODY)
    return row, BODY.index(".")


def unanswered(code: str, skeleton: str) -> bool:
    """Nothing written: blank, or the skeleton as it was (comments and blank lines aside)."""

    def meaningful(text: str) -> list[str]:  # the skeleton's `...` (or a `pass`) is not an answer either
        return [
            line.rstrip()
            for line in text.splitlines()
            if line.strip() not in ("", "...", "pass") and not line.lstrip().startswith("#")
        ]

    return not meaningful(code) or meaningful(code) == meaningful(skeleton)
