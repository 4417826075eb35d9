#!/usr/bin/env bash
# Sets everything up, then starts the product on this machine: action server, Rasa
# server, chat page, handoff worker and a local mail sink. Ctrl-C stops all of them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"

RASA_PORT="${RASA_PORT:-5005}" ACTIONS_PORT="${ACTIONS_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8080}" MAIL_PORT="${MAIL_PORT:-8025}"
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  [ -s "$VAR/auth_token" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$VAR/auth_token"
  chmod 600 "$VAR/auth_token"
  RASA_AUTH_TOKEN="$(cat "$VAR/auth_token")"
fi
export RASA_AUTH_TOKEN
if [ -z "${LEERPUNT_CONTACT_HASH_KEY:-}" ]; then  # the handoff limit counts addresses under this key
  [ -s "$VAR/contact_hash_key" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$VAR/contact_hash_key"
  chmod 600 "$VAR/contact_hash_key"
  LEERPUNT_CONTACT_HASH_KEY="$(cat "$VAR/contact_hash_key")"
fi
export LEERPUNT_CONTACT_HASH_KEY
# Only the chat page and the region sites may call the Rasa server from a browser (CORS).
export LEERPUNT_ALLOWED_ORIGINS="${LEERPUNT_ALLOWED_ORIGINS:-http://localhost:$WEB_PORT,http://127.0.0.1:$WEB_PORT}"
origins="$("$PY" -m bot origins)" || die "LEERPUNT_ALLOWED_ORIGINS klopt niet (zie hierboven)"
mapfile -t CORS_ORIGINS <<<"$origins"
export LEERPUNT_SMTP_HOST="${LEERPUNT_SMTP_HOST:-127.0.0.1}" LEERPUNT_SMTP_PORT="${LEERPUNT_SMTP_PORT:-$MAIL_PORT}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}"
"$PY" -m bot regions check >/dev/null || { "$PY" -m bot regions check; die "een regiobestand klopt niet (zie hierboven)"; }

pids=()
cleanup() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] || return 0
  step "Stoppen"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "    alle processen gestopt"
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

start() {  # start NAME CMD... : run in background, log to var/log/NAME.log
  local name="$1"; shift
  "$@" >"$VAR/log/$name.log" 2>&1 &
  pids+=("$!")
  printf '    %-14s pid %s, log var/log/%s.log\n' "$name" "$!" "$name"
}

wait_http() {  # wait_http NAME URL SECONDS
  local i
  for ((i = 0; i < $3 * 2; i++)); do
    if curl -fsS -o /dev/null "$2" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  die "$1 startte niet binnen $3 s; zie var/log/$1.log"
}

step "Starten"
start mail "$PY" -m bot.devmail --port "$MAIL_PORT"
start actions "$VENV/bin/rasa" run actions --port "$ACTIONS_PORT" --actions actions
start rasa "$VENV/bin/rasa" run --model models/current.tar.gz --port "$RASA_PORT" \
  --enable-api --auth-token "$RASA_AUTH_TOKEN" --cors "${CORS_ORIGINS[@]}" \
  --endpoints endpoints.yml --credentials credentials.yml
start web "$PY" -m bot.web --port "$WEB_PORT" --rasa-url "http://localhost:$RASA_PORT"
start worker "$PY" -m bot handoff worker
wait_http actions "http://127.0.0.1:$ACTIONS_PORT/health" 120
wait_http web "http://127.0.0.1:$WEB_PORT/healthz" 60
wait_http rasa "http://127.0.0.1:$RASA_PORT/status?token=$RASA_AUTH_TOKEN" 180

cat <<TXT

  Klaar. Open de chat:  http://localhost:$WEB_PORT/chat
  Rasa-server: http://localhost:$RASA_PORT (token in var/auth_token), actieserver: $ACTIONS_PORT,
  e-mails aan coaches komen lokaal binnen in var/mail/. Stoppen: Ctrl-C.

TXT
wait -n "${pids[@]}" || true
die "een proces is onverwacht gestopt; kijk in var/log/"
