"""CloudFormation templates that deploy the compiled Config rules.

- account.template.yaml: one account and region. The function, its least-privilege role, its log
  group, the invoke permission for config.amazonaws.com scoped to this account, and one
  AWS::Config::ConfigRule per rule.
- organization.template.yaml: the delegated-administrator (or management) account. The same
  function, allowed to assume a role in member accounts, and one AWS::Config::OrganizationConfigRule
  per rule (OrganizationCustomRuleMetadata).
- organization-member-role.template.yaml: the role in every member account (deploy with a
  service-managed StackSet) that the function assumes to read items and put evaluations there.
Long-form intrinsics (`Fn::Sub`, `Fn::GetAtt`) keep the output plain YAML that any parser reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import yaml

from engine.compilers.config_rules import HANDLER, RUNTIME, ConfigRule
from engine.resources.kinds import KINDS

FUNCTION_NAME = "ordinance-config-rules"
MEMBER_ROLE = "ordinance-config-rules-member"
FREQUENCIES = ["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"]
RETENTION = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
             3288, 3653]


def _dump(template: dict[str, Any]) -> bytes:
    text = yaml.safe_dump(template, sort_keys=False, default_flow_style=False, width=1000, allow_unicode=True)
    return text.encode("utf-8")


def _logical(rule: ConfigRule) -> str:
    return "Rule" + "".join(part[:1].upper() + part[1:] for part in rule.rule_id.split("-"))


def _iam_action(live: str) -> str:
    """`ec2.get_ebs_encryption_by_default` -> `ec2:GetEbsEncryptionByDefault`."""
    service, _, op = live.partition(".")
    return f"{service}:{''.join(w.capitalize() for w in op.split('_'))}"


def read_actions(rules: Sequence[ConfigRule]) -> list[str]:
    """What the function calls: put evaluations, fetch oversized items, read account settings."""
    actions = {"config:PutEvaluations", "config:GetResourceConfigHistory"}
    for r in rules:
        if r.periodic:
            live = KINDS[r.periodic["account_kind"]].live
            if live:
                actions.add(_iam_action(live))
    return sorted(actions)


def _parameters(code_key: str) -> dict[str, Any]:
    return {
        "CodeBucket": {"Type": "String", "Description": "S3 bucket holding config_rules/bundle.zip."},
        "CodeKey": {"Type": "String", "Default": code_key,
                    "Description": "S3 key of the uploaded bundle (default: content-addressed name)."},
        "LogRetentionInDays": {"Type": "Number", "Default": 365, "AllowedValues": RETENTION},
        "MaximumExecutionFrequency": {"Type": "String", "Default": "TwentyFour_Hours", "AllowedValues": FREQUENCIES,
                                      "Description": "How often periodic (account-level) rules run."},
        "IncludeGlobalResourceRules": {
            "Type": "String", "Default": "true", "AllowedValues": ["true", "false"],
            "Description": "Deploy the rules over global resources (IAM). Set true in exactly one region."},
    }


def _log_group() -> dict[str, Any]:
    # Explicit policies (cfn-lint I3011): the logs are operational; verdicts live in Config.
    return {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
            "Properties": {"LogGroupName": f"/aws/lambda/{FUNCTION_NAME}",
                           "RetentionInDays": {"Ref": "LogRetentionInDays"}}}


def _logs_statement() -> dict[str, Any]:
    # Only the function's own log group (created above, so no logs:CreateLogGroup).
    return {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
                                    f"/aws/lambda/{FUNCTION_NAME}:*"}}


def _role(statements: list[dict[str, Any]], role_name: Any = None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "ordinance-config-rules",
                      "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
    }
    if role_name is not None:
        props = {"RoleName": role_name, **props}
    return {"Type": "AWS::IAM::Role", "Properties": props}


def _function() -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "DependsOn": "LogGroup", "Properties": {
        "FunctionName": FUNCTION_NAME,
        "Description": "ordinance: evaluates configuration items against the compiled rule catalog",
        "Runtime": RUNTIME, "Handler": HANDLER, "Architectures": ["arm64"], "MemorySize": 256, "Timeout": 300,
        "Role": {"Fn::GetAtt": ["ExecutionRole", "Arn"]},
        "Code": {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}},
    }}


def _config_actions(rules: Sequence[ConfigRule]) -> dict[str, Any]:
    # PutEvaluations, GetResourceConfigHistory and the account-setting reads have no resource-level
    # permissions: "*" is the narrowest resource IAM accepts for them.
    return {"Effect": "Allow", "Action": read_actions(rules), "Resource": "*"}


def _description(rule: ConfigRule) -> str:
    return f"ordinance {rule.rule_id} ({rule.severity}, {rule.mode}): {rule.title}"[:256]


def account_template(rules: Sequence[ConfigRule], code_key: str) -> bytes:
    resources: dict[str, Any] = {
        "LogGroup": _log_group(),
        "ExecutionRole": _role([_config_actions(rules), _logs_statement()]),
        "Function": _function(),
        "ConfigInvokePermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Fn::GetAtt": ["Function", "Arn"]}, "Action": "lambda:InvokeFunction",
            "Principal": "config.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"}}},
    }
    for r in rules:
        details: list[dict[str, Any]] = [{"EventSource": "aws.config", "MessageType": t}
                                         for t in r.triggers if t != "ScheduledNotification"]
        if "ScheduledNotification" in r.triggers:
            details.append({"EventSource": "aws.config", "MessageType": "ScheduledNotification",
                            "MaximumExecutionFrequency": {"Ref": "MaximumExecutionFrequency"}})
        props: dict[str, Any] = {"ConfigRuleName": r.name, "Description": _description(r)}
        if r.resource_types:
            props["Scope"] = {"ComplianceResourceTypes": list(r.resource_types)}
        props["Source"] = {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": {"Fn::GetAtt": ["Function", "Arn"]},
                           "SourceDetails": details}
        props["InputParameters"] = r.input_parameters
        res: dict[str, Any] = {"Type": "AWS::Config::ConfigRule", "DependsOn": "ConfigInvokePermission"}
        if r.global_only:
            res["Condition"] = "GlobalResourceRules"
        resources[_logical(r)] = {**res, "Properties": props}
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "ordinance Config rules for one account and region (generated by `ordinance compile`).",
        "Parameters": _parameters(code_key),
        "Conditions": {"GlobalResourceRules": {"Fn::Equals": [{"Ref": "IncludeGlobalResourceRules"}, "true"]}},
        "Resources": resources,
        "Outputs": {"FunctionArn": {"Value": {"Fn::GetAtt": ["Function", "Arn"]}}},
    }
    return _dump(template)


def organization_template(rules: Sequence[ConfigRule], code_key: str) -> bytes:
    params = _parameters(code_key)
    params["MemberRoleName"] = {"Type": "String", "Default": MEMBER_ROLE,
                                "Description": "Role in each member account (organization-member-role.template.yaml)."}
    params["ExcludedAccounts"] = {"Type": "CommaDelimitedList", "Default": "",
                                  "Description": "Account ids the rules are not deployed to."}
    assume = {"Effect": "Allow", "Action": "sts:AssumeRole",
              "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${MemberRoleName}"}}
    resources: dict[str, Any] = {
        "LogGroup": _log_group(),
        "ExecutionRole": _role([assume, _logs_statement()],
                               role_name={"Fn::Sub": f"{FUNCTION_NAME}-${{AWS::Region}}"}),
        "Function": _function(),
        # Config in every member account invokes the function: no SourceAccount can name them all.
        "ConfigInvokePermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Fn::GetAtt": ["Function", "Arn"]}, "Action": "lambda:InvokeFunction",
            "Principal": "config.amazonaws.com"}},
    }
    for r in rules:
        # The member role name rides along as a reserved parameter; ${MemberRoleName} is filled by Fn::Sub.
        params_json = json.dumps({**r.input_parameters, "executionRoleName": "${MemberRoleName}"},
                                 sort_keys=True, separators=(",", ":"))
        meta: dict[str, Any] = {
            "Description": _description(r),
            "LambdaFunctionArn": {"Fn::GetAtt": ["Function", "Arn"]},
            "OrganizationConfigRuleTriggerTypes": list(r.triggers),
            "InputParameters": {"Fn::Sub": params_json},
        }
        if r.resource_types:
            meta["ResourceTypesScope"] = list(r.resource_types)
        if "ScheduledNotification" in r.triggers:
            meta["MaximumExecutionFrequency"] = {"Ref": "MaximumExecutionFrequency"}
        res: dict[str, Any] = {"Type": "AWS::Config::OrganizationConfigRule",
                               "DependsOn": "ConfigInvokePermission"}
        if r.global_only:
            res["Condition"] = "GlobalResourceRules"
        res["Properties"] = {
            "OrganizationConfigRuleName": r.name,
            "OrganizationCustomRuleMetadata": meta,
            "ExcludedAccounts": {"Fn::If": ["HasExcludedAccounts", {"Ref": "ExcludedAccounts"},
                                            {"Ref": "AWS::NoValue"}]},
        }
        resources[_logical(r)] = res
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": ("ordinance Config rules for the whole organization, deployed from the delegated "
                        "administrator account (generated by `ordinance compile`)."),
        "Parameters": params,
        "Conditions": {
            "GlobalResourceRules": {"Fn::Equals": [{"Ref": "IncludeGlobalResourceRules"}, "true"]},
            "HasExcludedAccounts": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "ExcludedAccounts"}]}, ""]}]},
        },
        "Resources": resources,
        "Outputs": {"FunctionArn": {"Value": {"Fn::GetAtt": ["Function", "Arn"]}}},
    }
    return _dump(template)


def member_role_template(rules: Sequence[ConfigRule]) -> bytes:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": ("Role the ordinance Config-rule function assumes in a member account. Deploy to every "
                        "member account with a service-managed StackSet (generated by `ordinance compile`)."),
        "Parameters": {
            "AdministratorAccountId": {"Type": "String", "AllowedPattern": "^[0-9]{12}$",
                                       "Description": "Account that runs organization.template.yaml."},
            "MemberRoleName": {"Type": "String", "Default": MEMBER_ROLE},
        },
        "Resources": {"MemberRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": {"Ref": "MemberRoleName"},
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AdministratorAccountId}:root"}},
                "Action": "sts:AssumeRole",
                # Only the function's execution role (one per region) may assume it.
                "Condition": {"ArnLike": {"aws:PrincipalArn": {"Fn::Sub":
                    f"arn:${{AWS::Partition}}:iam::${{AdministratorAccountId}}:role/{FUNCTION_NAME}-*"}}}}]},
            "Policies": [{"PolicyName": "ordinance-config-rules", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": [_config_actions(rules)]}}],
        }}},
        "Outputs": {"MemberRoleArn": {"Value": {"Fn::GetAtt": ["MemberRole", "Arn"]}}},
    }
    return _dump(template)
