"""Reading a Terraform module directory (all its `*.tf` files) with python-hcl2.

Terraform's unit is the directory: variables, locals and satellites such as
`aws_s3_bucket_versioning` may sit in any file of it. A directory is parsed once per process
(cached by path and file stamps), so linting twenty files of one directory parses each once.
python-hcl2 (and lark under it) is imported here, lazily: only a run that meets a .tf file pays.
Across runs, each file's parse is kept in the cache directory (engine.cachedir) keyed by a hash of its
text and of the ordinance and python-hcl2 versions: a pre-commit run on one edited file of a module
parses that file only, and a run whose files are all cached never loads the parser (~0.2 s).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import SourceError
from engine.gcpause import paused_gc
from engine.sources import decode_text

# `# ordinance:skip=<rule-id>[,<rule-id>] <reason>` (also `//`), inside or directly above a resource.
_WAIVER = re.compile(r"(?:#|//)\s*ordinance:skip=([A-Za-z0-9_.,-]*)(?:[ \t]+(\S.*?))?\s*(?:\*/)?\s*$")
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*)")


@dataclass
class Block:
    """One top-level `resource` or `module` block."""

    type: str  # resource type; "module" for a module call
    name: str
    body: dict[str, Any]  # python-hcl2's serialized body (expressions as text)
    file: Path
    line: int
    waivers: dict[str, str] = field(default_factory=dict)


@dataclass
class ModuleDir:
    """Everything Terraform reads from one directory."""

    path: Path
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    resources: list[Block] = field(default_factory=list)
    modules: list[Block] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notes: list[tuple[Path, str]] = field(default_factory=list)  # (file it is about, text)


_cache: dict[tuple[Path, Path], tuple[tuple[tuple[str, int, int], ...], ModuleDir]] = {}


def tf_files(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.iterdir() if p.suffix == ".tf" and p.is_file())
    except OSError:
        return []


def read_dir(directory: Path, shown: Path) -> ModuleDir:
    """The parsed directory. `shown` is the path as the user gave it, used in locations and messages.

    The cache key includes each file's mtime and size, so an edited file is read again.
    """
    files = tf_files(directory)
    stamp = tuple((p.name, *_stat(p)) for p in files)
    key = (directory.resolve(), shown)
    hit = _cache.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    module = ModuleDir(path=shown)
    # Loading lark's cached parse tables builds ~25k objects; GC passes over them double the time.
    with paused_gc():
        for p in files:
            _read_file(module, shown / p.name, p.read_bytes())
    _cache[key] = (stamp, module)
    return module


def _stat(p: Path) -> tuple[int, int]:
    st = p.stat()
    return st.st_mtime_ns, st.st_size


def _read_file(module: ModuleDir, file: Path, data: bytes) -> None:
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start})", str(file)) from None
    doc, spans = _parse_cached(text, str(file))
    lines = text.splitlines()
    module.files.append(file)
    seen: dict[str, int] = {}
    for block_type, start, end in spans:
        i = seen.get(block_type, 0)
        seen[block_type] = i + 1
        entries = doc.get(block_type)
        entry = entries[i] if isinstance(entries, list) and i < len(entries) else None
        if not isinstance(entry, dict):
            continue
        if block_type == "variable":
            for name, body in entry.items():
                if not name.startswith("__") and isinstance(body, dict):
                    module.variables[_unquote(name)] = body
        elif block_type == "locals":
            module.locals.update({k: v for k, v in entry.items() if not k.startswith("__")})
        elif block_type == "resource":
            for rtype, named in entry.items():
                for name, body in (named.items() if isinstance(named, dict) else ()):
                    if name.startswith("__") or not isinstance(body, dict):
                        continue
                    block = Block(_unquote(rtype), _unquote(name), body, file, start)
                    block.waivers = _waivers(lines, start, end, file, start, module.notes)
                    module.resources.append(block)
        elif block_type == "module":
            for name, body in entry.items():
                if not name.startswith("__") and isinstance(body, dict):
                    module.modules.append(Block("module", _unquote(name), body, file, start))


@functools.cache
def _parser_identity() -> bytes:
    """Which ordinance and which python-hcl2 made a cached parse. python-hcl2's version module is read
    as text, found without importing it: importing hcl2 loads lark, and importlib.metadata alone costs
    ~15 ms, which is what the cache is there to save."""
    from engine import __version__

    spec = importlib.util.find_spec("hcl2")
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    try:
        hcl2 = (origin.parent / "version.py").read_bytes() if origin is not None else b""
    except OSError:
        hcl2 = b""
    if not hcl2:  # another layout: ask the installed metadata
        from importlib.metadata import version

        hcl2 = version("python-hcl2").encode()
    return f"{__version__}\0".encode() + hcl2 + b"\0"


def _parse_key(text: str) -> str:
    h = hashlib.sha256(_parser_identity())
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:40]


def _parse_cached(text: str, file: str) -> tuple[dict[str, Any], list[tuple[str, int, int]]]:
    """_parse through the on-disk cache. Only successful parses are kept: an error is reported afresh."""
    from engine.cachedir import cache_dir, write_cache

    d = cache_dir()
    if d is None:
        return _parse(text, file)
    path = d / "hcl" / f"{_parse_key(text)}.json"
    try:
        data = json.loads(path.read_bytes())
        doc, spans = data["doc"], [(str(t), int(a), int(b)) for t, a, b in data["spans"]]
        if isinstance(doc, dict):
            return doc, spans
    except (OSError, ValueError, KeyError, TypeError):
        pass  # absent, corrupt or foreign: parse again
    doc, spans = _parse(text, file)
    with contextlib.suppress(OSError, TypeError, ValueError):  # a cache that cannot be written is only slower
        write_cache(path, json.dumps({"doc": doc, "spans": spans}).encode())
    return doc, spans


def _parse(text: str, file: str) -> tuple[dict[str, Any], list[tuple[str, int, int]]]:
    """python-hcl2's dict, and (block type, first line, last line) of each top-level block in order.

    python-hcl2 8 does not put lines in its dict; the lark tree under it has them, in the same order.
    """
    import hcl2.api
    from lark import Token, Tree
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.api.parses_to_tree(text)
        doc = hcl2.api.serialize(hcl2.api.transform(tree))
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        text = token.value.strip().splitlines()[0][:30] if isinstance(token, Token) and token.value.strip() else ""
        what = f"unexpected {text!r}" if text else "unexpected end of line"
        if token is not None and getattr(token, "type", "") == "$END":
            what = "file ends inside a block (missing `}`?)"
        raise SourceError(f"invalid HCL: {what} (column {exc.column})", file, exc.line) from None
    except (LarkError, ValueError, TypeError) as exc:  # the transformer rejects a few valid-looking trees
        raise SourceError(f"invalid HCL: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                          file) from None
    spans: list[tuple[str, int, int]] = []
    body = tree.children[0] if tree.children else None
    for child in body.children if isinstance(body, Tree) else ():
        if isinstance(child, Tree) and child.data == "block" and isinstance(child.children[0], Tree):
            ident = child.children[0].children[0]
            spans.append((str(ident), child.meta.line, child.meta.end_line))
    return doc, spans


def _unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def _waivers(lines: list[str], start: int, end: int, where: Path, line: int,
             notes: list[tuple[Path, str]]) -> dict[str, str]:
    """Skip comments in the block's lines and in the comment lines right above it."""
    first = start - 1  # 0-based index of the block's first line
    while first > 0 and _COMMENT_LINE.match(lines[first - 1]):
        first -= 1
    out: dict[str, str] = {}
    for text in lines[first:end]:
        m = _WAIVER.search(text)
        if m is None:
            continue
        ids, reason = m.group(1), (m.group(2) or "").strip()
        if not ids or not reason:
            notes.append((where, f"line {line}: ignored `ordinance:skip={ids}` without a reason "
                                 "(write `# ordinance:skip=<rule-id> <reason>`)"))
            continue
        out.update({rule_id: reason for rule_id in ids.split(",") if rule_id})
    return out


_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.\.?/[^"]*)"', re.MULTILINE)


def caller_of(directory: Path, levels: int = 6) -> Path | None:
    """A .tf file in an ancestor directory whose module block calls `directory` by a local source.

    Such a directory is a child module: its resources are judged through the caller, with the
    caller's inputs. Only ancestors are searched (cheap: a regex over their .tf files, no parsing).
    """
    target = directory.resolve()
    for ancestor in list(target.parents)[:levels]:
        for p in tf_files(ancestor):
            try:
                text = p.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if any((ancestor / src).resolve() == target for src in _SOURCE.findall(text)):
                return p
        if (ancestor / ".git").exists():
            break
    return None
