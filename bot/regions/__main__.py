"""``python -m bot.regions check|resolve|texts|instruments``: see :mod:`bot.regions.cli`."""

import sys

from bot.regions.cli import main

if __name__ == "__main__":
    sys.exit(main())
