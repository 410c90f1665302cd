"""checkov as a peer program: its own virtual environment, the checks that match our rules, a runner.

checkov is never installed into ordinance's environment: 3.3 pins boto3 and networkx and ships a
`hcl2` module that collides with python-hcl2. `ensure()` creates bench/.venv-checkov (gitignored)
with the newest checkov 3.3.x the index offers, and everything calls the `checkov` program there.

The pairing of ordinance rules with checkov checks was read from `checkov --list` (3.3.30): check id,
resource types and framework for every row that touches one of our kinds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "bench" / ".venv-checkov"
SPEC = "checkov==3.3.*"


@dataclass(frozen=True)
class Pair:
    """One ordinance rule against one checkov check, on some native types.

    relation: "same" — both state the same expectation, any disagreement is a bug on one side;
    "weaker" — checkov tests less than the rule (any SSE vs SSE-KMS, all-port egress vs any egress):
    a checkov failure must be an ordinance failure, but ordinance may fail what checkov passes.
    """

    rule: str
    check: str
    types: tuple[str, ...]
    relation: str = "same"
    note: str = ""


PAIRS: tuple[Pair, ...] = (
    Pair("s3-bucket-versioning", "CKV_AWS_21", ("aws_s3_bucket", "AWS::S3::Bucket")),
    Pair("s3-bucket-encryption-kms", "CKV_AWS_145", ("aws_s3_bucket",),
         note="Terraform only; checkov has no CloudFormation SSE-KMS check"),
    Pair("s3-bucket-encryption-kms", "CKV_AWS_19", ("aws_s3_bucket", "AWS::S3::Bucket"), "weaker",
         "any default encryption (AES256 passes); S3 encrypts every bucket with SSE-S3 since 2023"),
    Pair("ebs-encryption", "CKV_AWS_3", ("aws_ebs_volume", "AWS::EC2::Volume")),
    Pair("ebs-encryption", "CKV_AWS_8", ("aws_instance", "aws_launch_configuration",
                                         "AWS::AutoScaling::LaunchConfiguration"),
         note="no checkov check covers launch templates or CloudFormation instances' block devices"),
    Pair("rds-encryption", "CKV_AWS_16", ("aws_db_instance", "AWS::RDS::DBInstance")),
    Pair("rds-encryption", "CKV_AWS_96", ("aws_rds_cluster", "AWS::RDS::DBCluster")),
    Pair("sso-only-access", "CKV_AWS_273", ("aws_iam_user",),
         note="Terraform only; access keys and login profiles have no matching check"),
    Pair("sg-no-public-ssh", "CKV_AWS_24", ("aws_security_group", "aws_security_group_rule",
                                            "aws_vpc_security_group_ingress_rule", "AWS::EC2::SecurityGroup",
                                            "AWS::EC2::SecurityGroupIngress")),
    Pair("sg-no-open-egress", "CKV_AWS_382", ("aws_security_group", "aws_security_group_rule",
                                              "aws_vpc_security_group_egress_rule"), "weaker",
         "Terraform only, and only egress to 0.0.0.0/0 on all ports (protocol -1)"),
)
# Rules with no checkov counterpart: no-burstable-instances, no-internet-egress-gateways,
# denied-services, rds-prefer-aurora, protect-guardrails.
MATCHING_CHECKS: tuple[str, ...] = tuple(sorted({p.check for p in PAIRS}, key=lambda c: int(c.rsplit("_", 1)[1])))


def binary() -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / "checkov"


def ensure(quiet: bool = True) -> tuple[Path | None, str]:
    """(path of the checkov program, "") or (None, why it could not be set up)."""
    exe = binary()
    if exe.exists():
        return exe, ""
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        py = VENV / ("Scripts" if os.name == "nt" else "bin") / "python"
        subprocess.run([str(py), "-m", "pip", "install", *(["--quiet"] if quiet else []), SPEC],
                       check=True, capture_output=quiet, timeout=900)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        last = detail.decode(errors="replace").strip().splitlines()[-1:] if detail else []
        return None, f"could not install {SPEC} into {VENV}: {exc}" + (f" ({last[0]})" if last else "")
    return (exe, "") if exe.exists() else (None, f"{SPEC} installed no checkov program")


def version(exe: Path) -> str:
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120)
    return out.stdout.strip() or "unknown"


def command(exe: Path, target: Path, framework: str, checks: tuple[str, ...] | None,
            quiet: bool = True) -> list[str]:
    """checkov over one file or one directory; JSON on stdout, nothing fetched from the network.

    quiet: report failed checks only, as a CI gate would (the benchmark); the differential needs
    the passed ones too.
    """
    cmd = [str(exe), "-d" if target.is_dir() else "-f", str(target), "--framework", framework, "-o", "json",
           "--skip-download"] + (["--quiet"] if quiet else [])
    if checks:
        cmd += ["--check", ",".join(checks)]
    return cmd


def env() -> dict[str, str]:
    # No telemetry or platform calls; the run must be comparable offline.
    return {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
            "PYTHONWARNINGS": "ignore"}


def results(stdout: str) -> list[dict[str, Any]]:
    """checkov's JSON: one report object, or a list of them (one per framework); [] when empty."""
    text = stdout.strip()
    if not text:
        return []
    doc = json.loads(text)
    reports = doc if isinstance(doc, list) else [doc]
    return [r for r in reports if isinstance(r, dict) and "results" in r]


if __name__ == "__main__":
    path, why = ensure(quiet=False)
    print(path or why)
    sys.exit(0 if path else 1)
