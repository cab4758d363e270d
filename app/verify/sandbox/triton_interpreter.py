"""Imported by a torch fork server where Triton can only run in its interpreter (forkserver.py
preloads it when `triton_mode.interpreter_only()`): each kernel child then starts with triton
imported and the bounds check installed, instead of paying ~0.25 s for them itself.

`@triton.jit` reads TRITON_INTERPRET when a kernel is decorated, and triton.language's own helpers
(tl.max, tl.sum) are decorated when triton is imported, so the variable is set first; the child's
`triton_mode.choose()` then finds it set and has nothing left to do.
"""

import os

os.environ["TRITON_INTERPRET"] = "1"

import triton.language  # noqa: E402, F401 - the point of this module: imported once, before the forks

from app.verify.sandbox.triton_mode import install_bounds_check  # noqa: E402

install_bounds_check()
