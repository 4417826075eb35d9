"""One fix to Rasa 3.6's hot path, installed when the Rasa server loads this package
(credentials.yml names ``channels.socketio``).

Rasa checks every action server answer with ``jsonschema.validate``, which first checks
the schema itself against JSON Schema's meta-schema and builds a new validator, on every
call. Profiled on the embedded default (docs/benchmarks/profile-before.md), that was 40%
of the Rasa server's busy time per message. The same check, against the same
schema, with the same error, but with the validator built once.
"""

from __future__ import annotations

from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction

_validator: Any = None


def _response_validator() -> Any:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validators.validator_for(schema)
        cls.check_schema(schema)  # once, as jsonschema.validate does every time
        _validator = cls(schema)
    return _validator


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    error = best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
