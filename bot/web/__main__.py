"""``python -m bot.web --port 8080 --rasa-url http://localhost:5005``: serve the chat page."""

from __future__ import annotations

import argparse
import logging
import sys

from aiohttp import web

from bot.web.server import config_from_env, create_app


def main(argv: list[str] | None = None) -> int:
    """Parse options and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--rasa-url",
        help="Rasa server as the browser reaches it (default $LEERPUNT_RASA_URL or "
        "http://localhost:5005)",
    )
    parser.add_argument("--public-url", help="public address of this server, for share links")
    parser.add_argument(
        "--init-payload", help="message sent unseen when a conversation starts (default /groeten)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = config_from_env(
        rasa_url=args.rasa_url, public_url=args.public_url, init_payload=args.init_payload
    )
    app = create_app(config)
    logging.getLogger("bot.web").info(
        "chat page on http://%s:%s/chat (Rasa: %s)", args.host, args.port, config.rasa_url
    )
    # access_log=None: request lines carry link values and addresses; keep logs free of them.
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
