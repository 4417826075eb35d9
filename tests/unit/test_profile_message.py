"""scripts/profile_message.py's reading of py-spy's raw stacks: each sample counted once,
in the first bucket whose frame it passes through, and only under the root frame."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import profile_message as prof  # noqa: E402


def test_samples_fall_in_the_first_matching_bucket(tmp_path):
    raw = tmp_path / "rasa.raw"
    raw.write_text(
        "main;handle_message (p.py:1);run (rasa/core/actions/action.py:9);"
        "_validate_action_result (a.py:3);validate (j.py:1) 7\n"
        "main;handle_message (p.py:1);run (rasa/core/actions/action.py:9) 2\n"
        "main;handle_message (p.py:1);parse_message (rasa/core/processor.py:5) 3\n"
        "main;handle_message (p.py:1);other (x.py:1) 1\n"
        "main;startup (s.py:1);parse_message (rasa/core/processor.py:5) 50\n",
        encoding="utf-8",
    )
    got = prof.buckets(raw, prof.RASA_BUCKETS, "handle_message (")
    assert got == {
        "action answer checked (jsonschema)": 7,
        "action call: request built, answer read": 2,
        "NLU: encoder, classifier": 3,
        "REST channel, Sanic, rest": 1,
    }
