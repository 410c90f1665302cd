"""The real pre-commit runs the repository's `ordinance-lint` hook in a fresh git repository.

pre-commit clones this checkout at HEAD (so the hook definition under test is the committed one),
installs ordinance into its own virtualenv from PyPI, and runs the hook on `git commit`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

VIOLATING = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataVolume:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 10
"""

CLEAN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataVolume:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 10
      Encrypted: true
"""

NOT_IAC = "name: build\non: [push]\njobs: {}\n"


def _git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The pre-commit command: an installed one, else a fresh virtualenv with pre-commit from PyPI."""
    found = shutil.which("pre-commit")
    if found:
        return [found]
    env_dir = tmp_path_factory.mktemp("pre-commit-venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pre-commit"], check=True)
    return [str(python), "-m", "pre_commit"]


@pytest.mark.slow
def test_hook_blocks_a_violating_template_and_passes_a_clean_one(pre_commit: list[str], tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of ordinance")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    head = _git("rev-parse", "HEAD", cwd=REPO, env=env).stdout.strip()
    tracked = _git("cat-file", "-e", f"{head}:.pre-commit-hooks.yaml", cwd=REPO, env=env)
    assert tracked.returncode == 0, "HEAD has no .pre-commit-hooks.yaml: commit it before running this test"

    work = tmp_path / "repo"
    work.mkdir()
    assert _git("init", "-q", cwd=work, env=env).returncode == 0
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO.as_posix()}\n    rev: {head}\n    hooks:\n      - id: ordinance-lint\n")
    _git("add", ".pre-commit-config.yaml", cwd=work, env=env)
    assert _git("commit", "-qm", "config", "--no-verify", cwd=work, env=env).returncode == 0
    install = subprocess.run([*pre_commit, "install"], cwd=work, env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr

    (work / "volume.yaml").write_text(VIOLATING)
    (work / "workflow.yml").write_text(NOT_IAC)  # not IaC: skipped, never a failure
    _git("add", "volume.yaml", "workflow.yml", cwd=work, env=env)
    blocked = _git("commit", "-m", "unencrypted volume", cwd=work, env=env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "ebs-encryption" in output and "DataVolume" in output, output
    assert "Failed" in output, output

    (work / "volume.yaml").write_text(CLEAN)
    _git("add", "volume.yaml", cwd=work, env=env)
    passed = _git("commit", "-m", "encrypted volume", cwd=work, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout + passed.stderr
    assert _git("log", "--oneline", cwd=work, env=env).stdout.count("\n") == 2


def test_hook_definition_covers_templates_plans_and_tf() -> None:
    import re

    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "ordinance-lint"]
    assert hook["entry"] == "ordinance lint" and hook["language"] == "python"
    assert hook["pass_filenames"] is True and hook["require_serial"] is False
    files = re.compile(hook["files"])
    for name in ("a.yaml", "b.yml", "plan.json", "stack.template", "main.tf", "dir/x.yaml"):
        assert files.search(name), name
    for name in ("README.md", "main.py", "x.tfvars"):
        assert not files.search(name), name
    (test_hook,) = [h for h in hooks if h["id"] == "ordinance-test"]
    assert (test_hook["entry"], test_hook["pass_filenames"]) == ("ordinance test", False)
    cases = re.compile(test_hook["files"])
    assert [n for n in ("policies/ebs.yaml", "policies.yaml", "tests/policies/ebs/fail_x/plan.json",
                        "examples/stack.yaml", "tests/test_x.py", "infra/policies.yaml.bak")
            if cases.search(n)] == ["policies/ebs.yaml", "policies.yaml", "tests/policies/ebs/fail_x/plan.json"]
    assert sys.version_info >= (3, 11)
