"""Rasa-server extensions of the product: the input channel (credentials.yml), the lock
store (endpoints.production.yml), and a fix to Rasa's hot path (speedups.py), installed
here because every Rasa server of the product loads this package at start
(LEERPUNT_RASA_SPEEDUPS, docs/configuration.md)."""

from bot import settings
from channels import speedups

# Only this variable: a bad value of an action-server setting must not stop Rasa.
if settings.load(settings.only("LEERPUNT_RASA_SPEEDUPS")).rasa_speedups:
    speedups.install()
