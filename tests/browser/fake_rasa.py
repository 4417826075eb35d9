"""A stand-in Rasa server for the browser tests: Rasa's own socket.io channel, a scripted bot.

The page is tested against ``rasa.core.channels.socketio.SocketIOInput`` (the
same code ``rasa run`` serves, on Sanic), so event names and payload shapes are
Rasa's, not a copy. Only the dialogue is scripted. Every received message is
appended as one JSON line to ``--log`` so tests can check session ids and
metadata.

Rasa 3.6.21 calls ``sio.enter_room`` without ``await``; with python-socketio
>= 5.10 that coroutine never runs, so with ``session_persistence: true`` no bot
reply reaches the browser (RasaHQ/rasa#13027). ``PersistentSocketIOInput``
below awaits it; ``--stock-channel`` runs the unpatched channel instead.

Run: ``python tests/browser/fake_rasa.py --port 5105 --log /tmp/fake.jsonl``
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import uuid
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Sanic

from channels.socketio import PersistentSocketIOInput  # noqa: E402


def chart_png() -> str:
    """A small bar chart as a data: URI (what the product sends as its profile chart)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 180), "white")
    draw = ImageDraw.Draw(img)
    for i, h in enumerate((120, 60, 150, 90)):
        draw.rectangle((30 + i * 70, 170 - h, 80 + i * 70, 170), fill=(11, 83, 94))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


THEMES = [
    {"title": "Personeel vinden", "payload": '/kies_thema{"thema": "personeelstekort"}'},
    {"title": "Mensen houden", "payload": '/kies_thema{"thema": "behoud"}'},
]


async def reply(message: UserMessage) -> None:
    """The scripted dialogue."""
    out, to, text = message.output_channel, message.sender_id, (message.text or "").strip()
    if text == "/groeten":
        await out.send_text_with_buttons(
            to, "Goedendag! Ik ben Leerpunt.\n\nWaar loopt u tegenaan?", THEMES
        )
    elif text.startswith("/kies_thema"):
        await out.send_text_message(to, "Dank u. Dit is een eerste beeld van uw bedrijf.")
        await out.send_image_url(to, chart_png())
        await out.send_text_with_buttons(
            to,
            "Wilt u dat een coach uit uw regio contact opneemt?",
            [{"title": "Ja, graag", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}],
        )
    elif text == "/affirm":
        await out.send_text_message(to, "Fijn! Een coach neemt binnen twee werkdagen contact op.")
    elif text.lower() == "grafiek":
        await out.send_custom_json(
            to, {"data": {"image": chart_png(), "alt": "Profielgrafiek: sterk in leren van elkaar"}}
        )
    else:
        await out.send_text_message(to, f"U schreef: {text}")


def create_app(log_path: Path, stock: bool = False) -> Sanic:
    """A Sanic app with the socket.io channel under Rasa's settings for this product."""
    app = Sanic(f"fake_rasa_{uuid.uuid4().hex[:8]}")
    channel_cls = SocketIOInput if stock else PersistentSocketIOInput
    channel = channel_cls(
        user_message_evt="user_uttered", bot_message_evt="bot_uttered", session_persistence=True
    )

    async def on_new_message(message: UserMessage) -> None:
        entry: dict[str, Any] = {
            "session_id": message.sender_id,
            "message": message.text,
            "metadata": message.metadata,
        }
        with log_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
        await reply(message)

    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/socketio")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5105)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--stock-channel", action="store_true")
    args = parser.parse_args()
    app = create_app(args.log, stock=args.stock_channel)
    app.run(host=args.host, port=args.port, access_log=False, debug=False, workers=1)


if __name__ == "__main__":
    main()
