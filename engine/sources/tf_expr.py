"""Static evaluation of the HCL expressions python-hcl2 hands back as text.

python-hcl2 serializes every value that is not a plain literal as HCL text: `"${var.x}"` for an
expression, `"\"nw-${var.env}\""` for a quoted template. This module parses the small part of the
expression language a static linter can decide (literals, tuples, objects, `var.`/`local.`/`each.`/
`count.` traversals, string templates, `toset`/`tolist`/`tomap`, conditionals, comparison, logic and
arithmetic operators) and answers UNKNOWN for the rest (`for`, splats, other functions, resource
attributes, data sources). An operator with an UNKNOWN operand is UNKNOWN, except where the known
side decides (`false && x`, `true || x`); a conditional on an UNKNOWN condition is UNKNOWN.
Stdlib only; no parser types leave the module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from engine.resources.model import UNKNOWN

# One traversal step: (True, key) for an index `[key]`, (False, name) for an attribute `.name`.
Step = tuple[bool, Any]
# Resolves a traversal root (`var`, `local`, `each`, `count`, a resource type) and its steps;
# returns the value or UNKNOWN.
Resolver = Callable[[str, list[Step]], Any]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_CONVERSIONS = {"toset", "tolist", "tomap", "tostring", "tonumber", "tobool"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


class _Unsupported(Exception):
    """Syntax outside the decidable subset: the whole expression is UNKNOWN."""


def evaluate(raw: Any, resolve: Resolver, refs: list[str] | None = None) -> Any:
    """A python-hcl2 value with its expressions evaluated; UNKNOWN where they cannot be decided.

    refs collects the resource references met on the way (`aws_s3_bucket.b`, as in plan JSON).
    """
    if isinstance(raw, dict):
        return {_key(k): evaluate(v, resolve, refs) for k, v in raw.items() if not k.startswith("__")}
    if isinstance(raw, list):
        return [evaluate(v, resolve, refs) for v in raw]
    if not isinstance(raw, str):
        return raw  # int, float, bool, None: already literal
    try:
        if raw.startswith('"<<') and "\n" in raw:
            return _heredoc(raw[1:-1], resolve, refs)
        if raw.startswith('"'):
            parser = _Parser(raw, 1, resolve, refs)
            value = parser.template('"')
            parser.end()
            return value
        if raw.startswith("${") and raw.endswith("}"):
            parser = _Parser(raw[2:-1], 0, resolve, refs)
            value = parser.expression()
            parser.end()
            return value
    except _Unsupported:
        return UNKNOWN
    return raw  # a bare word python-hcl2 left unquoted (should not happen; kept as text)


def _key(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _heredoc(body: str, resolve: Resolver, refs: list[str] | None) -> Any:
    """`<<EOT\n...\nEOT` / `<<-EOT` (indented: the common leading whitespace is removed)."""
    first, _, rest = body.partition("\n")
    lines = rest.split("\n")[:-1]  # the last line is the closing marker
    if first.startswith("<<-"):
        indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(indents, default=0)
        lines = [line[cut:] for line in lines]
    text = "\n".join(lines) + "\n"
    parser = _Parser(text, 0, resolve, refs)
    try:
        return parser.template(None)
    except _Unsupported:
        return UNKNOWN


class _Parser:
    """Recursive descent over one expression's text; evaluates as it parses."""

    def __init__(self, text: str, pos: int, resolve: Resolver, refs: list[str] | None):
        self.text, self.pos, self.resolve, self.refs = text, pos, resolve, refs

    # -- lexing helpers

    def ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def peek(self, s: str) -> bool:
        self.ws()
        return self.text.startswith(s, self.pos)

    def take(self, s: str) -> bool:
        if self.peek(s):
            self.pos += len(s)
            return True
        return False

    def expect(self, s: str) -> None:
        if not self.take(s):
            raise _Unsupported(s)

    def end(self) -> None:
        self.ws()
        if self.pos != len(self.text):
            raise _Unsupported("trailing text")  # an operator, a conditional, ...

    # -- grammar

    def expression(self) -> Any:
        """`cond ? a : b` (lowest precedence), else a binary expression. Both branches are always parsed,
        so the references of the branch not taken are still collected."""
        cond = self.binary(0)
        if not self.take("?"):
            return cond
        yes = self.expression()
        self.expect(":")
        no = self.expression()
        if cond is True or cond is False:
            return yes if cond else no
        return UNKNOWN

    def binary(self, level: int) -> Any:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            op = self.operator(_BINARY[level])
            if op is None:
                return left
            left = _apply(op, left, self.binary(level + 1))

    def operator(self, ops: tuple[str, ...]) -> str | None:
        self.ws()
        for op in ops:
            if self.text.startswith(op, self.pos):
                after = self.text[self.pos + len(op): self.pos + len(op) + 1]
                if (op in ("<", ">", "!") and after == "=") or op == "=" or (op == "*" and after == "]"):
                    continue  # `<=`, `>=`, `!=` are listed on their own; `[*]` is a splat
                self.pos += len(op)
                return op
        return None

    def unary(self) -> Any:
        self.ws()
        if self.text.startswith("!", self.pos) and not self.text.startswith("!=", self.pos):
            self.pos += 1
            value = self.unary()
            return (not value) if isinstance(value, bool) else UNKNOWN
        if self.text.startswith("-", self.pos) and not _NUMBER.match(self.text, self.pos):
            self.pos += 1
            value = self.unary()
            return -value if _is_number(value) else UNKNOWN
        return self.postfix()

    def postfix(self) -> Any:
        value = self.primary()
        while True:
            if self.take("."):
                m = _IDENT.match(self.text, self.pos) or re.compile(r"[0-9]+").match(self.text, self.pos)
                if m is None or self.text.startswith("*", self.pos):
                    raise _Unsupported("splat")
                self.pos = m.end()
                value = step_value(value, int(m.group()) if m.group().isdigit() else m.group())
            elif self.peek("[") and not self.text.startswith("[*]", self.pos):
                self.pos += 1
                key = self.expression()
                self.expect("]")
                value = step_value(value, key)
            else:
                return value

    def primary(self) -> Any:
        self.ws()
        if self.take("("):
            value = self.expression()
            self.expect(")")
            return value
        if self.take('"'):
            return self.template('"')
        if self.take("["):
            if self.peek("for "):
                raise _Unsupported("for")
            items: list[Any] = []
            while not self.take("]"):
                items.append(self.expression())
                if not self.take(","):
                    self.expect("]")
                    break
            return items
        if self.take("{"):
            return self.object()
        m = _NUMBER.match(self.text, self.pos)
        if m is not None:
            self.pos = m.end()
            number = float(m.group())
            return int(number) if number.is_integer() and "." not in m.group() else number
        m = _IDENT.match(self.text, self.pos)
        if m is None:
            raise _Unsupported("syntax")
        self.pos = m.end()
        word = m.group()
        if word in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[word]
        if self.take("("):
            return self.call(word)
        return self.traversal(word)

    def object(self) -> Any:
        out: dict[str, Any] = {}
        unknown = False
        while not self.take("}"):
            if self.peek("for "):
                raise _Unsupported("for")
            self.ws()
            m = _IDENT.match(self.text, self.pos)
            if m is not None and re.match(r"\s*[=:]", self.text[m.end():]):
                self.pos, key = m.end(), m.group()  # a bare key is a literal name, not a reference
            else:
                key = self.expression()
            if not (self.take("=") or self.take(":")):
                raise _Unsupported("object")
            value = self.expression()
            self.take(",")
            if isinstance(key, (str, int, float)):
                out[str(key)] = value
            else:
                unknown = True  # a computed key: the object's shape is not known
        return UNKNOWN if unknown else out

    def call(self, name: str) -> Any:
        args: list[Any] = []
        while not self.take(")"):
            args.append(self.expression())
            if not self.take(","):
                self.expect(")")
                break
        if name not in _CONVERSIONS or len(args) != 1:
            return UNKNOWN  # other functions are not evaluated; the arguments still gave their refs
        arg = args[0]
        if name in ("toset", "tolist") and isinstance(arg, list):
            return sorted(set(arg), key=str) if name == "toset" and _all_known(arg) else arg
        if name == "tostring" and isinstance(arg, (int, float, str)) and not isinstance(arg, bool):
            return str(arg)
        return arg

    def traversal(self, root: str) -> Any:
        """`var.x`, `local.y`, `each.key`, `aws_s3_bucket.b[0].id`: steps are read, then resolved."""
        steps: list[Step] = []
        while True:
            if self.text.startswith(".", self.pos) and not self.text.startswith(".*", self.pos):
                m = _IDENT.match(self.text, self.pos + 1)
                if m is None:
                    break
                self.pos = m.end()
                steps.append((False, m.group()))
            elif self.text.startswith("[", self.pos) and not self.text.startswith("[*]", self.pos):
                self.pos += 1
                steps.append((True, self.expression()))
                self.expect("]")
            else:
                break
        # `each.*` is kept, as plan JSON keeps it: `bucket = each.value.id` names its bucket through for_each.
        if self.refs is not None and root not in ("var", "local", "count", "path", "terraform", "self"):
            self.refs.append(reference_text(root, steps))
        return self.resolve(root, steps)

    def template(self, close: str | None) -> Any:
        """A string template up to `close` (None: to the end): literal text and `${...}` parts."""
        parts: list[Any] = []
        buf: list[str] = []
        text = self.text
        while True:
            if self.pos >= len(text):
                if close is None:
                    break
                raise _Unsupported("unterminated string")
            ch = text[self.pos]
            if close is not None and ch == close:
                self.pos += 1
                break
            if ch == "\\" and close is not None:
                nxt = text[self.pos + 1: self.pos + 2]
                if nxt not in _ESCAPES:
                    raise _Unsupported("escape")  # \uNNNN and friends: rare in the values we judge
                buf.append(_ESCAPES[nxt])
                self.pos += 2
            elif text.startswith("$${", self.pos) or text.startswith("%%{", self.pos):
                buf.append(text[self.pos + 1: self.pos + 3])
                self.pos += 3
            elif text.startswith("%{", self.pos):
                raise _Unsupported("template directive")
            elif text.startswith("${", self.pos):
                self.pos += 2
                self.take("~")
                parts.append("".join(buf))
                buf = []
                parts.append(self.expression())
                self.take("~")
                self.expect("}")
            else:
                buf.append(ch)
                self.pos += 1
        parts.append("".join(buf))
        if len(parts) == 3 and parts[0] == parts[2] == "":
            return _as_string(parts[1]) if parts[1] is not UNKNOWN else UNKNOWN
        out: list[str] = []
        for p in parts:
            s = _as_string(p)
            if s is UNKNOWN:
                return UNKNOWN
            out.append(s)
        return "".join(out)


