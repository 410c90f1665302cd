"""Helpers for the Config-rule tests: real corpus items and real-shaped invoking events."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path("/work/shared/corpus/config-items")
EXAMPLE_CI = CORPUS / "awslabs__aws-config-rdk/rdk/template/example_ci"
EVENTS = CORPUS / "aws-powertools__powertools-lambda-python/tests/events"


def corpus_item(name: str) -> dict[str, Any]:
    """A real configuration item from the AWS RDK's examples (e.g. `AWS_S3_Bucket`)."""
    path = EXAMPLE_CI / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"corpus item {path} not available")
    return copy.deepcopy(json.loads(path.read_text()))


def change_event(item: dict[str, Any], *, rule_id: str, params: dict[str, Any] | None = None,
                 token: str = "token-1", left_scope: bool = False) -> dict[str, Any]:
    """A ConfigurationItemChangeNotification shaped like the real captured one, carrying `item`."""
    event = json.loads((EVENTS / "awsConfigRuleConfigurationChanged.json").read_text())
    invoking = json.loads(event["invokingEvent"])
    invoking["configurationItem"] = item
    event["invokingEvent"] = json.dumps(invoking)
    event["ruleParameters"] = json.dumps({"ruleId": rule_id, **(params or {})})
    event["resultToken"] = token
    event["eventLeftScope"] = left_scope
    event["configRuleName"] = f"ordinance-{rule_id}"
    return event


def event_from(name: str, *, rule_id: str, token: str = "token-1",
               invoking: dict[str, Any] | None = None) -> dict[str, Any]:
    event = json.loads((EVENTS / name).read_text())
    if invoking is not None:
        event["invokingEvent"] = json.dumps(invoking)
    event["ruleParameters"] = json.dumps({"ruleId": rule_id})
    event["resultToken"] = token
    return event


