"""`json.dumps(doc, indent=2, sort_keys=True)`, byte for byte, without the stdlib's per-token generators.

With an indent the stdlib falls back to its pure-Python encoder, which yields every token through a
chain of generators: on a 50,000-resource plan that was most of the time spent writing the report.
This writes the same text by direct recursion, with the stdlib's own C string escaper. Only the
plain JSON types are handled here (exact dict and list, str, int, float, bool, None); anything else
(a tuple, a subclass of dict or list, an object for `default`, a non-string key) makes the whole
document go through `json.dumps`, which then also raises the same errors.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii  # C, the escaper json.dumps uses
from typing import Any

_INDENT = "  "


class _Unusual(Exception):
    """A value outside the plain JSON types: json.dumps decides."""


def dumps(doc: Any) -> str:
    """The text of `json.dumps(doc, indent=2, sort_keys=True)`."""
    out: list[str] = []
    try:
        _value(doc, "\n", out)
    except (_Unusual, RecursionError):
        return json.dumps(doc, indent=2, sort_keys=True)
    return "".join(out)


def _float(v: float) -> str:
    if v != v:
        return "NaN"
    if v == float("inf"):
        return "Infinity"
    if v == -float("inf"):
        return "-Infinity"
    return float.__repr__(v)


def _value(v: Any, newline: str, out: list[str]) -> None:
    """Append v's text; `newline` is a newline plus the indent of the line v starts on."""
    if isinstance(v, str):
        out.append(encode_basestring_ascii(v))
    elif v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        out.append(int.__repr__(v))
    elif isinstance(v, float):
        out.append(_float(v))
    elif v.__class__ is list:
        if not v:
            out.append("[]")
            return
        inner = newline + _INDENT
        out.append("[")
        sep = inner
        for item in v:
            out.append(sep)
            sep = "," + inner
            if item.__class__ is str:  # the common case, without a call
                out.append(encode_basestring_ascii(item))
            else:
                _value(item, inner, out)
        out.append(newline)
        out.append("]")
    elif v.__class__ is dict:
        if not v:
            out.append("{}")
            return
        for k in v:
            if k.__class__ is not str:
                raise _Unusual  # the stdlib converts or rejects other keys, and sorts them its way
        inner = newline + _INDENT
        out.append("{")
        sep = inner
        for k in sorted(v):  # keys only: no (key, value) tuple per member for the cyclic GC to track
            out.append(sep)
            sep = "," + inner
            out.append(encode_basestring_ascii(k))
            out.append(": ")
            item = v[k]
            if item.__class__ is str:  # the common case, without a call
                out.append(encode_basestring_ascii(item))
            else:
                _value(item, inner, out)
        out.append(newline)
        out.append("}")
    else:
        raise _Unusual
