"""Pausing the cyclic garbage collector around bursts of acyclic allocation.

Parsing a large plan or template, or building tens of thousands of findings, allocates many fresh
containers that form no cycles. Each collection the allocations trigger rescans them all and frees
nothing, which can double the time. Stdlib only; not part of the Lambda bundle.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # pauses currently open, in any thread
_resume = False  # whether the outermost pause found the collector enabled


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic GC for the block. Pauses nest (also across threads): only the exit of the
    last open pause re-enables the collector, and only if it was enabled when the first one began.
    The collector is restored when the block raises, too."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
