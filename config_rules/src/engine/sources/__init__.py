"""Sources: one module per input form, each a normalizer into canonical resources.

Every source module exposes `load(path: Path, data: bytes) -> SourceResult`. Format detection is by
content, never by file name. Registries are plain literals: the module is imported only when a file
of its format is seen, so a Terraform-only run never pays for the CloudFormation decoder.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from engine.resources.model import Resource

# format name -> module (imported lazily)
SOURCES: dict[str, str] = {
    "cloudformation": "engine.sources.cloudformation",
    "terraform_plan": "engine.sources.terraform_plan",
    "terraform_hcl": "engine.sources.terraform_hcl",
    "terraform_binary_plan": "engine.sources.terraform_binary_plan",
}


@dataclass
class SourceResult:
    """What a source read from one file.

    resources: canonical resources, in file order.
    notes: non-fatal remarks for the user (e.g. "SAM transform: serverless resources not expanded").
    context: resources of the same configuration kept in other files (a .tf file's directory):
        not judged here, but their account facts (EBS encryption by default) hold for this file too.
    """

    resources: list[Resource] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    context: list[Resource] = field(default_factory=list)


class SourceModule(Protocol):
    def load(self, path: Path, data: bytes) -> SourceResult: ...


def source_module(fmt: str) -> SourceModule:
    module: SourceModule = importlib.import_module(SOURCES[fmt])
    return module


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_text(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM (Windows `terraform show` output)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    return data.decode("utf-8")


_CFN_MARKERS = re.compile(rb"AWSTemplateFormatVersion|[\"']?Resources[\"']?\s*:")
_CFN_TYPE = re.compile(rb"[\"']?Type[\"']?\s*:\s*[\"']?(AWS|Custom|Alexa)::")
_PLAN_MARKERS = (b"\"format_version\"", b"\"planned_values\"", b"\"resource_changes\"")
# HCL: the first line that is not blank or a comment opens a top-level Terraform block. Asking for
# the *first* such line keeps Markdown with HCL snippets, tfvars and YAML out.
_HCL_BLOCK = re.compile(rb"[ \t]*(resource|module|variable|locals|provider|terraform|data|output|moved|import|check)"
                        rb"[ \t]*(\"|\{)")
_HCL_SKIP = re.compile(rb"[ \t]*(#|//)[^\n]*|[ \t]*/\*.*?\*/[ \t]*|[ \t]*\r?$", re.DOTALL | re.MULTILINE)


def detect(data: bytes) -> str | None:
    """The format of a file by its content, or None when it is neither a template nor a plan.

    Cheap byte sniffing only; the source does the real parsing and fails loudly if the sniff was wrong.
    """
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = decode_text(data).encode("utf-8")
        except UnicodeDecodeError:
            return None
        head = data[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") and any(m in data for m in _PLAN_MARKERS) and b"\"terraform_version\"" in data:
        return "terraform_plan"
    if stripped.startswith(b"{") and b"\"format_version\"" in head and b"\"planned_values\"" in data:
        return "terraform_plan"
    # Before CloudFormation: a .tf file may carry a template in a heredoc (aws_cloudformation_stack).
    if b"\x00" not in head and _looks_like_hcl(data.lstrip(b"\xef\xbb\xbf \t\r\n")):
        return "terraform_hcl"
    if _CFN_MARKERS.search(data) and _CFN_TYPE.search(data):
        return "cloudformation"
    if data.startswith(b"PK\x03\x04") and b"tfplan" in data:
        return "terraform_binary_plan"  # `terraform plan -out`: a zip holding a `tfplan` entry
    return None


def _looks_like_hcl(data: bytes) -> bool:
    """The first line that is not blank or a comment opens a top-level Terraform block."""
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        m = _HCL_SKIP.match(data, pos)
        if m is not None and m.end() >= end:  # a blank or comment line (a /* */ comment may span lines)
            pos = max(m.end(), end) + 1
            continue
        return _HCL_BLOCK.match(data, pos) is not None
    return False


def looks_like_json_plan(text: str) -> bool:
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    return isinstance(doc, dict) and "format_version" in doc
