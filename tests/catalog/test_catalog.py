"""The catalog loads, and a bad catalog is an error naming file, line and key (exit code 2 in the CLI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.catalog.loader import load_catalog
from engine.errors import CatalogError

SHIPPED = {
    "denied-services", "ebs-encryption", "no-burstable-instances", "no-internet-egress-gateways",
    "rds-encryption", "rds-prefer-aurora", "s3-bucket-encryption-kms", "s3-bucket-versioning",
    "sg-no-open-egress", "sg-no-public-ssh", "sso-only-access",
}


def test_shipped_rule_ids_are_the_interface(catalog) -> None:  # type: ignore[no-untyped-def]
    assert set(catalog.rules) >= SHIPPED


def test_strictest_view_and_targets(catalog) -> None:  # type: ignore[no-untyped-def]
    strict = {a.rule.id: a for a in catalog.active()}
    assert set(strict) >= SHIPPED
    assert strict["sg-no-open-egress"].mode == "prevent"  # enabled only in the isolated target
    assert strict["rds-prefer-aurora"].mode == "detect"
    dev = {a.rule.id: a for a in catalog.active("dev")}
    assert "no-internet-egress-gateways" not in dev
    assert dev["no-burstable-instances"].mode == "detect"
    assert dev["no-burstable-instances"].severity == "low"
    isolated = {a.rule.id: a for a in catalog.active("isolated")}
    assert isolated["sg-no-open-egress"].params == {"allowed_cidrs": ["10.0.0.0/8"]}
    assert isolated["no-internet-egress-gateways"].mode == "prevent"


@pytest.fixture
def scratch(tmp_path: Path, repo: Path) -> Path:
    shutil.copytree(repo / "policies", tmp_path / "policies")
    shutil.copy(repo / "policies.yaml", tmp_path / "policies.yaml")
    return tmp_path


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _error(root: Path) -> CatalogError:
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    return info.value


def test_unknown_rule_id_in_policies(scratch: Path) -> None:
    _replace(scratch / "policies.yaml", "  ebs-encryption: {enabled: true, mode: prevent}",
             "  ebs-encryptoin: {enabled: true, mode: prevent}")
    err = _error(scratch)
    assert err.file == str(scratch / "policies.yaml")
    assert err.key == "rules.ebs-encryptoin"
    lines = (scratch / "policies.yaml").read_text().splitlines()
    assert lines[err.line - 1].strip().startswith("ebs-encryptoin:")  # type: ignore[operator]
    assert "unknown rule id 'ebs-encryptoin'" in str(err)


def test_bad_mode_names_line_and_key(scratch: Path) -> None:
    _replace(scratch / "policies.yaml", "sso-only-access: {enabled: true, mode: prevent}",
             "sso-only-access: {enabled: true, mode: block}")
    err = _error(scratch)
    assert err.key == "rules.sso-only-access.mode"
    assert "'block' is not one of ['prevent', 'detect']" in str(err)
    assert (scratch / "policies.yaml").read_text().splitlines()[err.line - 1].lstrip().startswith("sso-only-access")  # type: ignore[operator]


def test_unknown_parameter_and_wrong_type(scratch: Path) -> None:
    _replace(scratch / "policies.yaml", "parameters: {services: [eks, lightsail]}", "parameters: {service: [eks]}")
    assert "has no parameter 'service'" in str(_error(scratch))
    _replace(scratch / "policies.yaml", "parameters: {service: [eks]}", "parameters: {services: eks}")
    assert "must be a array" in str(_error(scratch)) or "must be an array" in str(_error(scratch))


def test_malformed_yaml(scratch: Path) -> None:
    (scratch / "policies.yaml").write_text("version: 1\nrules: {ebs-encryption: [\n")
    err = _error(scratch)
    assert err.file == str(scratch / "policies.yaml")
    assert err.line is not None
    assert "invalid YAML" in str(err)


def test_rule_file_errors(scratch: Path) -> None:
    rule = scratch / "policies" / "s3-bucket-versioning.yaml"
    _replace(rule, "applies_to: [s3.bucket]", "applies_to: [s3.buckets]")
    err = _error(scratch)
    assert err.file == str(rule) and err.key == "applies_to.0" and "unknown resource kind 's3.buckets'" in str(err)
    _replace(rule, "applies_to: [s3.buckets]", "applies_to: [s3.bucket]")
    _replace(rule, "expect: {attr: versioning, equals: Enabled}", "expect: {attr: versoning, equals: Enabled}")
    assert "reads attribute 'versoning'" in str(_error(scratch))
    _replace(rule, "expect: {attr: versoning, equals: Enabled}", "expect: {attr: versioning, equal: Enabled}")
    err = _error(scratch)
    assert err.key == "expect" and "unknown condition key 'equal'" in str(err)
    _replace(rule, "equal: Enabled}", "equals: Enabled}")
    _replace(rule, "id: s3-bucket-versioning", "id: s3-versioning")
    assert "must equal the file name" in str(_error(scratch))


def test_exemption_validation(scratch: Path) -> None:
    _replace(scratch / "policies.yaml", "  - rule: s3-bucket-versioning\n", "  - rule: s3-versioning\n")
    err = _error(scratch)
    assert err.key == "exemptions.0.rule" and "unknown rule 's3-versioning'" in str(err)
    _replace(scratch / "policies.yaml", "  - rule: s3-versioning\n", "  - rule: s3-bucket-versioning\n")
    _replace(scratch / "policies.yaml", 'expires: "2027-06-30"', 'expires: "next year"')
    assert _error(scratch).key == "exemptions.0.expires"


def test_no_policies_yaml_uses_builtin_rules_strictly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cat = load_catalog()
    active = cat.active()
    assert {a.rule.id for a in active} >= SHIPPED
    assert {a.mode for a in active} == {"prevent"}


def test_cached_catalog_is_identical_and_any_edit_invalidates_it(scratch: Path) -> None:
    from engine.catalog import cache

    first = load_catalog(scratch)
    entries = list(cache.cache_dir().glob("catalog-*.json"))  # type: ignore[union-attr]
    assert entries
    assert load_catalog(scratch) == first  # from the cache
    _replace(scratch / "policies.yaml", "sso-only-access: {enabled: true, mode: prevent}",
             "sso-only-access: {enabled: true, mode: block}")
    assert "'block' is not one of" in str(_error(scratch))  # edited: validated again, not served stale


def test_corrupt_cache_entry_is_ignored(scratch: Path) -> None:
    from engine.catalog import cache

    expected = load_catalog(scratch)
    for entry in cache.cache_dir().glob("catalog-*.json"):  # type: ignore[union-attr]
        entry.write_text('{"__dc__": "Catalog", "rules": "not-a-map"')
    assert load_catalog(scratch) == expected
