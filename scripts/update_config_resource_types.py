"""Regenerate engine/data/config_resource_types.json: the resource types AWS Config records.

Source: botocore's model of the Config API (the `ResourceType` enum). Committed so that compiling
the catalog does not depend on whichever botocore happens to be installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session

OUT = Path(__file__).resolve().parent.parent / "engine" / "data" / "config_resource_types.json"


def main() -> None:
    model = botocore.session.get_session().get_service_model("config")
    types = sorted(set(model.shape_for("ResourceType").enum))
    doc = {"source": f"botocore {botocore.__version__} config ResourceType enum", "resource_types": types}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(types)} resource types -> {OUT}")


if __name__ == "__main__":
    main()
