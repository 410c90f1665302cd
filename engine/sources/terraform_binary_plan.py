"""A binary Terraform plan (`terraform plan -out tfplan`) through `terraform show -json`.

The binary format is Terraform's private business, so ordinance never reads it: with `terraform`
on PATH it asks Terraform for the JSON form and hands that to the plan source; without it, the
error says exactly what to run.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

from engine.errors import SourceError
from engine.sources import SourceResult

TIMEOUT_SECONDS = 300  # providers' schemas are loaded for show -json; a big plan takes a while


def load(path: Path, data: bytes) -> SourceResult:
    file = str(path)
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        raise SourceError("not a binary Terraform plan: a damaged zip file", file) from None
    if "tfplan" not in names:
        raise SourceError("not a binary Terraform plan: the zip holds no tfplan entry", file)
    terraform = shutil.which("terraform")
    if terraform is None:
        raise SourceError(f"binary Terraform plan: run `terraform show -json {path.name} > {path.name}.json` "
                          "and lint the JSON (terraform is not on PATH)", file)
    # cwd: show -json needs the initialized working directory (.terraform, providers) the plan came from.
    try:
        done = subprocess.run([terraform, "show", "-json", path.name], cwd=path.parent or Path("."),
                              capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise SourceError(f"`terraform show -json` did not finish in {TIMEOUT_SECONDS} s", file) from None
    except OSError as exc:
        raise SourceError(f"cannot run terraform: {exc.strerror or exc}", file) from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = next((line.strip() for line in err if line.strip()), f"exit code {done.returncode}")
        raise SourceError(f"`terraform show -json` failed: {detail} (run it in the plan's working directory)",
                          file)
    from engine.sources import terraform_plan

    return terraform_plan.load(path, done.stdout)
