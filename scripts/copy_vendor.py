"""Copy the browser files installed by ``npm ci`` into ``bot/web/static/vendor/``.

The chat page loads nothing from a CDN: the socket.io client (and, for the
accessibility test, axe-core) are served by ``python -m bot.web`` from this
git-ignored folder. Runs as npm's ``postinstall`` and can be run by hand.
Standard library only, so any Python 3 works.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "bot" / "web" / "static" / "vendor"

# (file under node_modules, name in vendor/)
FILES: list[tuple[str, str]] = [
    ("socket.io-client/dist/socket.io.min.js", "socket.io.min.js"),
    ("socket.io-client/dist/socket.io.min.js.map", "socket.io.min.js.map"),
    ("axe-core/axe.min.js", "axe.min.js"),
]
REQUIRED = {"socket.io.min.js"}


def main() -> int:
    """Copy the files; fail when a required one is missing."""
    VENDOR.mkdir(parents=True, exist_ok=True)
    missing = []
    for source, target in FILES:
        path = ROOT / "node_modules" / source
        if not path.is_file():
            missing.append(source)
            continue
        shutil.copyfile(path, VENDOR / target)
        print(f"copied node_modules/{source} -> {VENDOR.relative_to(ROOT) / target}")
    required_missing = [m for m in missing if Path(m).name in REQUIRED]
    if required_missing:
        print(
            f"missing {', '.join(required_missing)}: run `npm ci` in {ROOT} first",
            file=sys.stderr,
        )
        return 1
    for m in missing:
        print(f"note: node_modules/{m} not installed (dev dependency); skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
