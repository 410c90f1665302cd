"""Write the compiled SCPs, declarative policies, manifest and deployment code into scp/.

    python scripts/compile_scp.py [--check]

The integrator's `ordinance compile` wraps engine.compilers.scp.write/check; this is the stand-alone form.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.catalog.loader import load_catalog  # noqa: E402
from engine.compilers import scp  # noqa: E402
from engine.errors import OrdinanceError  # noqa: E402


def main(argv: list[str]) -> int:
    try:
        catalog = load_catalog(REPO)
        if "--check" in argv:
            drift = scp.check(catalog, REPO / "scp")
            for rel in drift:
                print(f"scp/{rel} differs from the compiled catalog")
            return 1 if drift else 0
        for rel in scp.write(catalog, REPO / "scp"):
            print(f"scp/{rel}")
    except OrdinanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
