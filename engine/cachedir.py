"""Where ordinance keeps its caches: $XDG_CACHE_HOME/ordinance (or ~/.cache/ordinance).

ORDINANCE_NO_CACHE=1 turns every cache off. Caches are plain JSON keyed by content hashes (never
pickle); an unreadable, corrupt or foreign entry is ignored, and one that cannot be written is only
slower. Used by the catalog cache and the .tf parse cache.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def cache_dir() -> Path | None:
    if os.environ.get("ORDINANCE_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ordinance"


def write_cache(path: Path, data: bytes) -> None:
    """Temporary file and rename, so a reader never sees half an entry; no fsync (a lost entry is only a
    miss) and mkstemp's private 0600 mode. Raises OSError; callers ignore it."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
