"""Outputs are written atomically with ordinary permissions."""

from __future__ import annotations


def test_atomic_writes_get_ordinary_permissions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    from engine.artifacts import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.json", b"{}")
    finally:
        os.umask(old)
    assert (tmp_path / "out.json").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left behind
