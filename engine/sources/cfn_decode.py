"""A small, fast CloudFormation decoder: YAML (short-form tags) and JSON into plain dicts and lists.

Why not cfn-lint's decoder: importing anything from `cfnlint` pulls in its rule registry (sympy,
networkx, samtranslator) and costs 0.5-2.5 s, ten times the pre-commit budget for one file. This
module is the lint path; cfn-lint's decoder stays the judge (tests/sources/test_cloudformation.py
decodes the corpus with both and compares). See docs/decisions/0001-cloudformation-decoder.md.

What it returns is plain data (dict, list, str, int, float, bool, None, datetime.date, exactly as
cfn-lint's nodes compare), plus the line of every key directly under `Resources` and `Parameters`.
Parser types never leave this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.errors import SourceError
from engine.gcpause import paused_gc

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # libyaml not built in; same results, slower
    _BaseLoader = yaml.SafeLoader

# A template with aliases may expand to at most this many nodes (counting each alias as the size of
# what it points to). Real templates sit far below; a "billion laughs" document sits far above.
MAX_EXPANDED_NODES = 500_000

# Sections whose direct keys get a line number.
LINE_SECTIONS = ("Resources", "Parameters")

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class Decoded:
    """The template data and the 1-based line of each key under Resources and Parameters."""

    data: Any
    lines: dict[str, dict[str, int]] = field(default_factory=dict)
    format: str = "yaml"

    def line(self, section: str, key: str) -> int | None:
        return self.lines.get(section, {}).get(key)


class _DecodeError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


if TYPE_CHECKING:
    _MixinBase = yaml.SafeLoader
else:
    _MixinBase = object


class _CfnMixin(_MixinBase):
    """SafeLoader plus CloudFormation tags; rejects duplicate and null keys as cfn-lint does.

    Mixed into libyaml's CSafeLoader (_Loader, the fast path) and PyYAML's SafeLoader (_PyLoader).
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self._resolved: dict[str, str] = {}
        self._built: dict[int, tuple[Any]] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> Any:
        # Called by the C composer for every node; templates repeat the same plain scalars
        # ("Type", "tcp", "true"), so the regex-based answer is cached per loader.
        if kind is ScalarNode and implicit[0]:
            tag = self._resolved.get(value)
            if tag is None:
                tag = self._resolved[value] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        merged = any(k.tag == _MERGE_TAG for k, _ in node.value)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if None in mapping:
            raise _DecodeError("null key not supported", _first_line(node, None, self))
        if not merged and len(mapping) != len(node.value):
            raise _DecodeError("duplicate key", _duplicate_line(node, self))
        return mapping

    def build(self, node: Node) -> Any:
        """Construct a node tree in one recursive pass; same values as SafeConstructor, a third the cost.

        Aliased nodes build to one shared object, as with SafeConstructor. Merge keys and the rarer
        tags (set, omap, pairs) go through the stock constructor.
        """
        memo = self._built
        done = memo.get(id(node))
        if done is not None:
            return done[0]
        tag = node.tag
        if isinstance(node, ScalarNode):
            if tag == _STR_TAG:
                return node.value
            if tag.startswith("!"):
                return _construct_tag(self, tag[1:], node)
            scalar = _SCALARS.get(tag)
            return scalar(self, node) if scalar else self.construct_object(node, deep=True)
        value: Any
        if tag == _MAP_TAG and isinstance(node, MappingNode):
            if any(k.tag == _MERGE_TAG for k, _ in node.value):
                value = self.construct_object(node, deep=True)
            else:
                value = {}
                memo[id(node)] = (value,)
                try:
                    for k, v in node.value:
                        value[self.build(k)] = self.build(v)
                except TypeError as exc:
                    raise _DecodeError(f"unhashable key: {exc}", int(node.start_mark.line) + 1) from exc
                if None in value:
                    raise _DecodeError("null key not supported", _first_line(node, None, self))
                if len(value) != len(node.value):
                    raise _DecodeError("duplicate key", _duplicate_line(node, self))
        elif tag == _SEQ_TAG and isinstance(node, SequenceNode):
            value = []
            memo[id(node)] = (value,)
            value.extend(self.build(child) for child in node.value)
        elif tag.startswith("!"):
            value = _construct_tag(self, tag[1:], node)
        else:
            value = self.construct_object(node, deep=True)
        memo[id(node)] = (value,)
        return value


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
# Scalar constructors of SafeConstructor that return their value directly (no generator).
_SCALARS = {
    f"tag:yaml.org,2002:{name}": getattr(yaml.SafeLoader, f"construct_yaml_{attr}")
    for name, attr in (("null", "null"), ("bool", "bool"), ("int", "int"), ("float", "float"),
                       ("timestamp", "timestamp"), ("binary", "binary"))
}


