"""deploy/audit: the scheduled audit's CloudFormation and Terraform, the Dockerfile.

The templates pass cfn-lint (errors and warnings fail; informational hints vary by release) and
ordinance's own linter; the member role trusts only the task role, with an ExternalId; the task role
and the member role allow nothing outside an explicit allow-list (the calls the audit makes).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from engine.catalog.loader import load_catalog
from engine.gate import Gate
from engine.lint import lint
from engine.resources.model import Verdict
from engine.sources.cfn_decode import decode
from tests.deploy import task_command

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy" / "audit"
SCHEDULED = DEPLOY / "scheduled-audit.template.yaml"
MEMBER = DEPLOY / "member-audit-role.template.yaml"
TEMPLATES = (SCHEDULED, MEMBER)
TF_DIRS = (DEPLOY / "terraform" / "scheduled-audit", DEPLOY / "terraform" / "member-audit-role")

# engine/audit/discovery.py (the caller's own credentials) and the assume/report plumbing.
TASK_ACTIONS = {
    "organizations:ListRoots", "organizations:ListAccounts", "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent", "organizations:ListTagsForResource",
    "s3:ListBucket", "s3:PutObject", "s3:GetObject", "kms:GenerateDataKey", "kms:Decrypt",
}
# Granted only when the stack turns them on (SecurityHubImport, NotificationTopicArn); the member role
# is assumed only without a ConfigAggregatorName, whose two reads replace it.
OPTIONAL_TASK_ACTIONS = {"securityhub:BatchImportFindings": "ImportToSecurityHub",
                         "sns:Publish": "HasNotificationTopic",
                         "sts:AssumeRole": "!UseConfigAggregator",
                         "config:DescribeConfigurationAggregatorSourcesStatus": "UseConfigAggregator",
                         "config:SelectAggregateResourceConfig": "UseConfigAggregator"}
# engine/audit/collect.py, in each member account.
MEMBER_ACTIONS = {
    "iam:ListUsers", "iam:ListAccessKeys", "iam:GetLoginProfile",
    "s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:GetEncryptionConfiguration",
    "ec2:GetEbsEncryptionByDefault", "ec2:DescribeVolumes", "ec2:DescribeInstances",
    "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeSecurityGroups", "ec2:DescribeInternetGateways",
    "ec2:DescribeNatGateways", "ec2:DescribeEgressOnlyInternetGateways",
    "rds:DescribeDBInstances", "rds:DescribeDBClusters",
    "eks:ListClusters",
}


def _template(path: Path) -> dict[str, Any]:
    data = decode(path.read_text(encoding="utf-8"), str(path)).data
    assert isinstance(data, dict)
    return data


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(role: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """(condition name or None, statement): a statement under Fn::If exists only when its condition holds."""
    out: list[tuple[str | None, dict[str, Any]]] = []
    for policy in role["Properties"].get("Policies", []):
        for stmt in policy["PolicyDocument"]["Statement"]:
            if "Fn::If" in stmt:
                cond, yes, no = stmt["Fn::If"]
                out.append((cond, yes))
                if no != {"Ref": "AWS::NoValue"}:
                    out.append((f"!{cond}", no))
            else:
                out.append((None, stmt))
    return out


def _allowed_actions(role: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for _, stmt in _statements(role):
        assert stmt["Effect"] == "Allow"
        assert "NotAction" not in stmt and "NotResource" not in stmt
        out.update(_as_list(stmt["Action"]))
    return out


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_clean(path: Path) -> None:
    api = pytest.importorskip("cfnlint.api")
    matches = api.lint_all(path.read_text(encoding="utf-8"))
    assert [str(m) for m in matches if not m.rule.id.startswith("I")] == []


@pytest.mark.parametrize("path", (*TEMPLATES, *TF_DIRS), ids=lambda p: p.name)
def test_ordinance_lint_nothing_blocks(path: Path) -> None:
    report = lint([path], load_catalog(REPO))
    assert report.errors == []
    assert report.resources > 0
    gate = Gate()
    assert [(f.rule_id, f.resource.id) for f in report.findings if gate.blocks(f)] == []
    assert [(f.rule_id, f.resource.id) for f in report.findings
            if f.status in (Verdict.FAIL, Verdict.ERROR)] == []


@pytest.mark.parametrize("path", (SCHEDULED, TF_DIRS[0]), ids=lambda p: p.name)
def test_open_egress_is_waived_with_a_reason(path: Path) -> None:
    """HTTPS to any address is the one exception, and it is explicit."""
    report = lint([path], load_catalog(REPO))
    waived = [f for f in report.findings if f.rule_id == "sg-no-open-egress"]
    assert waived and all(f.status is Verdict.WAIVED and f.reason for f in waived)
    egress = [e for f in waived for e in f.resource.attrs["egress"]]
    assert egress and all((e["protocol"], e["from_port"], e["to_port"]) == ("tcp", 443, 443) for e in egress)


def test_member_role_trusts_only_the_task_role_with_external_id() -> None:
    t = _template(MEMBER)
    assert t["Parameters"]["ExternalId"]["NoEcho"] is True
    roles = [r for r in t["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    assert len(roles) == 1
    [stmt] = roles[0]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert stmt["Effect"] == "Allow" and stmt["Action"] == "sts:AssumeRole"
    assert stmt["Principal"] == {"AWS": {"Ref": "AuditTaskRoleArn"}}
    assert stmt["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}


def test_member_role_allows_only_the_audits_read_calls() -> None:
    role = _template(MEMBER)["Resources"]["AuditRole"]
    actions = _allowed_actions(role)
    assert actions == MEMBER_ACTIONS
    assert not any("*" in a for a in actions)


def test_member_role_covers_every_call_of_the_collector() -> None:
    """Each boto3 call in engine/audit/collect.py maps to an allowed action (a new call needs the role)."""
    source = (REPO / "engine" / "audit" / "collect.py").read_text(encoding="utf-8")
    calls = set(re.findall(r"\.(get_\w+|list_\w+|describe_\w+)\(", source))
    calls |= set(re.findall(r'_(?:pages|names)\(\w+, "(\w+)"', source))
    iam_name = {"list_buckets": "ListAllMyBuckets", "get_bucket_encryption": "GetEncryptionConfiguration",
                "describe_db_instances": "DescribeDBInstances", "describe_db_clusters": "DescribeDBClusters"}
    wanted = {iam_name.get(c, "".join(w.capitalize() for w in c.split("_"))) for c in calls
              if c not in ("get_paginator",)}
    allowed = {a.split(":", 1)[1] for a in MEMBER_ACTIONS}
    assert wanted - allowed == set()


def test_task_role_allows_only_the_allow_list() -> None:
    t = _template(SCHEDULED)
    role = t["Resources"]["TaskRole"]
    assert _allowed_actions(role) == TASK_ACTIONS | set(OPTIONAL_TASK_ACTIONS)
    for cond, stmt in _statements(role):
        for action in _as_list(stmt["Action"]):
            if action in OPTIONAL_TASK_ACTIONS:
                assert cond == OPTIONAL_TASK_ACTIONS[action], action
            else:  # the stack's own report bucket and key, or an existing bucket's
                assert cond in (None, "CreateReportBucket", "!CreateReportBucket"), action
    [assume] = [s for _, s in _statements(role) if s["Action"] == "sts:AssumeRole"]
    assert assume["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${AuditRoleName}"}
    assert assume["Condition"] == {"StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}}
    assert not role["Properties"].get("ManagedPolicyArns")


def test_scheduler_passes_only_the_two_task_roles() -> None:
    role = _template(SCHEDULED)["Resources"]["SchedulerRole"]
    stmts = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert {s["Action"] for s in stmts} == {"ecs:RunTask", "iam:PassRole"}
    [pass_role] = [s for s in stmts if s["Action"] == "iam:PassRole"]
    assert pass_role["Resource"] == [{"Fn::GetAtt": ["TaskRole", "Arn"]}, {"Fn::GetAtt": ["ExecutionRole", "Arn"]}]


def test_report_bucket_is_locked_down() -> None:
    res = _template(SCHEDULED)["Resources"]
    props = res["ReportBucket"]["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert sse == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["ReportKey", "Arn"]}}
    assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert res["ReportKey"]["Properties"]["EnableKeyRotation"] is True
    [deny] = res["ReportBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_schedule_runs_the_task_on_fargate() -> None:
    t = _template(SCHEDULED)
    assert t["Parameters"]["ScheduleExpression"]["Default"] == "cron(0 3 * * ? *)"
    target = t["Resources"]["Schedule"]["Properties"]["Target"]
    assert target["EcsParameters"]["LaunchType"] == "FARGATE"
    assert target["EcsParameters"]["TaskDefinitionArn"] == {"Ref": "TaskDefinition"}
    task = t["Resources"]["TaskDefinition"]["Properties"]
    assert task["NetworkMode"] == "awsvpc"
    [container] = task["ContainerDefinitions"]
    assert container["ReadonlyRootFilesystem"] is True
    assert t["Resources"]["LogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_dockerfile_runs_as_a_non_root_user() -> None:
    lines = [ln.strip() for ln in (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines()]
    users = [ln.split(None, 1)[1].split(":")[0] for ln in lines if ln.upper().startswith("USER ")]
    assert users, "no USER instruction"
    assert users[-1] not in ("root", "0")
    assert any(ln.startswith("FROM python:3.12-slim") for ln in lines)
    assert 'ENTRYPOINT ["ordinance"]' in lines


def test_task_role_covers_every_organizations_call_of_discovery() -> None:
    source = (REPO / "engine" / "audit" / "discovery.py").read_text(encoding="utf-8")
    calls = set(re.findall(r'_pages\(org, "(\w+)"', source))
    assert calls
    wanted = {"organizations:" + "".join(w.capitalize() for w in c.split("_")) for c in calls}
    assert wanted - TASK_ACTIONS == set()


def test_security_hub_import_is_scoped_to_this_accounts_default_product() -> None:
    role = _template(SCHEDULED)["Resources"]["TaskRole"]
    [(_, hub)] = [(c, st) for c, st in _statements(role) if st["Action"] == "securityhub:BatchImportFindings"]
    assert hub["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:"
                                          "product/${AWS::AccountId}/default"}
    [(_, sns)] = [(c, st) for c, st in _statements(role) if st["Action"] == "sns:Publish"]
    assert sns["Resource"] == {"Ref": "NotificationTopicArn"}


PARAMS = {"ExternalId": "e" * 24, "AuditRegions": "eu-west-1,eu-central-1"}


def test_task_command_is_what_ordinance_parses() -> None:
    """The container's argv goes through the real parser: a renamed option would break the schedule."""
    from engine.cli import _build_parser

    args = _build_parser().parse_args(task_command.argv(PARAMS, {"ReportBucket": "reports-bucket"}))
    assert (args.command, args.regions, args.role_name) == ("audit", ["eu-west-1", "eu-central-1"], "OrdinanceAudit")
    assert args.output == "s3://reports-bucket/" and args.owner_summaries == "s3://reports-bucket/owners"
    assert args.export == [["securityhub"]] and args.notify == []
    assert args.external_id is None  # from the environment: never on the command line
    assert task_command.environment(PARAMS, {"ReportBucket": "b"})["ORDINANCE_EXTERNAL_ID"] == "e" * 24


