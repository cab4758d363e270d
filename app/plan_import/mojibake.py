"""Repair UTF-8 text that was once decoded as Windows-1252 (or Latin-1): ``O(nÂ²)`` -> ``O(n²)``.

A UTF-8 multi-byte sequence read as cp1252 turns into a lead character (``Â``, ``â``, ``ð`` ...)
followed by one to three characters that stand for continuation bytes (``²``, ``€``, ``†`` ...).
Each such run is mapped back to its bytes and decoded as UTF-8; a run that does not decode
strictly is left alone, so correct text (``W₀``, ``→``, ``é``) is never touched.
"""

from __future__ import annotations

import re

# The character that each byte 0x80-0xFF becomes when read as cp1252; the five bytes cp1252 leaves
# undefined (and every byte 0x80-0x9F read as Latin-1) stay as the C1 control character of that value.
_BYTE_OF: dict[str, int] = {}
for _byte in range(0x80, 0x100):
    _BYTE_OF[chr(_byte)] = _byte
    try:
        _BYTE_OF[bytes([_byte]).decode("cp1252")] = _byte
    except UnicodeDecodeError:
        pass


def _chars(lo: int, hi: int) -> str:
    return "".join(re.escape(ch) for ch, b in _BYTE_OF.items() if lo <= b <= hi)


_CONT = f"[{_chars(0x80, 0xBF)}]"
_RUN = re.compile(
    f"[{_chars(0xC2, 0xDF)}]{_CONT}|[{_chars(0xE0, 0xEF)}]{_CONT}{{2}}|[{_chars(0xF0, 0xF4)}]{_CONT}{{3}}"
)


def _redecode(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        return bytes(_BYTE_OF[ch] for ch in run).decode("utf-8")
    except UnicodeDecodeError:
        return run


def fix_mojibake(text: str) -> str:
    """Return ``text`` with every cp1252-misread UTF-8 sequence decoded back (twice misread: twice)."""
    for _ in range(2):
        fixed = _RUN.sub(_redecode, text)
        if fixed == text:
            break
        text = fixed
    return text
