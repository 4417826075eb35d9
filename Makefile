# The two commands a newcomer needs are `make run` and `make test` (see README).
.PHONY: run test setup train lint unit clean production

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

setup:
	@bash scripts/setup.sh

train:
	@bash scripts/train.sh

lint:
	@.venv/bin/ruff format --check bot actions components channels tests scripts
	@.venv/bin/ruff check bot actions components channels tests scripts
	@.venv/bin/python -m mypy bot actions components channels

unit:  # the fast tests: no servers, no browser
	@.venv/bin/python -m pytest -q -m "not e2e and not browser" -p no:cacheprovider

clean:
	rm -rf var models results .pytest_cache .ruff_cache .mypy_cache

production:  # two Rasa and two action servers behind nginx; docs/production.md
	@bash scripts/setup.sh && .venv/bin/python scripts/production.py up