def test_task_command_follows_the_optional_parameters() -> None:
    from engine.cli import _build_parser

    topic = "arn:aws:sns:eu-west-1:123456789012:audit-summaries"
    params = {**PARAMS, "SecurityHubImport": "Disabled", "NotificationTopicArn": topic}
    args = _build_parser().parse_args(task_command.argv(params, {"ReportBucket": "b"}))
    assert args.export == [] and args.notify == [f"sns:{topic}"] and args.aggregator is None
    aggregator = "aws-controltower-GuardrailsComplianceAggregator"
    args = _build_parser().parse_args(task_command.argv({**PARAMS, "ConfigAggregatorName": aggregator},
                                                        {"ReportBucket": "b"}))
    assert args.aggregator == aggregator


def test_the_aggregator_replaces_the_member_role_and_reads_only_this_accounts_aggregators() -> None:
    role = _template(SCHEDULED)["Resources"]["TaskRole"]
    [(cond, read)] = [(c, st) for c, st in _statements(role) if st["Sid"] == "ReadConfigAggregator"]
    assert cond == "UseConfigAggregator"
    assert read["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:config:${AWS::Region}:${AWS::AccountId}:"
                                           "config-aggregator/*"}
    # Exactly the calls of engine/audit/aggregator.py.
    source = (REPO / "engine" / "audit" / "aggregator.py").read_text(encoding="utf-8")
    calls = set(re.findall(r"config\.(\w+)\(", source))
    assert {"config:" + "".join(w.capitalize() for w in c.split("_")) for c in calls} == set(read["Action"])


