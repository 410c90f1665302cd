"""Every Terraform configuration ordinance ships or generates passes `terraform validate` and
`terraform fmt -check`: the scheduled audit, the member audit role, and the compiled SCP module.

Runs where a terraform binary and a local mirror of the hashicorp/aws provider exist (this build
image keeps one in /opt/tf-plugins; ORDINANCE_TF_PROVIDER_MIRROR names another); elsewhere it is
skipped with the reason, since `terraform init` cannot reach the registry offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MIRROR = Path(os.environ.get("ORDINANCE_TF_PROVIDER_MIRROR", "/opt/tf-plugins"))
TERRAFORM = shutil.which("terraform")

pytestmark = pytest.mark.skipif(
    TERRAFORM is None or not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir(),
    reason="needs a terraform binary and a local hashicorp/aws provider mirror (ORDINANCE_TF_PROVIDER_MIRROR)")

# (directory to copy, module inside it): the SCP module reads its policy JSON from ../<target>/.
CONFIGURATIONS = [
    ("deploy/audit/terraform/scheduled-audit", "."),
    ("deploy/audit/terraform/member-audit-role", "."),
    ("scp", "terraform"),
]


def _terraform(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    assert TERRAFORM is not None
    return subprocess.run([TERRAFORM, *args, "-no-color"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("terraform")
    rc = home / "terraformrc"
    rc.write_text('provider_installation {\n'
                  f'  filesystem_mirror {{\n    path    = "{MIRROR}"\n'
                  '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
                  '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n')
    (home / "plugin-cache").mkdir()
    return {**os.environ, "TF_CLI_CONFIG_FILE": str(rc), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1",
            "TF_PLUGIN_CACHE_DIR": str(home / "plugin-cache")}


@pytest.mark.parametrize(("copy", "module"), CONFIGURATIONS, ids=[c for c, _ in CONFIGURATIONS])
def test_terraform_validates_and_is_formatted(copy: str, module: str, tmp_path: Path,
                                             tf_env: dict[str, str]) -> None:
    work = tmp_path / "w"
    shutil.copytree(REPO / copy, work, ignore=shutil.ignore_patterns(".terraform*"))
    cwd = work / module
    init = _terraform(cwd, tf_env, "init", "-backend=false", "-input=false")
    assert init.returncode == 0, init.stdout + init.stderr
    validate = _terraform(cwd, tf_env, "validate")
    assert (validate.returncode, validate.stdout.strip()) == (0, "Success! The configuration is valid."), \
        validate.stdout + validate.stderr
    fmt = _terraform(cwd, tf_env, "fmt", "-check", "-diff")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_rule_fixture_terraform_is_formatted(tf_env: dict[str, str]) -> None:
    fmt = _terraform(REPO / "tests" / "policies", tf_env, "fmt", "-check", "-recursive")
    assert (fmt.returncode, fmt.stdout) == (0, ""), fmt.stdout + fmt.stderr
