"""Session-wide fixtures shared by the end-to-end and browser tests."""

import pytest


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real product (Rasa, actions, worker, SMTP, webhook receiver) on free ports."""
    from tests.e2e.stack import MODEL, start_stack

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make train` (make test does this first)")
    s = start_stack(tmp_path_factory.mktemp("stack"))
    yield s
    s.close()
