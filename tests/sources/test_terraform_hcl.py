"""Terraform .tf source: literals, variables, locals, modules, count/for_each, satellites, waivers,
lines, bad HCL, binary plans, and parity with the plan source on the shipped examples."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from engine.catalog.model import Catalog
from engine.errors import SourceError
from engine.lint import lint
from engine.resources.model import UNKNOWN, Resource
from engine.sources import SourceResult, detect, source_module
from engine.sources import terraform_plan as plan_source
from engine.sources.terraform_hcl import load
from engine.sources.tf_expr import evaluate

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "terraform_hcl"
REPO = HERE.parents[1]
EXAMPLES = REPO / "examples" / "terraform"


def load_tf(path: Path) -> SourceResult:
    return load(path, path.read_bytes())


def by_id(*results: SourceResult) -> dict[str, Resource]:
    return {r.id: r for result in results for r in result.resources}


# -- values ----------------------------------------------------------------------------------------


def test_literals_variables_locals_and_a_satellite_in_another_file() -> None:
    main = load_tf(FIXTURES / "basics" / "main.tf")
    other = load_tf(FIXTURES / "basics" / "versioning.tf")
    assert other.resources == []  # the satellite is folded into its bucket, which main.tf reports
    res = by_id(main)
    # "${local.prefix}-logs" with local.prefix = "nw-${var.env}": a literal name; versioning from versioning.tf
    assert res["aws_s3_bucket.pass_named"].attrs == {"versioning": "Enabled", "encryption_algorithm": "AES256"}
    assert res["aws_s3_bucket.legacy_inline"].attrs == {"versioning": "Enabled", "encryption_algorithm": "aws:kms"}
    # A variable without a default is unknown; one with a default is its default.
    assert res["aws_instance.unknown_type"].attrs["instance_type"] is UNKNOWN
    burstable = res["aws_instance.fail_burstable"].attrs
    assert burstable["instance_type"] == "t3.micro"
    assert burstable["volumes"] == [{"device": "root", "encrypted": False}]
    # No root_block_device at all: the AWS default (unencrypted), as the plan source says.
    assert res["aws_instance.unknown_type"].attrs["volumes"] == [{"device": "root", "encrypted": False}]
    assert res["aws_s3_bucket.pass_named"].kind == "s3.bucket"
    assert res["aws_kms_key.k"].kind == "other" and res["aws_kms_key.k"].service == "kms"


def test_count_and_for_each_expand_when_literal() -> None:
    main = load_tf(FIXTURES / "basics" / "main.tf")
    res = by_id(main)
    assert res['aws_ebs_volume.by_zone["a"]'].meta["tags"] == {"Zone": "a"}
    assert res['aws_ebs_volume.by_zone["b"]'].meta["tags"] == {"Zone": "b"}
    # `encrypted = each.key == "a"`: operators over known values are decided per instance.
    assert res['aws_ebs_volume.by_zone["a"]'].attrs["encrypted"] is True
    assert res['aws_ebs_volume.by_zone["b"]'].attrs["encrypted"] is False
    assert res["aws_ebs_volume.counted[0]"].attrs == {"encrypted": True}
    assert res["aws_ebs_volume.counted[1]"].attrs == {"encrypted": True}
    assert "aws_ebs_volume.uncounted[*]" in res
    assert any("uncounted: count is not a literal" in n for n in main.notes)


def test_dynamic_blocks_expand_over_literals_and_are_unknown_otherwise() -> None:
    res = by_id(load_tf(FIXTURES / "basics" / "main.tf"))
    # for_each = var.zones (a literal default map of two): two blocks, as `terraform plan` expands them.
    ssh = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0", "peer": "cidr"}
    assert res["aws_security_group.dynamic_rules"].attrs == {"ingress": [ssh, ssh], "egress": []}
    # for_each over a data source: the blocks exist but are not known here; unknown, never absent.
    assert res["aws_security_group.dynamic_rules_undecided"].attrs == {"ingress": UNKNOWN, "egress": []}


def test_lines_and_files() -> None:
    res = by_id(load_tf(FIXTURES / "basics" / "main.tf"))
    loc = res["aws_s3_bucket.pass_named"].location
    assert (Path(loc.file or "").name, loc.line) == ("main.tf", 30)
    assert res["aws_ebs_volume.counted[1]"].location.line == 72
    assert res["aws_ebs_volume.counted[1]"].meta["action"] is None


def test_inline_waiver_comments() -> None:
    main = load_tf(FIXTURES / "basics" / "main.tf")
    res = by_id(main)
    assert res["aws_instance.fail_burstable"].meta["waivers"] == {"ebs-encryption": "scratch host, wiped nightly"}
    # A skip without a reason is ignored, with a note.
    assert "waivers" not in res['aws_ebs_volume.by_zone["a"]'].meta
    assert any("line 63: ignored `ordinance:skip=no-burstable-instances` without a reason" in n
               for n in main.notes)


def test_waiver_directly_above_counts_and_a_gap_does_not(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        '# ordinance:skip=ebs-encryption moved to an encrypted AMI next sprint\n'
        'resource "aws_ebs_volume" "above" {\n  encrypted = false\n}\n'
        '# ordinance:skip=ebs-encryption not for this one\n\n'
        'resource "aws_ebs_volume" "gap" {\n  encrypted = false\n}\n')
    res = by_id(load_tf(tmp_path / "main.tf"))
    assert res["aws_ebs_volume.above"].meta["waivers"] == {"ebs-encryption": "moved to an encrypted AMI next sprint"}
    assert "waivers" not in res["aws_ebs_volume.gap"].meta


def test_local_modules_are_followed_with_their_inputs() -> None:
    main = load_tf(FIXTURES / "modules" / "main.tf")
    res = by_id(main)
    assert set(res) == {"module.buckets[0].aws_s3_bucket.this", "module.buckets[1].aws_s3_bucket.this",
                        "module.unknown_name.aws_s3_bucket.this"}
    # The child's satellite links by reference within each module instance; var.versioning's default applies.
    assert res["module.buckets[1].aws_s3_bucket.this"].attrs["versioning"] == "Enabled"
    assert res["module.unknown_name.aws_s3_bucket.this"].attrs["versioning"] == "Enabled"
    loc = res["module.buckets[0].aws_s3_bucket.this"].location
    assert loc.file is not None and loc.file.endswith(os.path.join("modules", "child", "main.tf"))
    assert loc.line == 7
    assert any("module.remote: source 'terraform-aws-modules/s3-bucket/aws' is not a local path" in n
               for n in main.notes)
    child = load_tf(FIXTURES / "modules" / "child" / "main.tf")
    assert child.resources == [] and "called from ../main.tf" in child.notes[0]


def test_a_directory_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.sources import tf_config

    for i in range(5):
        (tmp_path / f"f{i}.tf").write_text(f'resource "aws_ebs_volume" "v{i}" {{\n  encrypted = true\n}}\n')
    calls: list[str] = []
    real = tf_config._parse
    monkeypatch.setattr(tf_config, "_parse", lambda text, file: calls.append(file) or real(text, file))
    results = [load_tf(tmp_path / f"f{i}.tf") for i in range(5)]
    assert len(calls) == 5 and [len(r.resources) for r in results] == [1] * 5
    (tmp_path / "f0.tf").write_text('resource "aws_ebs_volume" "changed" {\n  encrypted = false\n}\n')
    assert [r.id for r in load_tf(tmp_path / "f0.tf").resources] == ["aws_ebs_volume.changed"]


def test_malformed_hcl_is_a_one_line_error_with_file_and_line() -> None:
    path = FIXTURES / "bad" / "main.tf"
    with pytest.raises(SourceError) as err:
        load_tf(path)
    assert err.value.line == 5 and err.value.file == str(path)
    assert "\n" not in str(err.value) and "invalid HCL" in str(err.value)


def test_duplicate_resource_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('resource "aws_ebs_volume" "v" {}\n')
    (tmp_path / "b.tf").write_text('\nresource "aws_ebs_volume" "v" {}\n')
    with pytest.raises(SourceError, match=r"duplicate resource aws_ebs_volume\.v"):
        load_tf(tmp_path / "a.tf")


@pytest.mark.parametrize(("raw", "expected"), [
    ('"nw-${var.env}-x"', "nw-prod-x"),
    ("${var.list[1]}", "b"),
    ('${var.map["k"]}', 1),
    ("${toset([\"b\", \"a\", \"b\"])}", ["a", "b"]),
    ('"a\\"b $${literal}"', 'a"b ${literal}'),
    ('"<<-EOT\n    hi ${var.env}\n  EOT"', "hi prod\n"),
    ("${{a = 1, \"b\" = var.env}}", {"a": 1, "b": "prod"}),
    ("${var.x ? 1 : 2}", UNKNOWN),
    # Operators and conditionals over known values, as `count = var.create ? 1 : 0` needs.
    ('${var.env == "prod" ? 1 : 0}', 1),
    ('${var.env != "prod" ? 1 : 0}', 0),
    ('"${var.env == "prod" ? "a" : "b"}-x"', "a-x"),
    ('${var.map["k"] + 2 * 3}', 7),
    ("${length(var.list) > 1}", UNKNOWN),  # functions other than conversions are not evaluated
    ("${!(var.map[\"k\"] >= 1)}", False),
    ("${4 / 2}", 2),
    ("${3 / 2}", 1.5),
    ("${5 - -2}", 7),
    ("${1 / 0}", UNKNOWN),
    ('${1 == "1"}', False),  # HCL equality includes the type
    ("${true == 1}", False),
    ('${[var.env, 1] == ["prod", 1]}', True),
    ("${false && var.x}", False),  # the known side decides
    ("${true || var.x}", True),
    ("${true && var.x}", UNKNOWN),
    ("${var.x == 1}", UNKNOWN),
    ('${"a" < "b"}', UNKNOWN),  # no string ordering in HCL
    ("${[for s in var.list : s]}", UNKNOWN),
    ("${upper(var.env)}", UNKNOWN),
    ("${aws_s3_bucket.b.id}", UNKNOWN),
    ('"%{if var.x}y%{endif}"', UNKNOWN),
    ('"${var.map}"', UNKNOWN),
])
def test_expressions(raw: str, expected: Any) -> None:
    env = {"env": "prod", "list": ["a", "b"], "map": {"k": 1}}

    def resolve(root: str, steps: list[Any]) -> Any:
        value: Any = env if root == "var" else UNKNOWN
        for _, key in steps:
            value = value.get(key, UNKNOWN) if isinstance(value, dict) else (
                value[key] if isinstance(value, list) and isinstance(key, int) else UNKNOWN)
        return value

    got = evaluate(raw, resolve)
    assert got is UNKNOWN if expected is UNKNOWN else (got == expected and type(got) is type(expected))


def test_references_are_recorded_as_plan_json_writes_them() -> None:
    refs: list[str] = []
    evaluate('${aws_s3_bucket.b["x"].id}', lambda root, steps: UNKNOWN, refs)
    evaluate("${aws_s3_bucket.c[count.index].id}", lambda root, steps: 1 if root == "count" else UNKNOWN, refs)
    # Both branches of a conditional are parsed, so the branch not taken still names its references.
    evaluate("${true ? aws_s3_bucket.d[0].id : aws_s3_bucket.e.id}", lambda root, steps: UNKNOWN, refs)
    assert refs == ['aws_s3_bucket.b["x"].id', "aws_s3_bucket.c[1].id", "aws_s3_bucket.d[0].id", "aws_s3_bucket.e.id"]


# -- detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "fmt"), [
    (b'resource "aws_s3_bucket" "b" {}\n', "terraform_hcl"),
    (b'# header\n// more\n/* block\ncomment */\n\nterraform {\n}\n', "terraform_hcl"),
    (b"locals{\n  a = 1\n}\n", "terraform_hcl"),
    (b'# Notes\n\nSome prose.\n\n```hcl\nresource "aws_s3_bucket" "b" {}\n```\n', None),  # Markdown
    (b'region = "eu-west-1"\n', None),  # tfvars
    (b'{"resource": {"aws_s3_bucket": {"b": {}}}}', None),  # .tf.json: not read
    (b"PK\x03\x04\x14\x00tfplan", "terraform_binary_plan"),
])
def test_detect(text: bytes, fmt: str | None) -> None:
    assert detect(text) == fmt


def test_other_fixtures_are_never_taken_for_hcl() -> None:
    for path in [*sorted((HERE / "cloudformation").iterdir()), *sorted((HERE / "terraform_plan").iterdir()),
                 *sorted(EXAMPLES.glob("*.json")), *sorted((REPO / "examples" / "cloudformation").iterdir())]:
        assert detect(path.read_bytes()) != "terraform_hcl", path
    for path in sorted((EXAMPLES / "hcl").rglob("*.tf")):
        assert detect(path.read_bytes()) == "terraform_hcl", path


def test_hcl2_is_imported_only_when_a_tf_file_is_read() -> None:
    code = ("import sys, engine.lint, engine.sources.terraform_hcl, engine.sources.terraform_binary_plan; "
            "print('hcl2' in sys.modules or 'lark' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- binary plans ---------------------------------------------------------------------------------


def _binary_plan(tmp_path: Path) -> Path:
    path = tmp_path / "tfplan"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("tfplan", b"\x00binary")
        z.writestr("tfconfig/m-/main.tf", "")
    return path


def test_binary_plan_without_terraform_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _binary_plan(tmp_path)
    assert detect(path.read_bytes()) == "terraform_binary_plan"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(SourceError) as err:
        source_module("terraform_binary_plan").load(path, path.read_bytes())
    assert err.value.detail == ("binary Terraform plan: run `terraform show -json tfplan > tfplan.json` "
                                "and lint the JSON (terraform is not on PATH)")


def _fake_terraform(bin_dir: Path, body: str) -> None:
    bin_dir.mkdir()
    script = bin_dir / "terraform"
    script.write_text(f"#!{sys.executable}\n{body}")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_binary_plan_through_terraform_show_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    path = _binary_plan(workdir)
    plan = EXAMPLES / "settlement-network.plan.json"
    # The fake checks the exact arguments and the working directory, then prints a known plan.
    _fake_terraform(tmp_path / "bin", (
        "import os, sys\n"
        f"assert sys.argv[1:] == ['show', '-json', 'tfplan'], sys.argv\n"
        f"assert os.getcwd() == {str(workdir)!r}, os.getcwd()\n"
        f"sys.stdout.buffer.write(open({str(plan)!r}, 'rb').read())\n"))
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    result = source_module("terraform_binary_plan").load(path, path.read_bytes())
    expected = plan_source.load(plan, plan.read_bytes())
    assert [(r.id, r.attrs) for r in result.resources] == [(r.id, r.attrs) for r in expected.resources]


def test_binary_plan_terraform_failure_is_a_source_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _binary_plan(tmp_path)
    _fake_terraform(tmp_path / "bin", "import sys\nsys.stderr.write('\\nError: Failed to load plugin schemas\\n')\n"
                                      "sys.exit(1)\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(SourceError, match="terraform show -json` failed: Error: Failed to load plugin schemas"):
        source_module("terraform_binary_plan").load(path, path.read_bytes())


# -- parity with the plan source ------------------------------------------------------------------

# Where terraform plan knows more than a static read can: the plan evaluates references to other
# resources' configured attributes; the .tf source leaves resource attributes unknown.
EXAMPLE_NAMES = ["data-platform", "settlement-network", "account-baseline"]


def _plan_resources(name: str) -> dict[str, Resource]:
    path = EXAMPLES / f"{name}.plan.json"
    return by_id(plan_source.load(path, path.read_bytes()))


def _tf_resources(name: str) -> dict[str, Resource]:
    return by_id(*(load_tf(p) for p in sorted((EXAMPLES / "hcl" / name).rglob("*.tf"))))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_tf_examples_give_the_plans_canonical_resources(name: str) -> None:
    planned, static = _plan_resources(name), _tf_resources(name)
    deleted = {rc["address"] for rc in json.loads((EXAMPLES / f"{name}.plan.json").read_text())["resource_changes"]
               if rc["change"]["actions"] == ["delete"]}
    assert set(static) == set(planned) - deleted  # deleted ones are already gone from the plan source
    for address, p in planned.items():
        s = static[address]
        assert (s.kind, s.native_type, s.service) == (p.kind, p.native_type, p.service), address
        assert s.attrs.keys() == p.attrs.keys(), address
        for attr, value in p.attrs.items():
            # `engine = aws_rds_cluster.events.engine` and the like: an argument another resource sets
            # is read from it, as the plan has it.
            assert s.attrs[attr] == value or (s.attrs[attr] is UNKNOWN and value is UNKNOWN), (address, attr)
        assert s.location.line is not None and p.location.line is None


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_tf_examples_give_the_plans_findings(name: str, catalog: Catalog) -> None:
    def findings(path: Path) -> list[tuple[str, str, str]]:
        report = lint([path], catalog)
        assert report.errors == []
        return sorted((f.rule_id, f.resource.id, f.status.value) for f in report.findings)

    assert findings(EXAMPLES / "hcl" / name) == findings(EXAMPLES / f"{name}.plan.json")


_CONDITIONAL_BUCKET = """
variable "create" {{
  type = bool{default}
}}

