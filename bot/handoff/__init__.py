"""Handoff to a regional coach: consent, the profile, a durable outbox and its delivery.

Typical use from a chat action, after the entrepreneur said yes::

    from bot.handoff import HandoffOutbox, Target, build_profile, consent_record

    profile = build_profile(region=..., contact=..., consent=consent_record(...), ...)
    reference = HandoffOutbox().enqueue(profile, [Target.email("coach@example.org")],
                                        conversation_id=sender_id)

See docs/handoff.md.
"""

from bot.handoff.consent import CONSENT_TEXT_VERSION, consent_record, consent_text, has_consent
from bot.handoff.outbox import ConsentMissing, HandoffOutbox, Target, targets_from_region
from bot.handoff.profile import ProfileError, build_profile, validate_profile
from bot.handoff.withdrawal import withdraw, withdraw_consent

__all__ = [
    "CONSENT_TEXT_VERSION",
    "ConsentMissing",
    "HandoffOutbox",
    "ProfileError",
    "Target",
    "build_profile",
    "consent_record",
    "consent_text",
    "has_consent",
    "validate_profile",
    "targets_from_region",
    "withdraw",
    "withdraw_consent",
]
