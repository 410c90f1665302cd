"""The report writer's JSON text is json.dumps(indent=2, sort_keys=True), byte for byte."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.reports.json_text import dumps

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
                    st.floats(allow_nan=True, allow_infinity=True), st.text())
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_same_text_as_json_dumps(doc: Any) -> None:
    assert dumps(doc) == json.dumps(doc, indent=2, sort_keys=True)


@pytest.mark.parametrize("doc", [
    {}, [], "", {"a": {}, "b": [], "c": [[]]}, {"é": "ü\u2028\x7f\x00\ud800"}, [-0.0, 1e400, 2**70],
    {"z": 1, "a": {"y": [1, {"b": None, "a": True}]}}, OrderedDict(b=1, a=2), {"k": (1, 2)},
    {1: "int key"}, {None: 1}, {True: "a"}, {2.5: "b"}, [1.5, float("nan")],
])
def test_edge_cases(doc: Any) -> None:
    assert dumps(doc) == json.dumps(doc, indent=2, sort_keys=True)


def test_errors_are_json_dumps_errors() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": object()})
    with pytest.raises(TypeError):
        dumps({1: 1, "a": 2})  # keys of mixed types cannot be sorted
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps({"a": loop})
