# Shared shell helpers for scripts/setup.sh, run.sh and test.sh. Source, don't run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
VAR="$ROOT/var"
mkdir -p "$VAR/log"
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONDONTWRITEBYTECODE=1 SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_TELEMETRY_ENABLED=false

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mFout: %s\033[0m\n' "$*" >&2; exit 1; }

hash_of() {  # content hash of the given files/directories (sorted, stable)
  (cd "$ROOT" && find "$@" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 2>/dev/null \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

find_python310() {
  local candidates=() c
  [ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
  candidates+=(python3.10)
  if command -v pyenv >/dev/null 2>&1; then
    c="$(pyenv root 2>/dev/null)/versions"
    for v in "$c"/3.10*/bin/python3.10; do [ -x "$v" ] && candidates+=("$v"); done
  fi
  for v in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -x "$v" ] && candidates+=("$v")
  done
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  return 1
}
