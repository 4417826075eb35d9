"""Webhook delivery: signed JSON POSTs to a region's receiver.

The one HTTP client setup of the handoff (``make_session``). Each request
carries ``X-Leerpunt-Signature: sha256=<hex HMAC-SHA256 of the raw body>``
with the secret from the env var named in the region file,
``Idempotency-Key`` and ``X-Leerpunt-Timestamp``. 2xx means delivered; a 4xx
other than 408/429 is permanent; everything else is retried by the worker.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import requests

from bot import settings

USER_AGENT = "leerpunt-handoff/1"
DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
SIGNATURE_HEADER = "X-Leerpunt-Signature"
TIMESTAMP_HEADER = "X-Leerpunt-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
RETRYABLE_4XX = frozenset({408, 429})


@dataclass(frozen=True)
class Outcome:
    """Result of one delivery attempt; ``error`` is short and free of personal data."""

    ok: bool
    permanent: bool = False
    error: str | None = None


class MissingSecret(RuntimeError):
    """The env var named in the region file for a webhook secret is not set."""


def make_session() -> requests.Session:
    """The HTTP client for every webhook: no automatic retries (the outbox retries)."""
    session = requests.Session()
    session.headers.update({"User-Agent": USER_AGENT, "Content-Type": "application/json"})
    session.trust_env = False  # a proxy from the environment must not see coach data by accident
    return session


def sign(body: bytes, secret: str) -> str:
    """Signature header value for ``body``: ``sha256=<hex>``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(body: bytes, secret: str, header: str | None) -> bool:
    """True when ``header`` is the signature of ``body`` under ``secret`` (constant time)."""
    if not header:
        return False
    return hmac.compare_digest(sign(body, secret), header.strip())


def secret_from_env(name: str) -> str:
    """Read a webhook secret; raise MissingSecret naming the variable (never the value)."""
    value = settings.secret(name)
    if not value:
        raise MissingSecret(f"webhook secret env var {name} is not set")
    return value


def encode_body(envelope: dict) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def post_event(
    session: requests.Session,
    url: str,
    envelope: dict,
    secret: str,
    idempotency_key: str,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
) -> Outcome:
    """POST one signed event; classify the answer (never raises for network trouble)."""
    body = encode_body(envelope)
    headers = {
        SIGNATURE_HEADER: sign(body, secret),
        IDEMPOTENCY_HEADER: idempotency_key,
        TIMESTAMP_HEADER: str(int(time.time())),
    }
    try:
        response = session.post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.Timeout:
        return Outcome(False, error=f"webhook timeout after {timeout}s")
    except requests.ConnectionError:
        return Outcome(False, error="webhook connection failed")
    except requests.RequestException as exc:
        return Outcome(False, error=f"webhook request error ({type(exc).__name__})")
    status = response.status_code
    response.close()
    if 200 <= status < 300:
        return Outcome(True)
    permanent = 400 <= status < 500 and status not in RETRYABLE_4XX
    return Outcome(False, permanent=permanent, error=f"webhook answered HTTP {status}")
