"""The operator table and three-valued logic, driven with plain mappings (Custodian's test_filters idea)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.conditions import Scope, evaluate
from engine.errors import ConditionTypeError
from engine.resources.model import UNKNOWN


def ev(cond: dict[str, Any], attrs: dict[str, Any] | None = None, params: dict[str, Any] | None = None,
       facts: dict[str, Any] | None = None) -> Any:
    return evaluate(cond, Scope(attrs or {}, params or {}, facts or {})).value


@pytest.mark.parametrize(("cond", "attrs", "expected"), [
    ({"attr": "a", "equals": "x"}, {"a": "x"}, True),
    ({"attr": "a", "equals": "x"}, {"a": "y"}, False),
    ({"attr": "a", "equals": "x"}, {}, False),
    ({"attr": "a", "equals": "x"}, {"a": UNKNOWN}, UNKNOWN),
    ({"attr": "a", "not_equals": "x"}, {"a": UNKNOWN}, UNKNOWN),
    ({"attr": "a", "in": ["x", "y"]}, {"a": "y"}, True),
    ({"attr": "a", "not_in": ["x", "y"]}, {"a": "z"}, True),
    ({"attr": "a", "matches": "aurora*"}, {"a": "aurora-postgresql"}, True),
    ({"attr": "a", "matches": "aurora*"}, {"a": "postgres"}, False),
    ({"attr": "a", "exists": True}, {"a": None}, False),
    ({"attr": "a", "exists": False}, {}, True),
    ({"attr": "t", "family_in": ["t3", "t4g"]}, {"t": "t3.micro"}, True),
    ({"attr": "t", "family_in": ["t3", "t4g"]}, {"t": "t3a.micro"}, False),
    ({"attr": "t", "family_in": ["t3"]}, {"t": "T3.Large"}, True),
    ({"attr": "c", "cidr_contains": ["0.0.0.0/0", "::/0"]}, {"c": "0.0.0.0/0"}, True),
    ({"attr": "c", "cidr_contains": ["0.0.0.0/0", "::/0"]}, {"c": "::/0"}, True),
    ({"attr": "c", "cidr_contains": ["0.0.0.0/0", "::/0"]}, {"c": "10.0.0.0/8"}, False),
    ({"attr": "c", "cidr_contains": ["0.0.0.0/0"]}, {"c": None}, False),
    ({"attr": "c", "cidr_within": ["10.0.0.0/8"]}, {"c": "10.1.0.0/16"}, True),
    ({"attr": "c", "cidr_within": ["10.0.0.0/8"]}, {"c": "0.0.0.0/0"}, False),
    ({"attr": "c", "cidr_within": ["10.0.0.0/8"]}, {"c": "2001:db8::/32"}, False),
    ({"attr": "x.y", "equals": 1}, {"x": {"y": 1}}, True),
    ({"attr": "x.y", "equals": 1}, {"x": UNKNOWN}, UNKNOWN),
])
def test_operators(cond: dict[str, Any], attrs: dict[str, Any], expected: Any) -> None:
    assert ev(cond, attrs) is expected


def test_three_valued_logic() -> None:
    t, f, u = {"always": True}, {"always": False}, {"attr": "u", "equals": 1}
    attrs = {"u": UNKNOWN}
    assert ev({"all": [t, u]}, attrs) is UNKNOWN
    assert ev({"all": [f, u]}, attrs) is False
    assert ev({"all": [u, f]}, attrs) is False
    assert ev({"any": [t, u]}, attrs) is True
    assert ev({"any": [f, u]}, attrs) is UNKNOWN
    assert ev({"not": u}, attrs) is UNKNOWN
    assert ev({"not": t}) is False


def test_every_and_some() -> None:
    cond = {"every": "vols", "nonempty": True, "where": {"attr": "enc", "equals": True}}
    assert ev(cond, {"vols": [{"enc": True}, {"enc": True}]}) is True
    assert ev(cond, {"vols": [{"enc": True}, {"enc": False}]}) is False
    assert ev(cond, {"vols": [{"enc": UNKNOWN}, {"enc": False}]}) is False  # a decided failure wins
    assert ev(cond, {"vols": [{"enc": UNKNOWN}, {"enc": True}]}) is UNKNOWN
    assert ev(cond, {"vols": []}) is False
    assert ev(cond, {"vols": UNKNOWN}) is UNKNOWN
    assert ev({"every": "vols", "where": {"attr": "enc", "equals": True}}, {"vols": []}) is True
    assert ev({"some": "vols", "where": {"attr": "enc", "equals": True}}, {"vols": [{"enc": False}, {"enc": True}]}) is True


def test_culprit_names_the_failing_element() -> None:
    cond = {"every": "egress", "where": {"not": {"attr": "cidr", "cidr_contains": ["0.0.0.0/0"]}}}
    out = evaluate(cond, Scope({"egress": [{"cidr": "10.0.0.0/8"}, {"cidr": "0.0.0.0/0"}]}, {}, {}))
    assert out.value is False
    assert out.culprit == "egress[1].cidr = '0.0.0.0/0'"


def test_port_range() -> None:
    cond = {"port_range": ["from_port", "to_port"], "includes": 22}
    assert ev(cond, {"from_port": 0, "to_port": 65535}) is True
    assert ev(cond, {"from_port": 443, "to_port": 443}) is False
    assert ev(cond, {"from_port": UNKNOWN, "to_port": 22}) is UNKNOWN
    assert ev(cond, {}) is True  # no ports: every port


def test_params_and_facts() -> None:
    assert ev({"attr": "a", "in": {"param": "allowed"}}, {"a": "x"}, {"allowed": ["x"]}) is True
    assert ev({"param": "flag", "equals": True}, {}, {"flag": True}) is True
    assert ev({"fact": "account.x", "equals": True}, facts={"account.x": UNKNOWN}) is UNKNOWN
    assert ev({"fact": "account.x", "equals": True}) is False


@pytest.mark.parametrize(("cond", "attrs"), [
    ({"attr": "a", "equals": True}, {"a": "true"}),
    ({"attr": "a", "equals": 22}, {"a": "22"}),
    ({"attr": "c", "cidr_contains": ["0.0.0.0/0"]}, {"c": "not-a-cidr"}),
    ({"attr": "a", "in": "x"}, {"a": "x"}),
    ({"every": "a", "where": {"always": True}}, {"a": "scalar"}),
    ({"param": "missing", "equals": 1}, {}),
    ({"port_range": ["f", "t"], "includes": 22}, {"f": "0", "t": 22}),
])
def test_type_mismatch_is_an_error_not_false(cond: dict[str, Any], attrs: dict[str, Any]) -> None:
    with pytest.raises(ConditionTypeError):
        ev(cond, attrs)


def test_unknown_has_no_truth_value() -> None:
    with pytest.raises(TypeError):
        bool(UNKNOWN)
