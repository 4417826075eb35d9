"""Thin rasa_sdk adapters: read the tracker, call ``bot``, return events.

Importing this package registers every custom action with the action server.
"""

from actions import detours, handoff, intake, summary  # noqa: F401  (registration)
