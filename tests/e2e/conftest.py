import pytest

from tests.e2e.stack import MODEL, start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make train` (make test does this first)")
    s = start_stack(tmp_path_factory.mktemp("e2e"))
    yield s
    s.close()
