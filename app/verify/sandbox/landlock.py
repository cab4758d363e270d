"""Landlock (Linux >= 5.13): the learner's process may read everywhere but write only where we allow.

Applied in the forked child that runs learner code, after fork and before the learner's file is
imported (app/verify/sandbox/confine.py). Through ctypes and the raw syscalls (Python has no
binding): landlock_create_ruleset, landlock_add_rule, landlock_restrict_self. What is handled is
every right that writes (make, remove, write, truncate, rename across folders); reading and
executing are not handled, so they stay allowed. With ABI 6 (Linux 6.12) the domain is also scoped:
the learner's code cannot signal a process outside it (the supervisor, the `learn` app) or connect
to an abstract Unix socket outside it. Network access is not restricted.

A kernel without Landlock (or another OS) gets `restrict` -> False: the caller reports that writes
are not contained there.
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform
import sys
from pathlib import Path

# syscall numbers: the same on every architecture that has them (they were added after the
# unification of syscall tables), but ask only where we know.
_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446), "arm64": (444, 445, 446)}

CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

# LANDLOCK_ACCESS_FS_*
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE = 1 << 13, 1 << 14  # ABI 2, ABI 3
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

_WRITES_V1 = (
    WRITE_FILE
    | REMOVE_DIR
    | REMOVE_FILE
    | MAKE_CHAR
    | MAKE_DIR
    | MAKE_REG
    | MAKE_SOCK
    | MAKE_FIFO
    | MAKE_BLOCK
    | MAKE_SYM
)
FILE_WRITES = WRITE_FILE | TRUNCATE  # the rights that apply to a file (not a folder)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in linux/landlock.h
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@functools.cache
def _machine() -> str:
    return platform.machine()


@functools.cache
def _libc():
    return ctypes.CDLL(None, use_errno=True)


@functools.cache
def abi() -> int:
    """The kernel's Landlock ABI version; 0 where there is none (not Linux, disabled, unknown arch).
    Cached: asked once in the fork server, not in every child."""
    if sys.platform != "linux" or _machine() not in _SYSCALLS:
        return 0
    create, _, _ = _SYSCALLS[_machine()]
    try:
        version = _libc().syscall(create, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def handled_writes(version: int) -> int:
    rights = _WRITES_V1
    if version >= 2:
        rights |= REFER
    if version >= 3:
        rights |= TRUNCATE
    return rights


def restrict(writable: list[Path], writable_files: list[Path] = (), devices: Path | None = None) -> int:
    """Restrict this thread (and every process it starts) to writing beneath `writable` folders, to
    the existing `writable_files`, and to the existing files beneath `devices` (/dev: /dev/null, a
    GPU; nothing can be created or removed there); 0 when Landlock is unavailable (nothing
    restricted), else its ABI. Paths that do not exist are skipped. Call in a single-threaded
    process (after fork)."""
    version = abi()
    if not version:
        return 0
    create, add_rule, restrict_self = _SYSCALLS[_machine()]
    libc = _libc()
    handled = handled_writes(version)
    attr = _RulesetAttr(
        handled_access_fs=handled,
        handled_access_net=0,
        scoped=(SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if version >= 6 else 0,
    )
    size = ctypes.sizeof(_RulesetAttr) if version >= 6 else 16 if version >= 4 else 8
    ruleset = libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return 0
    try:
        rules = [(path, handled) for path in writable] + [(path, FILE_WRITES & handled) for path in writable_files]
        if devices is not None:
            rules.append((devices, FILE_WRITES & handled))
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    rights &= FILE_WRITES
                beneath = _PathBeneathAttr(allowed_access=rights, parent_fd=fd)
                if (
                    libc.syscall(
                        add_rule,
                        ctypes.c_int(ruleset),
                        ctypes.c_int(RULE_PATH_BENEATH),
                        ctypes.byref(beneath),
                        ctypes.c_uint32(0),
                    )
                    < 0
                ):
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule({path})")
            finally:
                os.close(fd)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
        if libc.syscall(restrict_self, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return version
