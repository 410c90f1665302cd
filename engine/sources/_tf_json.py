"""Plan JSON without building `planned_values` when `resource_changes` is there to be judged.

`terraform show -json` writes compact JSON with its top-level keys in a fixed order, and
`planned_values` (a second full copy of every resource's values, which the source reads only when
`resource_changes` is missing) comes before `resource_changes`. On a large plan it is close to half
of the bytes, of the parse time and of the peak memory. So the top-level object is read member by
member with the stdlib's C scanner, and the `planned_values` object is stepped over to the next
top-level key.

The step is checked, never trusted: the key after it must be `resource_drift` or
`resource_changes`, and everything from there on must parse as the rest of the top-level object,
up to the end of the file. A look-alike key nested deeper leaves unclosed brackets behind and fails
that check. Anything unexpected (pretty-printed JSON, another key order, an error anywhere, no
`resource_changes` list) falls back to `json.loads` of the whole text, which also gives the error
message. The one difference from `json.loads`: bytes inside a skipped `planned_values` are not
validated when the rest of the plan is well-formed.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner: one value at an index
_WS = re.compile(r"[ \t\n\r]*")
# What follows a compact planned_values object at the top level, in terraform's key order.
_NEXT = re.compile(r'\},"resource_(?:drift|changes)":')
MAX_CANDIDATES = 4  # look-alike keys tried before giving up on the shortcut (bounds the extra work)


class _NotFast(Exception):
    """The text is not the compact shape the shortcut reads; json.loads decides."""


def loads(text: str) -> Any:
    """The plan document; `planned_values` may be left out when `resource_changes` is a list."""
    try:
        doc = _top_level(text)
    except (_NotFast, ValueError, StopIteration, IndexError, RecursionError):
        doc = None
    return doc if doc is not None else json.loads(text)


def _ws(text: str, i: int) -> int:
    m = _WS.match(text, i)
    return m.end() if m else i


def _top_level(text: str) -> dict[str, Any] | None:
    i = _ws(text, 0)
    if text[i:i + 1] != "{":
        raise _NotFast
    doc: dict[str, Any] = {}
    i = _ws(text, i + 1)
    while True:
        key, i = _member_key(text, i)
        if key == "planned_values" and text[i:i + 1] == "{":
            return _after_planned_values(text, i, doc)
        doc[key], i = _SCAN(text, i)
        i = _ws(text, i)
        if text[i:i + 1] != ",":
            return None  # ended (or broke) before planned_values: nothing to gain, parse it all
        i = _ws(text, i + 1)


def _member_key(text: str, i: int) -> tuple[str, int]:
    if text[i:i + 1] != '"':
        raise _NotFast
    key, i = _SCAN(text, i)
    i = _ws(text, i)
    if text[i:i + 1] != ":":
        raise _NotFast
    return key, _ws(text, i + 1)


def _after_planned_values(text: str, start: int, prefix: dict[str, Any]) -> dict[str, Any] | None:
    pos = start
    for _ in range(MAX_CANDIDATES):
        m = _NEXT.search(text, pos)
        if m is None:
            return None
        try:
            rest = _rest(text, m.start() + 1)
        except (_NotFast, ValueError, StopIteration, IndexError):
            rest = None
        if rest is not None and isinstance(rest.get("resource_changes"), list):
            return {**prefix, **rest}
        pos = m.end()
    return None


def _rest(text: str, i: int) -> dict[str, Any] | None:
    """`,"key":value ... }` then only whitespace: the remaining members of the top-level object."""
    out: dict[str, Any] = {}
    while True:
        c = text[i:i + 1]
        if c == "}":
            return out if _ws(text, i + 1) == len(text) else None
        if c != ",":
            return None
        key, i = _member_key(text, _ws(text, i + 1))
        out[key], i = _SCAN(text, i)
        i = _ws(text, i)
