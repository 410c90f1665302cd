"""A cache of validated catalogs, so a pre-commit run on one file skips YAML parsing and JSON Schema.

The key is a hash of ordinance's version and the exact bytes of every catalog file, so any edit
invalidates it. The cache is plain JSON with a closed set of types (no pickle): a corrupt or foreign
entry is ignored and the catalog is validated again. It lives in $XDG_CACHE_HOME/ordinance (or
~/.cache/ordinance); ORDINANCE_NO_CACHE=1 or an unwritable directory simply turns it off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine import __version__
from engine.cachedir import cache_dir, write_cache
from engine.catalog.model import Catalog, Exemption, Rule, Setting, Target

_TYPES: dict[str, type] = {c.__name__: c for c in (Catalog, Exemption, Rule, Setting, Target)}


def key(files: Sequence[Path]) -> str:
    h = hashlib.sha256(__version__.encode())
    for f in sorted(files):
        h.update(str(f.resolve()).encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def _encode(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {"__dc__": type(obj).__name__,
                **{f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    if isinstance(obj, dt.date):
        return {"__date__": obj.isoformat()}
    if isinstance(obj, tuple):
        return {"__tuple__": [_encode(v) for v in obj]}
    if isinstance(obj, list):
        return [_encode(v) for v in obj]
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {"__map__": [[k, _encode(v)] for k, v in obj.items()]}
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"cannot cache {type(obj).__name__}")


def _decode(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__dc__" in obj:
        cls = _TYPES[obj["__dc__"]]
        return cls(**{k: _decode(v) for k, v in obj.items() if k != "__dc__"})
    if "__date__" in obj:
        return dt.date.fromisoformat(obj["__date__"])
    if "__tuple__" in obj:
        return tuple(_decode(v) for v in obj["__tuple__"])
    if "__map__" in obj:
        return {k: _decode(v) for k, v in obj["__map__"]}
    raise ValueError("unexpected cache entry")


def load(cache_key: str) -> Catalog | None:
    d = cache_dir()
    if d is None:
        return None
    try:
        data = json.loads((d / f"catalog-{cache_key}.json").read_text(encoding="utf-8"))
        catalog = _decode(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return catalog if isinstance(catalog, Catalog) else None


def store(cache_key: str, catalog: Catalog) -> None:
    d = cache_dir()
    if d is None:
        return
    with contextlib.suppress(OSError, TypeError):  # a cache that cannot be written is only slower
        write_cache(d / f"catalog-{cache_key}.json", json.dumps(_encode(catalog)).encode("utf-8"))
