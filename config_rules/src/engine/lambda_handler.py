"""The AWS Config custom-rule Lambda: configuration items in, put_evaluations out.

One function serves every compiled rule. The rule is named by `ruleId` in the rule's InputParameters
(set by the templates; organization rules are renamed in member accounts), else by configRuleName.
Verdicts come from the same evaluator and the same rule definitions as the linter.

Verdict -> Config compliance type:
- pass -> COMPLIANT; fail -> NON_COMPLIANT;
- not applicable, deleted, out of scope -> NOT_APPLICABLE;
- waived (a live exemption in policies.yaml) -> NOT_APPLICABLE, annotated "Exempted ...";
- unknown -> NON_COMPLIANT annotated "Insufficient data ...": PutEvaluations rejects
  INSUFFICIENT_DATA (botocore's model documents it), and staying silent would leave a stale
  COMPLIANT in place; failing closed keeps the resource visible. Never COMPLIANT.
- error (the rule raised on this resource) -> NON_COMPLIANT annotated "Rule error ...", and logged.
A malformed event or a failed AWS call raises, so Config records the failure and retries.

Imports: stdlib and the stdlib-only engine modules; boto3 only when a client is first needed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from engine.catalog.model import ActiveRule, Exemption, Rule
from engine.evaluate import evaluate
from engine.resources.kinds import KINDS
from engine.resources.model import Finding, Resource, Verdict
from engine.sources.config_item import DELETED_STATUSES, capture_time, load_item, parse_time

LOG = logging.getLogger("ordinance.config_rule")

CATALOG_PATH = Path(__file__).with_name("compiled_catalog.json")
ANNOTATION_MAX = 256  # PutEvaluations: Annotation is 1..256 characters
BATCH_SIZE = 100  # PutEvaluations: at most 100 evaluations per call
TESTMODE_TOKEN = "TESTMODE"  # AWS RDK convention: this token means TestMode=True
ACCOUNT_RESOURCE_TYPE = "AWS::::Account"
THROTTLING_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException",
                              "RequestLimitExceeded", "ProvisionedThroughputExceededException"})
MAX_ATTEMPTS = 6

CHANGE = "ConfigurationItemChangeNotification"
OVERSIZED = "OversizedConfigurationItemChangeNotification"
SCHEDULED = "ScheduledNotification"

# Test seams: a factory returning a client per service name (e.g. one wrapped in a botocore Stubber),
# and the sleep used between throttled attempts.
client_factory: Callable[[str], Any] | None = None
sleep: Callable[[float], None] = time.sleep

_clients: dict[tuple[str, str | None], Any] = {}
_catalog: dict[str, Any] | None = None
# Organization rules: the function runs in the delegated-administrator account and reports into a
# member account through a role there (named by the reserved `executionRoleName` rule parameter).
_assumed: dict[str, Any] | None = None
RESERVED_PARAMETERS = ("ruleId", "executionRoleName")


class EventError(ValueError):
    """The invoking event is not one this function can evaluate; raised so the failure is visible."""


# --- catalog ---------------------------------------------------------------------------------------


def use_catalog(data: Mapping[str, Any] | None) -> None:
    """Replace the compiled catalog (tests); None goes back to the bundled compiled_catalog.json."""
    global _catalog
    _catalog = dict(data) if data is not None else None


def compiled_catalog() -> dict[str, Any]:
    global _catalog
    if _catalog is None:
        _catalog = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    return _catalog


def _exemptions(catalog: Mapping[str, Any]) -> list[Exemption]:
    out = []
    for e in catalog.get("exemptions", []):
        fields = {k: e.get(k) for k in ("account", "ou", "target", "resource", "ticket")}
        out.append(Exemption(rule=e["rule"], reason=e["reason"], owner=e["owner"],
                             expires=dt.date.fromisoformat(e["expires"]), **fields))
    return out


# --- AWS calls -------------------------------------------------------------------------------------


def client(service: str) -> Any:
    if client_factory is not None:
        return client_factory(service)
    account = _assumed["account"] if _assumed else None
    if (service, account) not in _clients:  # cached across warm invocations
        import boto3  # lazily: the import costs more than the rest of the cold start
        from botocore.config import Config

        creds = _assumed["credentials"] if _assumed else {}
        _clients[(service, account)] = boto3.client(
            service, config=Config(retries={"mode": "standard", "max_attempts": 3}),
            aws_access_key_id=creds.get("AccessKeyId"), aws_secret_access_key=creds.get("SecretAccessKey"),
            aws_session_token=creds.get("SessionToken"))
    return _clients[(service, account)]


def assume_member_role(event: Mapping[str, Any], role_name: Any) -> None:
    """Organization rules: act in the event's account through `role_name`; None: act as ourselves."""
    global _assumed
    _assumed = None
    if not role_name:
        return
    account = str(event.get("accountId") or "")
    arn = str(event.get("configRuleArn") or "")
    if not account.isdigit() or not arn.startswith("arn:"):
        raise EventError("an organization rule event needs accountId and configRuleArn")
    partition = arn.split(":")[1]
    resp = call("sts", "assume_role", RoleArn=f"arn:{partition}:iam::{account}:role/{role_name}",
                RoleSessionName="ordinance-config-rule")
    for key in [k for k in _clients if k[1] == account]:
        del _clients[key]  # fresh credentials, fresh clients
    _assumed = {"account": account, "credentials": resp["Credentials"]}


