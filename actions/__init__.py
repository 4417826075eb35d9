"""Thin rasa_sdk adapters: read the tracker, call ``bot.app``, return events.

Importing this package registers every custom action with the action server.
A bad environment variable stops the action server here, at start, with one
error naming every bad variable, instead of failing a conversation later.
The sentence encoder and the classifiers load here too, once, not on the first message.
"""

from actions import turn  # noqa: F401  (registration)
from bot import settings
from bot.understanding import service

settings.get()
service.warm_up()
