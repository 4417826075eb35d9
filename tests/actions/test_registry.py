"""The action server offers exactly the custom actions the domain names, and each is tested here."""

from __future__ import annotations

import re
from pathlib import Path

from actions import context as ctx

HERE = Path(__file__).parent
DOMAIN_ONLY = {"action_ask_"}  # base classes without their own name; never called by Rasa


def test_every_domain_action_is_registered(domain, registered):
    missing = sorted(set(domain["actions"]) - set(registered))

    assert not missing, f"named in domain.yml but not registered by the action server: {missing}"


def test_every_registered_action_is_in_the_domain(domain, registered):
    extra = sorted(set(registered) - set(domain["actions"]) - DOMAIN_ONLY)

    assert not extra, f"registered but missing from domain.yml (Rasa would never call them): {extra}"


def test_every_question_has_an_ask_action(registered):
    missing = sorted(q for q in ctx.all_question_ids() if f"action_ask_{q}" not in registered)

    assert not missing


def test_every_custom_action_has_a_fixture_test(domain):
    """Each action class is run in a test file here (generated ask actions: test_ask.py)."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py") if p.name != Path(__file__).name)
    action_classes = {
        name: cls
        for module in ("intake", "summary", "handoff", "detours")
        for name, cls in _classes_by_action_name(module).items()
    }
    untested = sorted(
        name for name in domain["actions"]
        if name in action_classes and not re.search(rf"\b{action_classes[name]}\(\)", sources)
    )
    generated = [a for a in domain["actions"] if a not in action_classes]

    assert not untested, f"no test runs these actions: {untested}"
    assert all(a.startswith("action_ask_q_") for a in generated)
    assert "test_every_generated_ask_action_asks_its_own_question" in (HERE / "test_ask.py").read_text(encoding="utf-8")


def _classes_by_action_name(module: str) -> dict[str, str]:
    import importlib
    import inspect

    from rasa_sdk import Action

    mod = importlib.import_module(f"actions.{module}")
    out = {}
    for name, cls in vars(mod).items():
        if inspect.isclass(cls) and issubclass(cls, Action) and cls.__module__ == mod.__name__:
            try:
                action_name = cls().name()
            except NotImplementedError:
                continue
            if action_name != "action_ask_":
                out[action_name] = name
    return out
