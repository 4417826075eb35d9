"""``python -m bot.handoff ...``: the handoff commands on their own."""

import sys

from bot.handoff.cli import main

sys.exit(main())
