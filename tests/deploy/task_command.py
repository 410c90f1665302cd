"""The scheduled audit's container command, as ECS would run it: the template's intrinsics resolved.

A deliberately small evaluator (Ref, Fn::Sub, Fn::If, AWS::NoValue, Fn::Equals/Fn::Not conditions):
enough for the task definition, so the tests can feed its exact argv to `ordinance` itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.sources.cfn_decode import decode

SCHEDULED = Path(__file__).resolve().parents[2] / "deploy" / "audit" / "scheduled-audit.template.yaml"
_NO_VALUE = object()


def template() -> dict[str, Any]:
    data = decode(SCHEDULED.read_text(encoding="utf-8"), str(SCHEDULED)).data
    assert isinstance(data, dict)
    return data


def _resolve(value: Any, refs: Mapping[str, Any], conditions: Mapping[str, bool]) -> Any:
    if isinstance(value, list):
        items = [_resolve(v, refs, conditions) for v in value]
        return [v for v in items if v is not _NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            return _NO_VALUE if arg == "AWS::NoValue" else refs[arg]
        if key == "Fn::Sub":
            return re.sub(r"\$\{([^}]+)\}", lambda m: str(refs[m.group(1)]), arg)
        if key == "Fn::If":
            name, yes, no = arg
            return _resolve(yes if conditions[name] else no, refs, conditions)
        if key == "Fn::Equals":
            left, right = (_resolve(v, refs, conditions) for v in arg)
            return left == right
        if key == "Fn::Not":
            return not _resolve(arg[0], refs, conditions)
    return {k: _resolve(v, refs, conditions) for k, v in value.items()}


def container(parameters: Mapping[str, str], resources: Mapping[str, str]) -> dict[str, Any]:
    """EntryPoint, Command and Environment of the task's container for these parameter values."""
    t = template()
    refs: dict[str, Any] = {name: p.get("Default") for name, p in t["Parameters"].items()}
    refs.update(parameters)
    refs.update(resources)
    refs.update({"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
                 "AWS::StackName": "ordinance-audit"})
    conditions: dict[str, bool] = {}
    for name, expr in t["Conditions"].items():
        conditions[name] = bool(_resolve(expr, refs, conditions))
    [definition] = t["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    return {k: _resolve(definition[k], refs, conditions) for k in ("EntryPoint", "Command", "Environment")}


def argv(parameters: Mapping[str, str], resources: Mapping[str, str]) -> list[str]:
    """EntryPoint + Command with the entry point (`ordinance`) dropped: what `engine.cli.main` takes."""
    c = container(parameters, resources)
    assert c["EntryPoint"] == ["ordinance"]
    return [str(a) for a in c["Command"]]


def environment(parameters: Mapping[str, str], resources: Mapping[str, str]) -> dict[str, str]:
    return {e["Name"]: str(e["Value"]) for e in container(parameters, resources)["Environment"]}
