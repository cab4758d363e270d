"""What the worker does to itself before the learner's code runs: no secrets, no inherited
descriptors, writes only to its workspace and its run's temp folder.

- The environment loses every LEARN_* variable (LEARN_HOME names the database's folder); TMPDIR
  points at the run's own temp folder, which the runner deletes afterwards.
- Every file descriptor but stdin (/dev/null), stdout, stderr and the results pipe is closed: the
  worker holds nothing of the app's (the database, the fork server's sockets).
- Landlock (landlock.py): writes only beneath the workspace folder, the temp folder and /dev/shm
  (POSIX semaphores and shared memory: multiprocessing's locks live there), and to existing device
  files (/dev/null, a GPU's). A kernel exercise running on CUDA may also write the Triton
  and CUDA compile caches and the GPU lock and roofline files (kernel_timing.py). Reading stays
  allowed everywhere, so the database can still be read where the learner knows its path; it
  cannot be written, deleted or replaced. LEARN_VERIFY_CONFINE=0 in the app's environment turns
  Landlock off (should a library need to write somewhere unforeseen); the rest stays.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from app.verify.sandbox import landlock

_system_tmp: str | None = None


def system_tempdir() -> str:
    """The temp folder as it was before `scrub_environment` pointed TMPDIR at the run's own."""
    return _system_tmp or tempfile.gettempdir()


def scrub_environment(tmpdir: str | None) -> None:
    global _system_tmp
    _system_tmp = tempfile.gettempdir()
    for name in [n for n in os.environ if n.startswith("LEARN_")]:
        del os.environ[name]
    if tmpdir:
        os.environ["TMPDIR"] = tmpdir
        tempfile.tempdir = tmpdir


def close_inherited(keep: tuple[int, ...]) -> None:
    """Close every descriptor above 2 except `keep`; stdin becomes /dev/null."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    start = 3
    for fd in sorted(set(keep)):
        if fd >= start:
            os.closerange(start, fd)
            start = fd + 1
    os.closerange(start, 1 << 20)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - multiprocessing had put it on a descriptor closed above


def _gpu_writable() -> tuple[list[Path], list[Path]]:
    """Folders and files a kernel exercise on CUDA writes: compile caches, the GPU lock, the roofline."""
    from app.verify import kernel_timing

    home = Path.home()
    triton_home = Path(os.environ.get("TRITON_HOME") or home) / ".triton"
    folders = [Path(os.environ["TRITON_CACHE_DIR"])] if os.environ.get("TRITON_CACHE_DIR") else []
    folders += [triton_home, home / ".nv", home / ".cache"]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
    files = [kernel_timing.lock_path(), kernel_timing.cache_path()]
    for path in files:
        try:
            path.touch(exist_ok=True)
        except OSError:
            pass
    return folders, files


def restrict_writes(workspace: str | None, tmpdir: str | None, gpu: bool = False) -> bool:
    """Landlock the worker as described above; True when the kernel enforces it."""
    folders = [Path(p) for p in (workspace, tmpdir, "/dev/shm") if p]
    files: list[Path] = []
    if gpu:
        more_folders, files = _gpu_writable()
        folders += more_folders
    return bool(landlock.restrict(folders, files, devices=Path("/dev")))
