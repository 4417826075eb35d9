"""Withdrawing consent: the one function that the chat and the operator's CLI both call.

``withdraw_consent`` takes the handoffs back (``withdraw``: deleted here, and every
coach that may have one is asked to delete theirs) and deletes the conversation
from Rasa's tracker store (``bot.privacy``). In the chat the deletion is only
requested: the handoff worker carries it out once the current turn is saved. The
CLI runs outside any chat turn and also deletes the conversation's events at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot import privacy
from bot.handoff.outbox import HandoffOutbox
from bot.handoff.profile import normalize_reference


@dataclass(frozen=True)
class WithdrawResult:
    """What a withdrawal did; ``references`` are the handoffs that were wiped."""

    references: list[str]
    notices_queued: int
    events_deleted: int = 0  # conversation events deleted from the tracker store at once

    @property
    def found(self) -> bool:
        return bool(self.references)


def withdraw(
    reference_or_conversation_id: str, outbox: HandoffOutbox | None = None
) -> WithdrawResult:
    """Take handoffs back: delete them and queue a "please delete" notice to the coaches.

    Accepts a reference code (in any spelling a person types it) or a
    conversation id. Pending deliveries are cancelled; targets that may have
    received the profile get a ``handoff.withdrawn`` notice carrying the
    reference only. The conversation itself is ``withdraw_consent``'s part.
    """
    outbox = outbox or HandoffOutbox()
    key = reference_or_conversation_id.strip()
    reference = normalize_reference(key)
    if outbox.get(reference) is not None:
        notices = outbox.withdraw(reference)
        return WithdrawResult([reference], notices)
    references = outbox.references_for_conversation(key)
    total = 0
    for ref in references:
        total += outbox.withdraw(ref)
    return WithdrawResult(references, total)


def withdraw_consent(
    reference_or_conversation_id: str,
    conversation_id: str | None = None,
    *,
    outbox: HandoffOutbox | None = None,
    delete_now: bool = False,
    tracker_url: str | None = None,
) -> WithdrawResult:
    """Withdraw everything: the handoffs (``withdraw``) and the conversation.

    The conversation is ``conversation_id`` when given (the chat knows its own),
    else the one of the handoff with this reference, else the argument itself
    taken as a conversation id. Its deletion from the tracker store is requested
    (the worker carries it out after the running turn is saved); ``delete_now``
    also deletes its events at once, for callers outside a chat turn (the CLI).
    The request stays, so events a turn still in flight writes back go as well.
    """
    outbox = outbox or HandoffOutbox()
    if conversation_id is None:
        key = reference_or_conversation_id.strip()
        conversation_id = outbox.conversation_of(normalize_reference(key)) or key
    result = withdraw(reference_or_conversation_id, outbox)
    privacy.request_deletion(conversation_id, outbox.engine)
    if delete_now:
        deleted = privacy.delete_conversation(conversation_id, tracker_url)
        result = dataclasses.replace(result, events_deleted=deleted)
    return result
