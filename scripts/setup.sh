#!/usr/bin/env bash
# Sets up everything the product needs on this machine: Python 3.10 venv with the
# pinned dependencies, the web page's npm assets, and a trained model (only when
# training data, domain or config changed). Safe to run again: it skips what is done.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

if [ ! -x "$PY" ] || ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  step "Python 3.10 zoeken"
  PY310="$(find_python310)" || die "Python 3.10 is nodig (Rasa 3.6 werkt alleen met Python 3.8-3.10) en niet gevonden.
  Installeer het, bijvoorbeeld met pyenv:  pyenv install 3.10.13
  of op Debian/Ubuntu:  sudo apt install python3.10 python3.10-venv
  of wijs het aan:  PYTHON310=/pad/naar/python3.10 make run"
  rm -rf "$VENV"
  step "Virtuele omgeving maken in .venv ($("$PY310" --version))"
  "$PY310" -m venv "$VENV"
fi

deps_hash="$(hash_of pyproject.toml requirements.lock)"
if [ "$(cat "$VENV/.deps-hash" 2>/dev/null)" != "$deps_hash" ]; then
  step "Pakketten installeren (eerste keer ongeveer 2 minuten, 2.7 GB)"
  "$PY" -m pip install --quiet --upgrade "pip<25" wheel >"$VAR/log/pip.log" 2>&1 \
    || die "pip kon niet bijgewerkt worden; zie var/log/pip.log"
  "$PY" -m pip install --quiet -c requirements.lock -e ".[dev]" >>"$VAR/log/pip.log" 2>&1 \
    || die "installatie mislukt; zie var/log/pip.log"
  echo "$deps_hash" >"$VENV/.deps-hash"
fi

if [ -f package.json ]; then
  npm_hash="$(hash_of package.json package-lock.json)"
  if [ "$(cat "$VAR/.npm-hash" 2>/dev/null)" != "$npm_hash" ] || [ ! -d node_modules ]; then
    command -v npm >/dev/null 2>&1 || die "npm (Node.js) is nodig voor de chatpagina: sudo apt install nodejs npm"
    step "Webpagina-bestanden installeren (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >"$VAR/log/npm.log" 2>&1 || die "npm ci mislukt; zie var/log/npm.log"
    echo "$npm_hash" >"$VAR/.npm-hash"
  fi
  if [ -f scripts/copy_vendor.py ]; then "$PY" scripts/copy_vendor.py >/dev/null; fi
fi

"$ROOT/scripts/train.sh"