resource "aws_s3_bucket" "this" {{
  count  = var.create ? 1 : 0
  bucket = "logs"
}}

resource "aws_s3_bucket_versioning" "this" {{
  count  = var.create ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {{
  count  = var.create ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "aws:kms"
    }}
  }}
}}
"""


@pytest.mark.parametrize(("default", "buckets"), [
    ("\n  default = true", ["aws_s3_bucket.this[0]"]),
    ("\n  default = false", []),
    ("", ["aws_s3_bucket.this[*]"]),  # no default: count unknown, one unexpanded instance
])
def test_the_conditional_module_pattern_links_its_satellites(tmp_path: Path, catalog: Catalog, default: str,
                                                             buckets: list[str]) -> None:
    """`count = var.create ? 1 : 0` with satellites on `this[0]`: the bucket is judged with them, never
    failed for versioning or encryption it has."""
    (tmp_path / "main.tf").write_text(_CONDITIONAL_BUCKET.format(default=default))
    report = lint([tmp_path], catalog)
    assert report.errors == []
    judged = sorted({f.resource.id for f in report.findings if f.rule_id.startswith("s3-")})
    assert judged == buckets
    assert [(f.rule_id, f.status) for f in report.findings if f.rule_id.startswith("s3-")
            and f.status.value != "pass"] == []


# -- the parse cache ------------------------------------------------------------------------------

_LINT_AND_SAY_IF_HCL2_LOADED = (
    "import sys, engine.cli\n"
    "rc = engine.cli.main(['lint', sys.argv[1], '--format', 'json'])\n"
    "print('hcl2 loaded' if 'hcl2' in sys.modules else 'hcl2 not loaded', file=sys.stderr)\n"
    "raise SystemExit(rc)\n")


def _lint_in_subprocess(path: Path, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "ORDINANCE_NO_CACHE"}
    environ.update(XDG_CACHE_HOME=str(cache), **env)
    return subprocess.run([sys.executable, "-c", _LINT_AND_SAY_IF_HCL2_LOADED, str(path)], cwd=REPO,
                          capture_output=True, text=True, env=environ)


def test_a_warm_parse_cache_gives_the_same_report_without_loading_the_parser(tmp_path: Path) -> None:
    module = tmp_path / "module"
    shutil.copytree(EXAMPLES / "hcl" / "data-platform", module)
    cache = tmp_path / "cache"
    cold = _lint_in_subprocess(module / "main.tf", cache)
    assert cold.stderr.strip().endswith("hcl2 loaded") and cold.returncode in (0, 1)
    entries = sorted((cache / "ordinance" / "hcl").glob("*.json"))
    assert len(entries) == len(list(module.rglob("*.tf")))  # one per file of the directory and its modules
    warm = _lint_in_subprocess(module / "main.tf", cache)
    assert warm.stderr.strip().endswith("hcl2 not loaded")
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    # An edited file is parsed again (its text has a new key); a corrupt entry is ignored.
    entries[0].write_text("{not json")
    (module / "storage.tf").write_text((module / "storage.tf").read_text() + "\n# edited\n")
    again = _lint_in_subprocess(module / "main.tf", cache)
    assert again.stderr.strip().endswith("hcl2 loaded")
    assert (again.returncode, json.loads(again.stdout)["findings"]) == (cold.returncode,
                                                                        json.loads(cold.stdout)["findings"])


def test_parse_errors_are_not_cached_and_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    bad, cache = tmp_path / "bad", tmp_path / "cache"
    bad.mkdir()
    (bad / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n')
    assert _lint_in_subprocess(bad / "main.tf", cache).returncode == 2
    assert not list((cache / "ordinance" / "hcl").glob("*.json"))
    good = tmp_path / "good"
    good.mkdir()
    (good / "main.tf").write_text('resource "aws_ebs_volume" "v" {\n  encrypted = true\n}\n')
    off = _lint_in_subprocess(good / "main.tf", cache, ORDINANCE_NO_CACHE="1")
    assert off.returncode == 0 and not (cache / "ordinance" / "hcl").exists()


def test_the_parse_cache_key_names_the_installed_python_hcl2() -> None:
    """A parse cached by one python-hcl2 release is never served to another: the key holds its version."""
    from importlib.metadata import version

    from engine import __version__
    from engine.sources.tf_config import _parse_key, _parser_identity

    identity = _parser_identity()
    assert identity.startswith(f"{__version__}\0".encode())
    assert version("python-hcl2").encode() in identity
    assert _parse_key("a = 1\n") == _parse_key("a = 1\n") != _parse_key("a = 2\n")


def test_dynamic_block_iterator_and_references_to_other_resources(tmp_path: Path) -> None:
    """`iterator = rule` names the element; `aws_vpc.main.cidr_block` is the VPC's written value; a
    reference that loops back on itself is unknown, not a crash."""
    (tmp_path / "main.tf").write_text('''
resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_vpc" "loop" {
  cidr_block = aws_vpc.loop.cidr_block
}

resource "aws_security_group" "app" {
  dynamic "ingress" {
    for_each = [22, 443]
    iterator = rule
    content {
      from_port   = rule.value
      to_port     = rule.value
      protocol    = "tcp"
      cidr_blocks = [aws_vpc.main.cidr_block, aws_vpc.loop.cidr_block]
    }
  }
}
''')
    res = by_id(load_tf(tmp_path / "main.tf"))
    assert res["aws_security_group.app"].attrs["ingress"] == [
        {"protocol": "tcp", "from_port": port, "to_port": port, "cidr": cidr, "peer": "cidr"}
        for port in (22, 443) for cidr in ("10.20.0.0/16", UNKNOWN)]
