#!/usr/bin/env bash
# All tests, in the order a failure is cheapest to find: lint, unit and action tests,
# data validation, training (cached), test conversations, NLU cross-validation,
# end-to-end and browser tests against real servers. Fails on the first failure.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
LEERPUNT_DOMAIN_CHECK_ONLY=1 "$ROOT/scripts/setup.sh"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:5055/webhook}"

step "Lint (ruff format, ruff, mypy)"
"$VENV/bin/ruff" format --check bot actions components channels tests scripts
"$VENV/bin/ruff" check bot actions components channels tests scripts
"$PY" -m mypy bot actions components channels

step "Domein in orde met de vragen"
"$PY" -m bot domain check

step "Regiobestanden controleren"
"$PY" -m bot regions check

step "Unit-, actie- en integratietests"
"$PY" -m pytest -q -m "not e2e and not browser" -p no:cacheprovider

step "Rasa-data valideren"
"$VENV/bin/rasa" data validate --fail-on-warning --data data/nlu "$VAR/nlu" data/rules --domain domain.yml --config config.yml \
  >"$VAR/log/validate.log" 2>&1 || { grep -v "Deprecat" "$VAR/log/validate.log" | tail -n 30; die "Rasa-data niet in orde; zie var/log/validate.log"; }

step "Testgesprekken (rasa test, fout bij elke verkeerde voorspelling)"
rm -rf results/conversations
"$VENV/bin/rasa" test core --model models/current.tar.gz --stories tests/conversations \
  --fail-on-prediction-errors --out results/conversations >"$VAR/log/rasa-test.log" 2>&1 \
  || { tail -n 40 "$VAR/log/rasa-test.log"; cat results/conversations/failed_test_stories.yml 2>/dev/null | head -80; die "testgesprekken gefaald; zie var/log/rasa-test.log"; }

step "NLU-kruisvalidatie (5 folds)"
"$PY" scripts/nlu_crossval.py

step "End-to-end- en browsertests (echte servers)"
"$PY" -m pytest -q -m "e2e or browser" -p no:cacheprovider

step "Gespreksfuzzer (300 gesprekken van korte antwoorden, vaste seed, echte servers)"
"$PY" scripts/fuzz_conversations.py --seed 20261201 --conversations 300 \
  || die "de fuzzer vond gesprekken die breken; zie results/fuzz.md"

step "Alle tests geslaagd"