def call(service: str, operation: str, **kwargs: Any) -> Any:
    """One AWS call; throttling is retried with jittered exponential backoff, anything else raises."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return getattr(client(service), operation)(**kwargs)
        except Exception as exc:
            code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code")
            if code not in THROTTLING_CODES or attempt == MAX_ATTEMPTS - 1:
                raise
            delay = min(20.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2)
            LOG.warning("%s.%s throttled (%s), retrying in %.1fs", service, operation, code, delay)
            sleep(delay)
    raise AssertionError("unreachable")


# --- event parsing ---------------------------------------------------------------------------------


def _json_field(event: Mapping[str, Any], key: str, *, required: bool) -> dict[str, Any]:
    raw = event.get(key)
    if raw in (None, "") and not required:
        return {}
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise EventError(f"{key} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise EventError(f"{key} must be a JSON object")
    return value


def _coerce(name: str, spec: Mapping[str, Any], value: Any) -> Any:
    """A rule parameter from InputParameters (native JSON, or a string as the console writes it)."""
    kind = spec.get("type")
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
    elif kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    elif kind == "array":
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    parsed = json.loads(text)
                except ValueError as exc:
                    raise EventError(f"parameter {name}: {exc}") from exc
                if isinstance(parsed, list):
                    return parsed
            else:
                return [v.strip() for v in text.split(",") if v.strip()]
    elif kind == "string" and isinstance(value, str):
        return value
    raise EventError(f"parameter {name}: {value!r} is not a valid {kind}")


def resolve_rule(event: Mapping[str, Any]) -> tuple[dict[str, Any], ActiveRule]:
    """The compiled rule entry this event is for, with ruleParameters over the catalog defaults."""
    catalog = compiled_catalog()
    params = _json_field(event, "ruleParameters", required=False)
    rule_id = params.pop("ruleId", None)
    params.pop("executionRoleName", None)
    if rule_id is None:
        by_name = {e["config_rule_name"]: rid for rid, e in catalog["rules"].items()}
        rule_id = by_name.get(str(event.get("configRuleName")))
    if rule_id not in catalog["rules"]:
        raise EventError(f"no compiled rule for ruleId={rule_id!r} / configRuleName={event.get('configRuleName')!r}")
    entry = catalog["rules"][rule_id]
    rule = Rule.from_json(entry["rule"])
    resolved = dict(entry["parameters"])
    for name, value in params.items():
        if name not in rule.parameters:
            raise EventError(f"rule {rule_id} has no parameter {name!r}")
        resolved[name] = _coerce(name, rule.parameters[name], value)
    return entry, ActiveRule(rule, entry["mode"], entry["severity"], resolved)


# --- evaluations -----------------------------------------------------------------------------------


def _annotation(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ANNOTATION_MAX else text[: ANNOTATION_MAX - 1] + "…"


def _evaluation(resource_type: str, resource_id: str, compliance: str, annotation: str,
                when: dt.datetime) -> dict[str, Any]:
    ev: dict[str, Any] = {"ComplianceResourceType": resource_type, "ComplianceResourceId": resource_id,
                          "ComplianceType": compliance, "OrderingTimestamp": when}
    if annotation.strip():
        ev["Annotation"] = _annotation(annotation)
    return ev


def _compliance(finding: Finding) -> tuple[str, str]:
    status = finding.status
    if status is Verdict.PASS:
        return "COMPLIANT", finding.message
    if status is Verdict.FAIL:
        return "NON_COMPLIANT", finding.message
    if status is Verdict.NOT_APPLICABLE:
        return "NOT_APPLICABLE", f"Not applicable: {finding.path or 'the rule'} excludes this resource."
    if status is Verdict.WAIVED:
        return "NOT_APPLICABLE", f"Exempted: {finding.reason}"
    if status is Verdict.UNKNOWN:
        return "NON_COMPLIANT", f"Insufficient data (reported as non-compliant): {finding.message}"
    LOG.error("rule %s errored on %s: %s", finding.rule_id, finding.resource.id, finding.reason)
    return "NON_COMPLIANT", f"Rule error (reported as non-compliant): {finding.message}"


def _judge(active: ActiveRule, resources: Sequence[Resource], *, account: str | None) -> list[Finding]:
    return evaluate([active], resources, exemptions=_exemptions(compiled_catalog()), account=account, facts={})


def evaluate_item(entry: Mapping[str, Any], active: ActiveRule, item: Mapping[str, Any], *,
                  left_scope: bool = False, fallback_time: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The evaluations for one configuration item (event or API form)."""
    rtype, rid = item.get("resourceType"), item.get("resourceId")
    if not isinstance(rtype, str) or not isinstance(rid, str) or not rtype or not rid:
        raise EventError("configuration item without resourceType/resourceId")
    when = capture_time(item) or fallback_time
    if when is None:
        raise EventError(f"{rtype} {rid}: no configurationItemCaptureTime")
    status = item.get("configurationItemStatus")
    if left_scope or status in DELETED_STATUSES:
        why = "left the rule's scope" if left_scope else f"status {status}"
        return [_evaluation(rtype, rid, "NOT_APPLICABLE", f"Not evaluated: {why}.", when)]
    if rtype not in entry["resource_types"]:
        return [_evaluation(rtype, rid, "NOT_APPLICABLE", f"{rtype} is outside this rule's scope.", when)]
    # Instance-level facts only: a volume's own `encrypted` is the truth, whatever the account default.
    resources = load_item(item)
    account = item.get("awsAccountId") or item.get("accountId")
    findings = _judge(active, resources, account=account)
    if not findings:
        return [_evaluation(rtype, rid, "NOT_APPLICABLE", "The rule does not apply to this resource.", when)]
    out = []
    for f in findings:
        compliance, annotation = _compliance(f)
        out.append(_evaluation(rtype, rid, compliance, annotation, when))
    return out