# Binary operators by precedence, loosest first (HCL's order); longer spellings before their prefixes.
_BINARY: tuple[tuple[str, ...], ...] = (("||",), ("&&",), ("==", "!="), ("<=", ">=", "<", ">"), ("+", "-"),
                                        ("*", "/", "%"))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _known(value: Any) -> bool:
    if value is UNKNOWN:
        return False
    if isinstance(value, list):
        return all(_known(v) for v in value)
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    return True


def _equal(a: Any, b: Any) -> bool:
    """HCL equality: same type and value (`1 == "1"` and `true == 1` are false)."""
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _apply(op: str, a: Any, b: Any) -> Any:
    if op in ("&&", "||"):
        decisive = op == "||"  # true decides ||, false decides &&
        if a is decisive or b is decisive:
            return decisive
        return (a and b) if isinstance(a, bool) and isinstance(b, bool) else UNKNOWN
    if not (_known(a) and _known(b)):
        return UNKNOWN
    if op in ("==", "!="):
        return _equal(a, b) is (op == "==")
    if not (_is_number(a) and _is_number(b)):
        return UNKNOWN  # HCL would convert numeric strings; a linter need not
    if op in ("<", ">", "<=", ">="):
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    if (op in ("/", "%") and b == 0) or (op == "%" and (a < 0 or b < 0)):
        return UNKNOWN
    result = {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "%": a % b}[op]
    return int(result) if isinstance(result, float) and result.is_integer() and op == "/" else result


def _as_string(value: Any) -> Any:
    """Interpolation converts numbers and bools to strings; anything else cannot be spliced in."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return UNKNOWN


def _all_known(items: list[Any]) -> bool:
    return all(isinstance(i, (str, int, float)) for i in items)


def step_value(value: Any, key: Any) -> Any:
    """One attribute or index step into a known value; UNKNOWN when it cannot be taken."""
    if isinstance(value, dict) and isinstance(key, str):
        return value.get(key, UNKNOWN)
    if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(value):
        return value[key]
    return UNKNOWN


def step_all(value: Any, steps: list[Step]) -> Any:
    for _, key in steps:
        if value is UNKNOWN:
            return UNKNOWN
        value = step_value(value, key)
    return value


def reference_text(root: str, steps: list[Step]) -> str:
    """`aws_s3_bucket.b[0].id` as plan JSON writes references; an unknown index key ends the text."""
    text = root
    for is_index, key in steps:
        if not is_index:
            text += f".{key}"
        elif isinstance(key, int) and not isinstance(key, bool):
            text += f"[{key}]"
        elif isinstance(key, str):
            text += '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'
        else:
            break
    return text
