"""Rasa-server extensions of the product: the input channel (credentials.yml), the lock
store (endpoints.production.yml), and a fix to Rasa's hot path (speedups.py), installed
here because every Rasa server of the product loads this package at start.
LEERPUNT_RASA_SPEEDUPS=0 leaves Rasa as it is (to measure the difference)."""

import os

from channels import speedups

if os.environ.get("LEERPUNT_RASA_SPEEDUPS", "1") != "0":
    speedups.install()
