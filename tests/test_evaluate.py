"""The evaluator: verdicts, exemptions (in force and expired), inline waivers, crashes as findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from engine.catalog.model import Exemption
from engine.evaluate import account_facts, evaluate
from engine.resources.model import UNKNOWN, Location, Resource, Verdict

TODAY = dt.date(2026, 11, 22)


def bucket(rid: str, versioning: object = "Enabled", algo: object = "aws:kms", **meta: object) -> Resource:
    return Resource("s3.bucket", rid, "aws_s3_bucket", {"versioning": versioning, "encryption_algorithm": algo},
                    "s3", Location("plan.json"), dict(meta))


def verdicts(findings: list) -> dict[tuple[str, str], str]:  # type: ignore[type-arg]
    return {(f.resource.id, f.rule_id): f.status.value for f in findings}


def rules_named(catalog, *ids: str):  # type: ignore[no-untyped-def]
    return [a for a in catalog.active() if a.rule.id in ids]


def test_pass_fail_unknown(catalog) -> None:  # type: ignore[no-untyped-def]
    rules = rules_named(catalog, "s3-bucket-versioning", "s3-bucket-encryption-kms")
    found = evaluate(rules, [bucket("a"), bucket("b", "Suspended", "AES256"), bucket("c", UNKNOWN, UNKNOWN)],
                     today=TODAY)
    assert verdicts(found) == {
        ("a", "s3-bucket-versioning"): "pass", ("a", "s3-bucket-encryption-kms"): "pass",
        ("b", "s3-bucket-versioning"): "fail", ("b", "s3-bucket-encryption-kms"): "fail",
        ("c", "s3-bucket-versioning"): "unknown", ("c", "s3-bucket-encryption-kms"): "unknown",
    }
    fail = next(f for f in found if f.resource.id == "b" and f.rule_id == "s3-bucket-versioning")
    assert fail.message == "S3 bucket does not have versioning enabled (versioning = 'Suspended')"
    assert fail.path == "versioning"
    assert fail.level == "error" and fail.severity == "high"


def test_exemption_in_force_waives_and_expired_does_not(catalog) -> None:  # type: ignore[no-untyped-def]
    rules = rules_named(catalog, "s3-bucket-versioning")
    live = Exemption("s3-bucket-versioning", "cache, rebuilt every run", "platform", dt.date(2027, 1, 1),
                     resource="aws_s3_bucket.cache*")
    expired = replace(live, expires=dt.date(2026, 11, 21))
    res = [bucket("aws_s3_bucket.cache_eu", "Disabled")]
    [f] = evaluate(rules, res, exemptions=[live], today=TODAY)
    assert f.status is Verdict.WAIVED
    assert f.reason == "exemption (platform, until 2027-01-01): cache, rebuilt every run"
    [f] = evaluate(rules, res, exemptions=[expired], today=TODAY)
    assert f.status is Verdict.FAIL
    # An exemption expiring today still applies today.
    [f] = evaluate(rules, res, exemptions=[replace(live, expires=TODAY)], today=TODAY)
    assert f.status is Verdict.WAIVED


def test_exemption_scope_must_match_every_key(catalog) -> None:  # type: ignore[no-untyped-def]
    rules = rules_named(catalog, "s3-bucket-versioning")
    ex = Exemption("s3-bucket-versioning", "legacy account winding down", "o", dt.date(2027, 1, 1),
                   account="123456789012")
    res = [bucket("logs", "Disabled")]
    assert evaluate(rules, res, exemptions=[ex], today=TODAY)[0].status is Verdict.FAIL  # lint: no account known
    assert evaluate(rules, res, exemptions=[ex], today=TODAY, account="123456789012")[0].status is Verdict.WAIVED
    assert evaluate(rules, res, exemptions=[ex], today=TODAY, account="999999999999")[0].status is Verdict.FAIL


def test_inline_waiver_only_where_the_rule_allows_it(catalog) -> None:  # type: ignore[no-untyped-def]
    rules = rules_named(catalog, "s3-bucket-versioning", "sso-only-access")
    res = [bucket("b", "Disabled", waivers={"s3-bucket-versioning": "static website assets"})]
    [f] = evaluate(rules, res, today=TODAY)
    assert (f.status, f.reason) == (Verdict.WAIVED, "inline waiver: static website assets")
    user = Resource("iam.user", "u", "aws_iam_user", {"name": "u"}, "iam", Location("p"),
                    {"waivers": {"sso-only-access": "please"}})
    [f] = evaluate(rules, [user], today=TODAY)
    assert f.status is Verdict.FAIL  # sso-only-access sets inline_waivers: false


def test_a_crashing_rule_is_an_error_finding_not_a_pass(catalog) -> None:  # type: ignore[no-untyped-def]
    rules = rules_named(catalog, "sg-no-public-ssh")
    sg = Resource("ec2.security_group", "sg", "AWS::EC2::SecurityGroup",
                  {"ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0-bad"}],
                   "egress": []}, "ec2", Location("t.yaml", 3))
    [f] = evaluate(rules, [sg], today=TODAY)
    assert f.status is Verdict.ERROR
    assert "is not a CIDR" in (f.reason or "")


def test_account_fact_from_the_same_input(catalog) -> None:  # type: ignore[no-untyped-def]
    rules = rules_named(catalog, "ebs-encryption")
    vol = Resource("ec2.volume", "v", "aws_ebs_volume", {"encrypted": False}, "ec2", Location("p"))
    default_on = Resource("account.ebs_defaults", "d", "aws_ebs_encryption_by_default",
                          {"encryption_by_default": True}, "ec2", Location("p"))
    assert evaluate(rules, [vol], today=TODAY)[0].status is Verdict.FAIL
    assert [f.status for f in evaluate(rules, [default_on, vol], today=TODAY)] == [Verdict.PASS]
    unknown = replace(default_on, attrs={"encryption_by_default": UNKNOWN})
    assert account_facts([default_on, unknown]) == {"account.ebs_defaults.encryption_by_default": UNKNOWN}


def test_cluster_members_are_judged_through_the_cluster(catalog) -> None:  # type: ignore[no-untyped-def]
    rules = rules_named(catalog, "rds-encryption")
    member = Resource("rds.instance", "m", "aws_rds_cluster_instance",
                      {"cluster_member": True, "engine": "aurora-postgresql", "storage_encrypted": UNKNOWN},
                      "rds", Location("p"))
    assert evaluate(rules, [member], today=TODAY)[0].status is Verdict.NOT_APPLICABLE


def test_fingerprint_ignores_the_line() -> None:
    a = bucket("x")
    b = replace(a, location=Location("plan.json", 99))
    from engine.resources.model import Finding

    fa = Finding("r", Verdict.FAIL, "high", "error", a, "m")
    fb = Finding("r", Verdict.FAIL, "high", "error", b, "m")
    assert fa.fingerprint == fb.fingerprint



def test_memo_never_merges_values_a_rule_can_tell_apart(catalog) -> None:  # type: ignore[no-untyped-def]
    """Verdicts are memoized on the values a rule reads: equal values of other types (True and 1,
    "1" and 1), a float, a list order or a mapping order must still be judged on their own."""
    rules = rules_named(catalog, "s3-bucket-versioning", "sg-no-public-ssh", "no-burstable-instances")
    ssh = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0", "peer": "cidr"}
    closed = {**ssh, "cidr": "10.0.0.0/8"}
    resources = [bucket("t", True), bucket("one", 1), bucket("s", "Enabled"), bucket("s2", "Enabled"),
                 bucket("f", 1.0), bucket("l", ["Enabled"]), bucket("l2", ["Enabled"])]
    for i, ingress in enumerate(([ssh, closed], [closed, ssh], [closed], [closed], UNKNOWN, [dict(reversed(
            ssh.items()))], [{**ssh, "from_port": 1}], [{**ssh, "from_port": True}])):
        resources.append(Resource("ec2.security_group", f"sg{i}", "aws_security_group",
                                  {"ingress": ingress, "egress": []}, "ec2", Location("plan.json")))
    for i, itype in enumerate(("t3.micro", "m7g.large", "t3.micro", 3, None)):
        resources.append(Resource("ec2.instance", f"i{i}", "aws_instance",
                                  {"instance_type": itype, "volumes": []}, "ec2", Location("plan.json")))
    together = evaluate(rules, resources, today=TODAY)
    one_by_one = [f for r in resources for f in evaluate(rules, [r], today=TODAY)]
    shape = [(f.resource.id, f.rule_id, f.status, f.message, f.path, f.reason) for f in together]
    assert shape == [(f.resource.id, f.rule_id, f.status, f.message, f.path, f.reason) for f in one_by_one]
    by = {(f.resource.id, f.rule_id): f for f in together}
    assert by["t", "s3-bucket-versioning"].status is Verdict.ERROR  # bool against a string
    assert [by[f"sg{i}", "sg-no-public-ssh"].status.value for i in range(8)] == [
        "fail", "fail", "pass", "pass", "unknown", "fail", "fail", "error"]
    assert by["i3", "no-burstable-instances"].status is Verdict.ERROR


def test_sort_findings_is_the_order_of_finding_sort_key() -> None:
    import random

    from engine.lint import finding_sort_key, sort_findings
    from engine.resources.model import Finding

    rng = random.Random(7)
    findings = []
    for i in range(300):
        loc = Location(rng.choice(["a.yaml", "b.json", None]), rng.choice([None, 0, 3, 12]))
        res = Resource("s3.bucket", rng.choice(["x", "y", "z[0]"]), "aws_s3_bucket", {}, "s3", loc)
        findings.append(Finding(rng.choice(["r1", "r2"]), Verdict.PASS, "low", "error", res, f"m{i}"))
    expected = sorted(findings, key=finding_sort_key)
    sort_findings(findings)
    assert [f.message for f in findings] == [f.message for f in expected]
