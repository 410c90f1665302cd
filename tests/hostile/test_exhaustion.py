"""Resource exhaustion: each input is handled in bounded memory or refused with one clear line.

Inputs are generated in tmp at test time. Memory is asserted (peak RSS of the CLI child, generous
bounds); time never is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import generate
from tests.hostile.conftest import assert_clean_rejection, run_cli

BUCKET = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"


def test_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text(BUCKET + "Metadata:\n" + "".join(f"  {line}\n" for line in lines))
    result = run_cli("lint", str(path))
    assert_clean_rejection(result)
    assert "alias" in result["stderr"]
    assert result["rss_mb"] < 500


def test_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(BUCKET + "    Properties: &p\n      Tags: *p\n")
    assert_clean_rejection(run_cli("lint", str(path)))


@pytest.mark.parametrize("form", ["json-template", "json-plan", "yaml-flow", "yaml-block", "yaml-dashes"])
def test_deep_nesting_is_refused_not_crashed(tmp_path: Path, form: str) -> None:
    """200,000 levels: Python's json raises RecursionError; libyaml's C composer used to segfault."""
    n = 200_000
    text = {
        "json-template": '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": ' + "[" * n + "]" * n + "}}}",
        "json-plan": '{"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": ' + "[" * n,
        "yaml-flow": BUCKET + "    Properties: " + "[" * n + "]" * n + "\n",
        "yaml-block": BUCKET + "    Properties:\n" + "".join(" " * (6 + i) + "k:\n" for i in range(20_000)),
        "yaml-dashes": BUCKET + "    Properties:\n      Tags: " + "- " * n + "x\n",
    }[form]
    path = tmp_path / ("deep.json" if form.startswith("json") else "deep.yaml")
    path.write_text(text)
    result = run_cli("lint", str(path))
    assert_clean_rejection(result)
    assert "deep" in result["stderr"] or "invalid" in result["stderr"]


def test_200_mb_plan_is_linted_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("w") as f:
        generate.write_plan(f, 92_000, seed=5)
    assert path.stat().st_size > 200 * 10**6  # 200 MB
    result = run_cli("lint", str(path), "--format", "json", "--output", str(tmp_path / "out.json"))
    assert result["rc"] in (0, 1), result["stderr"]
    assert result["rss_mb"] < 2048
    summary = json.loads((tmp_path / "out.json").read_text())["summary"]
    assert summary["errors"] == [] and summary["resources"] > 75_000


def test_directory_of_10000_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for d in range(100):
        sub = root / f"stack{d:03}"
        sub.mkdir(parents=True)
        for i in range(100):
            if i % 4 == 0:
                (sub / f"t{i}.yaml").write_text(BUCKET + f"    Properties: {{BucketName: b{d}-{i}}}\n")
            elif i % 4 == 1:
                (sub / f"t{i}.json").write_text(json.dumps({"Resources": {"V": {
                    "Type": "AWS::EC2::Volume", "Properties": {"Encrypted": i % 3 == 0}}}}))
            else:
                (sub / f"notes{i}.md").write_text("# not IaC\n" * 20)
    assert sum(1 for _ in root.rglob("*")) >= 10_000
    result = run_cli("lint", str(root), "--format", "json", "--output", str(tmp_path / "out.json"))
    assert result["rc"] in (0, 1), result["stderr"][-2000:]
    assert result["rss_mb"] < 1024
    summary = json.loads((tmp_path / "out.json").read_text())["summary"]
    assert summary["files_scanned"] == 5000 and summary["files_skipped"] == 5000


def test_symlink_loops_are_named_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "d").mkdir(parents=True)
    (root / "d" / "b.yaml").write_text(BUCKET)
    os.symlink("..", root / "d" / "up")  # a directory loop: never followed
    os.symlink(".", root / "d" / "self")
    os.symlink("x", root / "y")  # a file loop: reported, clearly
    os.symlink("y", root / "x")
    result = run_cli("lint", str(root))
    assert_clean_rejection({**result, "stderr": "\n".join(
        line for line in result["stderr"].splitlines() if line.startswith("ordinance: error"))})
    assert "symlink loop" in result["stderr"]
    assert result["stderr"].count("ordinance: error") == 2  # x and y, once each: no loop walked
    only_dirs = run_cli("lint", str(root / "d"), "--format", "json")
    assert only_dirs["rc"] in (0, 1), only_dirs["stderr"]


def test_binary_and_empty_files(tmp_path: Path) -> None:
    for name, data in (("zero.json", b""), ("nul.yaml", b"\x00" * 1000), ("rand.json", os.urandom(4096)),
                       ("bom16.json", b"\xff\xfe" + os.urandom(1001))):
        path = tmp_path / name
        path.write_bytes(data)
        result = run_cli("lint", str(path))
        assert result["rc"] in (0, 2) and "Traceback" not in result["stderr"], (name, result)
        if result["rc"] == 2:
            assert_clean_rejection(result)
