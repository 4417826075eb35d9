"""channels/speedups.py: Rasa's check of an action server answer, the validator built
once, accepts and refuses exactly what Rasa's own check does."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import channels  # noqa: F401 - installs the fix, as the Rasa server's import does
from channels import speedups

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hoi"}]},
    {"events": [{"event": "action", "name": "action_listen"}]},
    {},
]
BAD = [
    {"events": [{"name": "geen event-veld"}]},
    {"events": "geen lijst"},
    {"events": [{"event": 3}]},
    {"responses": "geen lijst"},
]


def _original(result):
    """Rasa's own check, as it is in rasa/core/actions/action.py."""
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


@pytest.fixture
def action():
    return RemoteAction("action_turn", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_loading_the_package_installs_the_fix():
    assert RemoteAction._validate_action_result is speedups.validate_action_result


@pytest.mark.parametrize("result", GOOD)
def test_what_rasa_accepts_is_accepted(action, result):
    _original(result)
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_what_rasa_refuses_is_refused_with_the_same_error(action, result):
    with pytest.raises(jsonschema.ValidationError) as theirs:
        _original(result)
    with pytest.raises(jsonschema.ValidationError) as ours:
        action._validate_action_result(result)
    assert ours.value.message.startswith(theirs.value.message)
    assert "custom-actions" in ours.value.message


def test_switched_off_rasa_is_left_as_it_is():
    import os
    import subprocess
    import sys

    code = (
        "import channels; from rasa.core.actions.action import RemoteAction; "
        "print(RemoteAction._validate_action_result.__module__)"
    )
    env = {**os.environ, "LEERPUNT_RASA_SPEEDUPS": "false"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "rasa.core.actions.action", out.stderr[-2000:]
