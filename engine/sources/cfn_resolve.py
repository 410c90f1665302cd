"""Static resolution of CloudFormation intrinsic functions, for one choice of parameters and conditions.

What can be known before deployment is resolved (parameter defaults, literal mappings, `Fn::Sub` and
`Fn::Join` over known parts, `Fn::GetAtt` of a VPC's or subnet's written CidrBlock); the rest becomes
UNKNOWN (other `Fn::GetAtt`, `Ref` to a resource, pseudo parameters, imports). `Fn::If` takes the true
branch unless its condition is in `false_conditions`, so the caller can re-resolve a resource with one
condition false or one parameter value changed (an "alternative") and see whether a rule's verdict moves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.resources.model import UNKNOWN


class _NoValue:
    """`Ref: AWS::NoValue`: the enclosing key or list element disappears."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any  # UNKNOWN when the template gives none
    allowed: tuple[Any, ...]
    is_list: bool


def read_parameters(section: Any) -> dict[str, Parameter]:
    params: dict[str, Parameter] = {}
    if not isinstance(section, Mapping):
        return params
    for name, spec in section.items():
        if not isinstance(spec, Mapping):
            continue
        ptype = str(spec.get("Type", ""))
        is_list = ptype.startswith("List<") or ptype == "CommaDelimitedList"
        allowed = spec.get("AllowedValues")
        params[str(name)] = Parameter(
            name=str(name),
            default=spec.get("Default", UNKNOWN),
            allowed=tuple(allowed) if isinstance(allowed, list) else (),
            is_list=is_list,
        )
    return params


@dataclass
class Context:
    """One choice of parameter values and conditions; records which choice points were met."""

    params: Mapping[str, Parameter]
    mappings: Mapping[str, Any]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    false_conditions: frozenset[str] = frozenset()
    used_params: list[str] = field(default_factory=list)
    used_conditions: list[str] = field(default_factory=list)
    resources: Mapping[str, Any] = field(default_factory=dict)  # the template's Resources, for Fn::GetAtt
    _getting: set[str] = field(default_factory=set)  # GetAtt in progress: a cycle is unknown, not a hang

    def variant(self, *, param: str | None = None, value: Any = None, condition: str | None = None) -> Context:
        overrides = {param: value} if param is not None else {}
        false = frozenset((condition,)) if condition is not None else frozenset()
        return Context(self.params, self.mappings, overrides, false, resources=self.resources)

    def param_value(self, name: str) -> Any:
        param = self.params[name]
        if name not in self.used_params:
            self.used_params.append(name)
        value = self.overrides.get(name, param.default)
        if value is UNKNOWN:
            return UNKNOWN
        if param.is_list and isinstance(value, str):
            return [v.strip() for v in value.split(",")]
        return value


def resolve(value: Any, ctx: Context) -> Any:
    """Resolve every intrinsic in `value`; NO_VALUE entries are dropped from mappings and lists."""
    if isinstance(value, dict):
        if len(value) == 1:
            (key,) = value
            if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                return _intrinsic(key, value[key], ctx)
        out = {}
        for k, v in value.items():
            r = resolve(v, ctx)
            if r is not NO_VALUE:
                out[k] = r
        return out
    if isinstance(value, list):
        return [r for r in (resolve(v, ctx) for v in value) if r is not NO_VALUE]
    return value


def _intrinsic(name: str, arg: Any, ctx: Context) -> Any:
    handler = _HANDLERS.get(name)
    if handler is None:
        return UNKNOWN  # ImportValue, GetAZs, Cidr, Base64, Transform, most GetAtt (see _get_att)...
    return handler(arg, ctx)


def _ref(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, str):
        return UNKNOWN
    if arg == "AWS::NoValue":
        return NO_VALUE
    if arg in ctx.params:
        return ctx.param_value(arg)
    return UNKNOWN  # pseudo parameter or resource


# Return values that are the resource's own property, as written: `!GetAtt Vpc.CidrBlock` is known
# when the VPC's CidrBlock is (the usual way to write "SSH from inside the VPC").
_ATTRIBUTES_AS_WRITTEN = {("AWS::EC2::VPC", "CidrBlock"), ("AWS::EC2::Subnet", "CidrBlock")}