def test_terraform_task_runs_the_same_command() -> None:
    main_tf = (TF_DIRS[0] / "main.tf").read_text(encoding="utf-8")
    assert 'entryPoint             = ["ordinance"]' in main_tf
    for token in ('"audit"', '"--regions"', '"--role-name"', '"--output", "s3://${local.report_bucket}/${var.report_prefix}"',
                  '"--owner-summaries", "s3://${local.report_bucket}/${var.report_prefix}owners"',
                  '["--export", "securityhub"]', 'local.create_bucket ? 1 : 0',
                  '["--notify", "sns:${var.notification_topic_arn}"]', "readonlyRootFilesystem = true",
                  '["--aggregator", var.config_aggregator_name]',
                  '"config:DescribeConfigurationAggregatorSourcesStatus", "config:SelectAggregateResourceConfig"',
                  'config-aggregator/*',
                  '{ name = "ORDINANCE_EXTERNAL_ID", value = var.external_id }'):
        assert token in main_tf, token
    assert "/bin/sh" not in main_tf


def test_image_carries_the_catalog() -> None:
    lines = [ln.strip() for ln in (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines()]
    assert "COPY policies.yaml /opt/ordinance/catalog/policies.yaml" in lines
    assert "COPY policies /opt/ordinance/catalog/policies" in lines
    assert "ENV ORDINANCE_CATALOG=/opt/ordinance/catalog" in lines


def test_an_existing_report_bucket_and_prefix() -> None:
    """ReportBucketName: no bucket or key is created; the task writes there, under ReportPrefix, and may use a
    KMS key only through S3 for that bucket's objects."""
    from engine.cli import _build_parser

    t = _template(SCHEDULED)
    for name in ("ReportBucket", "ReportBucketPolicy", "ReportKey", "ReportKeyAlias"):
        assert t["Resources"][name]["Condition"] == "CreateReportBucket"
    params = {**PARAMS, "ReportBucketName": "central-security-reports", "ReportPrefix": "ordinance/"}
    args = _build_parser().parse_args(task_command.argv(params, {"ReportBucket": "not-created"}))
    assert args.output == "s3://central-security-reports/ordinance/"
    assert args.owner_summaries == "s3://central-security-reports/ordinance/owners"
    stmts = dict((c, st) for c, st in _statements(t["Resources"]["TaskRole"]) if st["Sid"] == "ReportKey")
    assert stmts["CreateReportBucket"]["Resource"] == {"Fn::GetAtt": ["ReportKey", "Arn"]}
    existing = stmts["!CreateReportBucket"]
    assert existing["Resource"] == "*"
    assert existing["Condition"]["StringEquals"] == {"kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}}
    assert existing["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:s3:::${ReportBucketName}"},
        {"Fn::Sub": "arn:${AWS::Partition}:s3:::${ReportBucketName}/*"}]


def test_a_failed_night_alerts_the_notification_topic() -> None:
    """Exit 2 (error), 3 (incomplete), crashes and tasks that never start reach the topic; 0 and 1 do not
    (moto cannot match this pattern, so its shape is what is checked)."""
    rule = _template(SCHEDULED)["Resources"]["TaskFailedAlert"]
    assert rule["Condition"] == "HasNotificationTopic"
    assert rule["Properties"]["EventPattern"] == {
        "source": ["aws.ecs"], "detail-type": ["ECS Task State Change"],
        "detail": {"clusterArn": [{"Fn::GetAtt": ["Cluster", "Arn"]}], "lastStatus": ["STOPPED"],
                   "$or": [{"containers": {"exitCode": [{"anything-but": [0, 1]}]}},
                           {"stopCode": ["TaskFailedToStart"]}]}}
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": "NotificationTopicArn"}
    template = target["InputTransformer"]["InputTemplate"]
    assert template.startswith('"') and template.endswith('"') and "<exitCode>" in template
    main_tf = (TF_DIRS[0] / "main.tf").read_text(encoding="utf-8")
    assert '{ containers = { exitCode = [{ "anything-but" = [0, 1] }] } }' in main_tf
    assert '{ stopCode = ["TaskFailedToStart"] }' in main_tf