def _first_line(node: MappingNode, key: Any, loader: Any) -> int:
    for k, _ in node.value:
        if loader.construct_object(k) == key:
            return int(k.start_mark.line) + 1
    return int(node.start_mark.line) + 1


def _duplicate_line(node: MappingNode, loader: Any) -> int:
    seen: set[Any] = set()
    for k, _ in node.value:
        key = loader.construct_object(k)
        if key in seen:
            return int(k.start_mark.line) + 1
        seen.add(key)
    return int(node.start_mark.line) + 1


def _construct_tag(loader: Any, suffix: str, node: Node) -> dict[str, Any]:
    """`!Ref x` -> {"Ref": x}; `!Sub s` -> {"Fn::Sub": s}; any other `!X` -> {"Fn::X": ...} (cfn-lint's rule)."""
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if name == "Fn::GetAtt" and isinstance(node, ScalarNode):
        return {name: str(loader.construct_scalar(node)).split(".", 1)}
    if isinstance(node, ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, SequenceNode):
        return {name: [loader.build(child) for child in node.value]}
    if isinstance(node, MappingNode):
        # cfn-lint builds a tagged mapping without its duplicate-key check; keep the last value too
        return {name: {loader.build(k): loader.build(v) for k, v in node.value}}
    raise _DecodeError(f"bad tag !{suffix}", int(node.start_mark.line) + 1)


class _Loader(_CfnMixin, _BaseLoader):  # type: ignore[misc, valid-type]
    pass


