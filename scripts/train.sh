#!/usr/bin/env bash
# Trains the Rasa model only when training data, domain or config changed since the
# last model (keyed by a content hash); the model lives in models/ and is never committed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
if [ -n "${LEERPUNT_DOMAIN_CHECK_ONLY:-}" ]; then
  # make test: a domain.yml out of step with the questions is an error, not something to fix quietly
  "$PY" -m bot domain check || die "domain.yml loopt achter op de vragen; draai: python -m bot domain sync"
else
  "$PY" -m bot domain sync --quiet
fi
# The blind writers' intent examples (data/intents_blind/, other people's words) train the
# model too, as Rasa NLU in var/nlu/ (made from them, never edited by hand).
"$PY" -m bot understanding intents "$VAR/nlu/blind.yml" || die "var/nlu/blind.yml maken mislukt"
model_hash="$(hash_of data/nlu data/intents_blind data/rules domain.yml config.yml components \
  bot/understanding/encoder.py bot/understanding/classifiers.py bot/understanding/corpus.py bot/language.py)"
model="models/leerpunt-$model_hash.tar.gz"
if [ -f "$model" ]; then
  step "Model is actueel ($model), niet opnieuw getraind"
else
  step "Model trainen (ongeveer een tot twee minuten; log: var/log/train.log)"
  rm -f models/current.tar.gz; find models -name 'leerpunt-*.tar.gz' -delete 2>/dev/null || true
  "$VENV/bin/rasa" train --data data/nlu "$VAR/nlu" data/rules --domain domain.yml --config config.yml --out models \
    --fixed-model-name "leerpunt-$model_hash" >"$VAR/log/train.log" 2>&1 \
    || die "trainen mislukt; zie var/log/train.log"
fi
ln -sf "leerpunt-$model_hash.tar.gz" models/current.tar.gz
# The theme and answer classifiers (keyed by their own content hash; seconds to train).
"$PY" -m bot understanding train || die "classifiers trainen mislukt"
