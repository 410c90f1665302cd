"""The IAM Service Authorization Reference, as generated into engine/data/iam.json.

Loaded lazily, once, and indexed by service prefix (scripts/update_reference_data.py writes it).
Lookups are case-insensitive, like IAM itself.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources as importlib_resources
from typing import Any


@dataclass(frozen=True)
class Action:
    service: str
    name: str
    # resource type ("" is the action-level row) -> condition keys the action lists for it
    resource_types: dict[str, tuple[str, ...]]

    @property
    def full(self) -> str:
        return f"{self.service}:{self.name}"


@dataclass(frozen=True)
class Service:
    prefix: str
    actions: dict[str, Action]  # lower-cased name -> action
    resources: dict[str, tuple[str, tuple[str, ...]]]  # resource type -> (ARN template, its keys)
    keys: dict[str, str]  # condition key -> type


@cache
def _raw() -> dict[str, Any]:
    text = importlib_resources.files("engine").joinpath("data/iam.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def service(prefix: str) -> Service | None:
    raw = _raw()["services"].get(prefix.lower())
    if raw is None:
        return None
    actions = {name.lower(): Action(prefix.lower(), name, {rt: tuple(k) for rt, k in rts.items()})
               for name, rts in raw["actions"].items()}
    resources = {name: (r["arn"], tuple(r["keys"])) for name, r in raw["resources"].items()}
    return Service(prefix.lower(), actions, resources, dict(raw["keys"]))


def global_keys() -> dict[str, str]:
    keys: dict[str, str] = _raw()["global_keys"]
    return keys


def source() -> dict[str, str]:
    src: dict[str, str] = _raw()["source"]
    return src


def expand_action(pattern: str) -> list[Action]:
    """Every action `pattern` (service:Name, wildcards allowed in the name) names; [] if none."""
    if ":" not in pattern:
        return []
    prefix, name = pattern.split(":", 1)
    svc = service(prefix)
    if svc is None:
        return []
    return [a for low, a in sorted(svc.actions.items()) if fnmatch.fnmatchcase(low, name.lower())]


def _key_pattern(documented: str) -> re.Pattern[str]:
    # aws:RequestTag/${TagKey} and parliament's aws:ResourceTag/* stand for any tag key.
    parts = re.split(r"\$\{[^}]+\}|\*", documented)
    return re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$", re.IGNORECASE)


def _key_in(key: str, documented: tuple[str, ...] | list[str]) -> bool:
    return any(_key_pattern(d).match(key) for d in documented)


def is_global_key(key: str) -> bool:
    return _key_in(key, list(global_keys()))


def key_exists(key: str) -> bool:
    if is_global_key(key):
        return True
    svc = service(key.split(":", 1)[0]) if ":" in key else None
    return svc is not None and _key_in(key, list(svc.keys))


def _arn_glob(template: str) -> str:
    return re.sub(r"\$\{[^}]+\}", "*", template)


def resource_types_for(action: Action, resource: str) -> list[str]:
    """The action's resource types an SCP Resource entry can name ("*" names them all)."""
    svc = service(action.service)
    assert svc is not None
    if resource == "*":
        return sorted(action.resource_types)
    out = []
    for rt in action.resource_types:
        if rt == "" or rt not in svc.resources:
            continue
        glob = _arn_glob(svc.resources[rt][0])
        if fnmatch.fnmatchcase(resource, glob) or fnmatch.fnmatchcase(glob, resource):
            out.append(rt)
    return sorted(out)


def keys_for(action: Action, resource_types: list[str]) -> set[str]:
    """Condition keys documented for the action on those resource types (global keys aside).

    Per the reference: the keys the action lists per resource type, the keys of the resource type
    itself, and the action-level row, which applies whatever the resource.
    """
    svc = service(action.service)
    assert svc is not None
    keys = set(action.resource_types.get("", ()))
    for rt in resource_types:
        keys.update(action.resource_types.get(rt, ()))
        if rt in svc.resources:
            keys.update(svc.resources[rt][1])
    return keys


def key_applies(key: str, action: Action, resource_types: list[str]) -> bool:
    return is_global_key(key) or _key_in(key, sorted(keys_for(action, resource_types)))
