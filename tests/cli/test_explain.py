"""`ordinance explain RULE_ID` shows a rule everywhere it is enforced, for every rule of the catalog."""

from __future__ import annotations

import pytest

from engine.cli import main
from engine.explain import attrs_read
from engine.resources.kinds import KINDS


def _rule_ids() -> list[str]:
    from engine.catalog.loader import load_catalog
    from tests.conftest import REPO

    return sorted(load_catalog(REPO).rules)


@pytest.mark.parametrize("rule_id", _rule_ids())
def test_explain_every_rule(rule_id: str, catalog, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
                            monkeypatch: pytest.MonkeyPatch, repo) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(repo)
    assert main(["explain", rule_id]) == 0
    out = capsys.readouterr().out
    rule = catalog.rules[rule_id]
    assert out.startswith(f"{rule_id}: {rule.title}\n")
    for section in ("Intent", "Condition (canonical attributes)", "Lint: native attributes read, per form",
                    "Preventive: SCP", "Detective: AWS Config rule"):
        assert f"\n{section}\n" in out
    flat = " ".join(out.split())
    assert f"coverage: {rule.coverage}" in out or (not rule.prevent and "coverage none" in out)
    read = {name for name, parent in attrs_read(rule.expect) if parent is None}
    for kind_name in rule.applies_to:
        if kind_name == "*":
            assert "every resource type" in out
            continue
        kind = KINDS[kind_name]
        for ntype in kind.cloudformation + kind.terraform:
            assert ntype in flat, (kind_name, ntype)
        for attr in kind.attrs:
            if attr.name in read:
                for path in (attr.cloudformation, attr.terraform):
                    if path:
                        assert " ".join(path.split()) in flat, (kind_name, attr.name, path)
    if rule.applies_to:
        assert "name: ordinance-" in out or "none:" in out
        # The rule's cases, counted by verdict, and the command that judges them.
        cases = out.split("\nCases (ordinance test)\n", 1)[1].strip()
        assert cases.startswith(f"{len([p for p in (repo / 'tests' / 'policies' / rule_id).iterdir()])} case(s) in ")
        assert cases.endswith(f"run `ordinance test {rule_id}`") and "fail" in cases
    else:
        assert "none: the rule judges no resource (prevent-only)" in out
        assert out.endswith("Cases (ordinance test)\n  none: the rule judges no resource (SCP only)\n")
    assert len(out.splitlines()) < 130  # one (long) screen, not a dump


def test_explain_shows_scp_statements_and_config_trigger(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch, repo) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(repo)
    assert main(["explain", "ebs-encryption"]) == 0
    out = capsys.readouterr().out
    assert "DenyUnencryptedEbsVolumes: deny ec2:CreateFleet, ec2:CreateVolume, ec2:RunInstances" in out
    assert 'when {"Bool": {"ec2:Encrypted": ["false"]}}' in out
    assert "cloudformation Encrypted" in out and "terraform      encrypted" in out
    assert "config         configuration.encrypted" in out
    assert "trigger: ConfigurationItemChangeNotification" in out
    assert "target isolated: prevent, high" in out


def test_explain_unknown_rule_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "no-such-rule"]) == 2
    assert "unknown rule 'no-such-rule'" in capsys.readouterr().err
