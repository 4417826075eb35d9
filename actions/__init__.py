"""Thin rasa_sdk adapters: read the tracker, call ``bot.app``, return events.

Importing this package registers every custom action with the action server.
"""

from actions import turn  # noqa: F401  (registration)