def fetch_oversized(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The full item behind an oversized-change notification (API form)."""
    rtype, rid = summary.get("resourceType"), summary.get("resourceId")
    when = capture_time(summary)
    if not rtype or not rid or when is None:
        raise EventError("configurationItemSummary lacks resourceType, resourceId or configurationItemCaptureTime")
    resp = call("config", "get_resource_config_history", resourceType=rtype, resourceId=rid,
                laterTime=when, limit=1)
    items = resp.get("configurationItems") or []
    if not items:
        raise LookupError(f"get_resource_config_history returned no item for {rtype} {rid}")
    item: dict[str, Any] = items[0]
    return item


def evaluate_account(entry: Mapping[str, Any], active: ActiveRule, account: str,
                     when: dt.datetime) -> list[dict[str, Any]]:
    """Periodic, account level: read the account setting (kinds table `live` call) and judge it."""
    kind = KINDS[entry["periodic"]["account_kind"]]
    service, _, operation = (kind.live or "").partition(".")
    resp = call(service, operation)
    attrs = {a.name: resp[a.live] for a in kind.attrs if a.live and a.live in resp}
    resource = Resource(kind=kind.name, id=account, native_type=ACCOUNT_RESOURCE_TYPE, attrs=attrs,
                        service=kind.service)
    # The same rule, with the account itself as the subject: the setting it reads as a fact decides.
    as_account = replace(active, rule=replace(active.rule, applies_to=(*active.rule.applies_to, kind.name)))
    findings = evaluate([as_account], [resource], exemptions=_exemptions(compiled_catalog()), account=account)
    setting = ", ".join(f"{k} = {json.dumps(v)}" for k, v in sorted(attrs.items())) or "setting not returned"
    out = []
    for f in findings:
        compliance, _ = _compliance(f)
        text = f"{kind.title}: {setting}" if f.status in (Verdict.PASS, Verdict.FAIL) else _compliance(f)[1]
        out.append(_evaluation(ACCOUNT_RESOURCE_TYPE, account, compliance, text, when))
    return out


def _discovered(resource_type: str) -> Iterator[dict[str, Any]]:
    token = None
    while True:
        kwargs: dict[str, Any] = {"resourceType": resource_type}
        if token:
            kwargs["nextToken"] = token
        resp = call("config", "list_discovered_resources", **kwargs)
        yield from resp.get("resourceIdentifiers", [])
        token = resp.get("nextToken")
        if not token:
            return


def scheduled_items(resource_types: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Periodic, resource level: every recorded in-scope resource's current item (API form)."""
    keys = [{"resourceType": r["resourceType"], "resourceId": r["resourceId"]}
            for t in resource_types for r in _discovered(t)]
    for start in range(0, len(keys), 100):  # BatchGetResourceConfig takes at most 100 keys
        batch = keys[start:start + 100]
        resp = call("config", "batch_get_resource_config", resourceKeys=batch)
        if resp.get("unprocessedResourceKeys"):
            raise RuntimeError(f"batch_get_resource_config left {len(resp['unprocessedResourceKeys'])} keys unprocessed")
        yield from resp.get("baseConfigurationItems", [])


def put_evaluations(evaluations: Sequence[Mapping[str, Any]], result_token: str) -> None:
    """Send in batches of 100; a rejected evaluation raises (Config must not keep a stale verdict)."""
    for start in range(0, len(evaluations), BATCH_SIZE):
        kwargs: dict[str, Any] = {"Evaluations": list(evaluations[start:start + BATCH_SIZE]),
                                  "ResultToken": result_token}
        if result_token == TESTMODE_TOKEN:
            kwargs["TestMode"] = True
        resp = call("config", "put_evaluations", **kwargs)
        failed = resp.get("FailedEvaluations") or []
        if failed:
            raise RuntimeError(f"put_evaluations rejected {len(failed)} evaluation(s): {failed[:3]}")


# --- entry point -----------------------------------------------------------------------------------


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    if not isinstance(event, Mapping):
        raise EventError("the event must be a JSON object")
    token = event.get("resultToken")
    if not isinstance(token, str) or not token:
        raise EventError("the event has no resultToken")
    invoking = _json_field(event, "invokingEvent", required=True)
    entry, active = resolve_rule(event)
    assume_member_role(event, _json_field(event, "ruleParameters", required=False).get("executionRoleName"))
    message_type = invoking.get("messageType")
    notified = parse_time(str(invoking.get("notificationCreationTime") or ""))
    left_scope = bool(event.get("eventLeftScope", False))
    if message_type == CHANGE:
        item = invoking.get("configurationItem")
        if not isinstance(item, Mapping):
            raise EventError("ConfigurationItemChangeNotification without configurationItem")
        evaluations = evaluate_item(entry, active, item, left_scope=left_scope, fallback_time=notified)
    elif message_type == OVERSIZED:
        summary = invoking.get("configurationItemSummary")
        if not isinstance(summary, Mapping):
            raise EventError("OversizedConfigurationItemChangeNotification without configurationItemSummary")
        if left_scope or summary.get("configurationItemStatus") in DELETED_STATUSES:
            evaluations = evaluate_item(entry, active, summary, left_scope=left_scope, fallback_time=notified)
        else:
            evaluations = evaluate_item(entry, active, fetch_oversized(summary), fallback_time=notified)
    elif message_type == SCHEDULED:
        account = invoking.get("awsAccountId") or event.get("accountId")
        if notified is None or not account:
            raise EventError("ScheduledNotification without notificationCreationTime or awsAccountId")
        periodic = entry.get("periodic") or {}
        if periodic.get("account_kind"):
            evaluations = evaluate_account(entry, active, str(account), notified)
        else:
            evaluations = [e for item in scheduled_items(entry["resource_types"])
                           for e in evaluate_item(entry, active, item, fallback_time=notified)]
    else:
        raise EventError(f"unsupported messageType {message_type!r}")
    put_evaluations(evaluations, token)
    counts: dict[str, int] = {}
    for e in evaluations:
        counts[e["ComplianceType"]] = counts.get(e["ComplianceType"], 0) + 1
    LOG.info("rule %s: %s", active.rule.id, counts)
    return {"rule": active.rule.id, "messageType": message_type, "evaluations": counts}
