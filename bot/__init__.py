"""Core of the learning-culture intake assistant: plain Python, no Rasa imports.

Everything the entrepreneur or coach reads is data (YAML under ``bot/framework``
and ``bot/regions``); the modules here interpret it.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