def _get_att(arg: Any, ctx: Context) -> Any:
    if isinstance(arg, str) and "." in arg:
        arg = arg.split(".", 1)
    if not (isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg)):
        return UNKNOWN
    logical_id, attribute = arg
    body = ctx.resources.get(logical_id)
    if not isinstance(body, Mapping) or (body.get("Type"), attribute) not in _ATTRIBUTES_AS_WRITTEN:
        return UNKNOWN
    props = body.get("Properties")
    key = f"{logical_id}.{attribute}"
    if not isinstance(props, Mapping) or attribute not in props or key in ctx._getting:
        return UNKNOWN
    ctx._getting.add(key)
    try:
        value = resolve(props[attribute], ctx)
    finally:
        ctx._getting.discard(key)
    return UNKNOWN if value is NO_VALUE else value


def _if(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
        return UNKNOWN
    cond = arg[0]
    if cond not in ctx.used_conditions:
        ctx.used_conditions.append(cond)
    return resolve(arg[2] if cond in ctx.false_conditions else arg[1], ctx)


def _is_known_scalar(v: Any) -> bool:
    return isinstance(v, (str, int, float)) and not isinstance(v, bool)


def _find_in_map(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) not in (3, 4):
        return UNKNOWN
    keys = [resolve(a, ctx) for a in arg[:3]]
    if not all(_is_known_scalar(k) for k in keys):
        return UNKNOWN
    cur: Any = ctx.mappings
    for k in keys:
        if not isinstance(cur, Mapping):
            return UNKNOWN
        nxt = cur.get(k, cur.get(str(k), NO_VALUE)) if isinstance(k, (int, float)) else cur.get(k, NO_VALUE)
        if nxt is NO_VALUE:
            if len(arg) == 4 and isinstance(arg[3], Mapping) and "DefaultValue" in arg[3]:
                return resolve(arg[3]["DefaultValue"], ctx)
            return UNKNOWN
        cur = nxt
    return resolve(cur, ctx)


def _scalar_text(v: Any) -> str | None:
    if isinstance(v, bool):
        return "true" if v else "false"
    if _is_known_scalar(v):
        return str(v)
    return None


def _sub(arg: Any, ctx: Context) -> Any:
    variables: Mapping[str, Any]
    if isinstance(arg, str):
        template, variables = arg, {}
    elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], Mapping):
        template, variables = arg[0], arg[1]
    else:
        return UNKNOWN
    unknown = False

    def replace(m: re.Match[str]) -> str:
        nonlocal unknown
        name = m.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"  # ${!Literal} is the escape for a literal ${Literal}
        name = name.strip()
        if name in variables:
            value = resolve(variables[name], ctx)
        elif name in ctx.params:
            value = ctx.param_value(name)
        else:
            value = UNKNOWN  # pseudo parameter, resource or Resource.Attribute
        text = _scalar_text(value)
        if text is None:
            unknown = True
            return ""
        return text

    out = _SUB_VAR.sub(replace, template)
    return UNKNOWN if unknown else out


def _join(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return UNKNOWN
    delim, parts = resolve(arg[0], ctx), resolve(arg[1], ctx)
    if not isinstance(delim, str) or not isinstance(parts, list):
        return UNKNOWN
    texts = [_scalar_text(p) for p in parts]
    if any(t is None for t in texts):
        return UNKNOWN
    return delim.join(t for t in texts if t is not None)


def _select(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return UNKNOWN
    index, items = resolve(arg[0], ctx), resolve(arg[1], ctx)
    try:
        i = int(index)
    except (TypeError, ValueError):
        return UNKNOWN
    if not isinstance(items, list) or not 0 <= i < len(items):
        return UNKNOWN
    return items[i]


def _split(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return UNKNOWN
    delim, source = resolve(arg[0], ctx), resolve(arg[1], ctx)
    if not isinstance(delim, str) or not delim or not isinstance(source, str):
        return UNKNOWN
    return source.split(delim)


_HANDLERS = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::If": _if,
    "Fn::FindInMap": _find_in_map,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
}
