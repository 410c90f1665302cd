"""Writing outputs safely: atomic file writes, and generated trees compared byte for byte (--check)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

KEEP = {".gitkeep"}


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600; a report or artifact gets the permissions a plain open() would give.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _existing(out_dir: Path) -> set[str]:
    if not out_dir.is_dir():
        return set()
    return {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")
            if p.is_file() and p.name not in KEEP}


def diff_tree(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Differences between a generated tree and what is on disk, one line each (empty: identical)."""
    problems = []
    existing = _existing(out_dir)
    for rel in sorted(files):
        target = out_dir / rel
        if rel not in existing:
            problems.append(f"missing: {target}")
        elif target.read_bytes() != files[rel]:
            problems.append(f"differs: {target}")
    problems += [f"stale: {out_dir / rel}" for rel in sorted(existing - set(files))]
    return problems


def write_tree(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write every generated file atomically and remove stale generated files. Returns changed paths."""
    changed = diff_tree(out_dir, files)
    for rel, data in sorted(files.items()):
        target = out_dir / rel
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(target, data)
    for rel in sorted(_existing(out_dir) - set(files)):
        (out_dir / rel).unlink()
    return changed
