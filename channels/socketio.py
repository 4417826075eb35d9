"""Rasa's socket.io channel with a working ``session_persistence``.

Rasa 3.6.21 calls ``sio.enter_room(...)`` without ``await``; with python-socketio
5.x that coroutine never runs, so with ``session_persistence: true`` every bot
reply goes to an empty room (RasaHQ/rasa#13027). This subclass awaits it.
"""

from __future__ import annotations

import uuid
from typing import Any

from rasa.core.channels.socketio import SocketIOInput


class PersistentSocketIOInput(SocketIOInput):
    """SocketIOInput whose session_request joins the session's room for real."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message):
        bp = super().blueprint(on_new_message)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"], namespace=self.namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid)

        return bp
