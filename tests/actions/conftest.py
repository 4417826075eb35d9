"""Tracker fixtures, the domain and a runner for the action tests.

Each scenario is a JSON file in ``fixtures/`` holding a tracker state as the
Rasa server sends it to the action server (``sender_id``, ``slots``,
``latest_message``, ``events``, ``active_loop``). A test loads it, may change
what the entrepreneur said, runs one action with a ``CollectingDispatcher``
and checks both the returned events and the messages sent.

Every test gets its own SQLite database (outbox, usage figures): nothing is
ever written to the real ``var/`` database.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

import actions  # noqa: F401  (registers every custom action, loads framework and regions)
from bot import PROJECT_DIR, store
from bot.yamlio import load_yaml

FIXTURES = Path(__file__).parent / "fixtures"
DOMAIN_FILE = PROJECT_DIR / "domain.yml"


def load_fixture(name: str) -> dict[str, Any]:
    """The tracker state of one scenario, as a fresh dict the test may change."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def user_says(
    state: dict[str, Any],
    text: str,
    intent: str = "vertellen",
    entities: list[dict[str, Any]] | None = None,
    fill: str | None = None,
) -> dict[str, Any]:
    """The same scenario with another last message.

    With ``fill``, the message is also the form's slot candidate for that slot,
    the way Rasa's form hands a from_text answer to its validation action: the
    slot holds the raw text and the tracker's events end with its SlotSet.
    """
    state = copy.deepcopy(state)
    state["latest_message"] = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
    }
    if fill is not None:
        state["slots"][fill] = text
        candidates = [e for e in state["events"] if e.get("event") == "slot" and e.get("name") == fill]
        assert candidates and state["events"][-1] is candidates[-1], (
            f"fixture must end with the slot candidate for {fill!r}"
        )
        candidates[-1]["value"] = text
    return state


@dataclass
class Outcome:
    """What an action did: the events it returned and the messages it sent."""

    events: list[dict[str, Any]]
    messages: list[dict[str, Any]]

    @property
    def slots(self) -> dict[str, Any]:
        """Slot values the action set (the last SlotSet per slot wins)."""
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if m.get("text")]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def buttons(self, index: int = -1) -> list[dict[str, Any]]:
        return self.messages[index].get("buttons") or []


@pytest.fixture(scope="session")
def registered() -> dict[str, Action]:
    """Every action the action server registers from the ``actions`` package, by name."""
    gc.collect()  # as after a busy start-up: weakly referenced Action subclasses are gone
    executor = ActionExecutor()
    executor.register_package("actions")
    return {name: run.__self__ for name, run in executor.actions.items()}


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """domain.yml as the dict the Rasa server sends along with every action call."""
    return load_yaml(DOMAIN_FILE)


def tracker_of(state: dict[str, Any] | str) -> Tracker:
    """A rasa_sdk Tracker from a fixture name or a (changed) fixture state."""
    return Tracker.from_dict(load_fixture(state) if isinstance(state, str) else copy.deepcopy(state))


def say(state: dict[str, Any] | str, key: str, **values: Any) -> str:
    """What the assistant says for text ``key`` in this scenario's region."""
    from actions import context as ctx

    return ctx.say(tracker_of(state), key, **values)


@pytest.fixture
def run(domain) -> Callable[..., Outcome]:
    """Run an action on a fixture name or tracker state; return its Outcome."""

    def _run(action: Action, state: dict[str, Any] | str) -> Outcome:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker_of(state), domain))
        return Outcome(events=list(events), messages=dispatcher.messages)

    return _run


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch) -> str:
    """A fresh SQLite database per test, set before any action touches the store."""
    url = f"sqlite:///{tmp_path / 'leerpunt.db'}"
    monkeypatch.setenv("LEERPUNT_DATABASE_URL", url)
    monkeypatch.delenv("LEERPUNT_MAX_QUESTIONS", raising=False)
    monkeypatch.delenv("LEERPUNT_OPERATOR_EMAIL", raising=False)
    # get_engine() caches its engine per argument, also for "no URL given": without
    # this an engine made for another database (another test, or var/) would be reused.
    store.get_engine.cache_clear()
    assert str(store.get_engine().url) == url
    yield url
    store.get_engine.cache_clear()