# libyaml's composer recurses in C once per nesting level and overflows the C stack (a segfault,
# found by the hostile-input tests) somewhere past 10,000 levels. Text that might nest that deep is
# composed by PyYAML's pure-Python parser instead, whose RecursionError becomes "nested too deeply".
class _PyLoader(_CfnMixin, yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", _construct_tag)
_PyLoader.add_multi_constructor("!", _construct_tag)
SAFE_C_DEPTH = 5_000  # far below where libyaml crashes, far above any real template


def _may_nest_deeper_than(text: str, limit: int) -> bool:
    """A cheap upper bound on nesting: flow openers, plus block levels (each needs a deeper column
    on some line, or a same-column sequence under a key: at most twice the longest line)."""
    flow = text.count("[") + text.count("{")
    if flow > limit:
        return True
    longest = max((len(line) for line in text.splitlines()), default=0)
    return flow + 2 * longest + 2 > limit


def _expanded_size(root: Node) -> None:
    """Refuse alias bombs and recursive anchors before anything walks the expanded tree.

    Composition shares aliased nodes, so the graph is small; its expansion is what later walks pay
    for. Sizes are memoised per node, so this is linear in the composed graph.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        done = sizes.get(key)
        if done is not None:
            return done
        if isinstance(node, ScalarNode):
            return 1
        if key in active:
            raise _DecodeError("recursive YAML alias", int(node.start_mark.line) + 1)
        active.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child)
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
        active.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise _DecodeError(
                f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes (alias bomb?); refused",
                int(node.start_mark.line) + 1)
        sizes[key] = total
        return total

    size(root)


def _yaml_lines(root: Node) -> dict[str, dict[str, int]]:
    lines: dict[str, dict[str, int]] = {}
    if not isinstance(root, MappingNode):
        return lines
    for key_node, value_node in root.value:
        if (isinstance(key_node, ScalarNode) and key_node.value in LINE_SECTIONS
                and isinstance(value_node, MappingNode)):
            section = lines.setdefault(key_node.value, {})
            for k, _ in value_node.value:
                if isinstance(k, ScalarNode):
                    section.setdefault(k.value, int(k.start_mark.line) + 1)
    return lines


def decode_yaml(text: str) -> Decoded:
    loader: _CfnMixin | None = None
    try:
        # Inside the try: the pure-Python reader checks for control characters on construction.
        loader = _PyLoader(text) if _may_nest_deeper_than(text, SAFE_C_DEPTH) else _Loader(text)
        root = loader.get_single_node()
        if root is None:
            return Decoded(None, {}, "yaml")
        if "*" in text:  # no alias without a `*`: skip the walk for the common case
            _expanded_size(root)
        data = loader.build(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise _DecodeError(f"invalid YAML: {problem}", mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise _DecodeError(f"invalid YAML: {str(exc).splitlines()[0]}") from exc
    except RecursionError as exc:
        raise _DecodeError("YAML nested too deeply") from exc
    except (ValueError, TypeError) as exc:  # e.g. a timestamp-shaped scalar that is no date
        raise _DecodeError(f"invalid YAML value: {exc}") from exc
    finally:
        if loader is not None:
            loader.dispose()
    return Decoded(data, _yaml_lines(root), "yaml")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _DecodeError(f"duplicate key {dup!r}")
    return out


# Strings and brackets: enough to track depth and find keys without a second parser.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"\s*:?|[{}\[\]]', re.DOTALL)


def _json_key(token: str) -> str:
    # strict=False as in decode_json: raw tabs and control characters sit inside real templates' keys.
    try:
        key = json.loads(token, strict=False)
    except ValueError:
        return token[1:-1]
    return key if isinstance(key, str) else token[1:-1]


def _json_lines(text: str) -> dict[str, dict[str, int]]:
    """Lines of the keys directly under top-level Resources/Parameters, by one regex pass.

    Stops once both sections are closed; newlines are counted incrementally, so the scan is linear.
    """
    lines: dict[str, dict[str, int]] = {}
    depth = 0
    section: str | None = None
    line, last = 1, 0
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == "{" or c == "[":
            depth += 1
        elif c == "}" or c == "]":
            depth -= 1
            if depth == 1 and section is not None:
                section = None
                if len(lines) == len(LINE_SECTIONS):
                    break
        elif depth <= 2 and tok[-1] == ":":
            key = tok[:-1].rstrip()
            key = _json_key(key) if "\\" in key else key[1:-1]
            if depth == 1:
                section = key if key in LINE_SECTIONS and key not in lines else None
                if section is not None:
                    lines[section] = {}
            elif section is not None:
                line += text.count("\n", last, m.start())
                last = m.start()
                lines[section].setdefault(key, line)
    return lines


# cfn-lint reads JSON templates with its YAML loader (JSON is YAML), so a number is whatever YAML 1.1
# makes of it: 1.5 and 1.5e+3 are floats, but 1e5 and 1.5e3 (no dot, or no exponent sign) are strings.
_YAML_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?")


def _json_float(literal: str) -> float | str:
    return float(literal) if _YAML_FLOAT.fullmatch(literal) else literal


def decode_json(text: str) -> Decoded:
    try:
        # strict=False: awslabs templates carry raw tab characters inside strings.
        data = json.loads(text, strict=False, object_pairs_hook=_no_duplicates, parse_float=_json_float)
    except json.JSONDecodeError as exc:
        raise _DecodeError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
    except RecursionError as exc:
        raise _DecodeError("JSON nested too deeply") from exc
    return Decoded(data, _json_lines(text), "json")


def decode(text: str, file: str) -> Decoded:
    """Decode a template's text; any failure is a one-line SourceError with the file and line."""
    stripped = text.lstrip("\ufeff \t\r\n")
    # Parsing allocates hundreds of thousands of acyclic objects; the cyclic collector would scan
    # them repeatedly (doubling the time on a large template) and free nothing.
    try:
        with paused_gc():
            if stripped.startswith("{"):
                return decode_json(text.lstrip("\ufeff"))
            return decode_yaml(text.lstrip("\ufeff"))
    except _DecodeError as exc:
        raise SourceError(exc.message, file, exc.line) from None
