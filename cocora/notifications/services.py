"""Writes of the delivery log: planning reminders, claiming them, sending them in batches, and
unsubscribing.

Exactly once. Every intended email becomes a `Delivery` row whose key is unique per (rule,
object, occasion, recipient), inserted with ON CONFLICT DO NOTHING, so planning twice (two beat
processes, a retried task) adds nothing. Before sending, a batch CLAIMS its rows in a committed
transaction: only rows that are queued, or claimed longer ago than the claim timeout (a worker
died), can be claimed, and on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED` keeps two workers off
the same rows. Each message is marked sent in its own transaction right after the SMTP server
accepted it. The one window left: a worker killed after the server accepted a message and before
that mark commits causes one duplicate when the claim times out (documented in
docs/notifications.md).
"""

import logging
import smtplib
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.emails import email_bodies
from cocora.core.errors import ApplicationError
from cocora.organisations.context import current_db_context, restore_db_context, set_db_context
from cocora.organisations.models import Organisation
from cocora.organisations.page_cache import set_working_organisation

from .models import Delivery, DeliveryStatus, FailingAddress, Unsubscribe
from .registry import Intended, Rule, rule_get, rules

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "cocora.notifications.unsubscribe"
ADDRESS_SALT = "cocora.notifications.address"
# A delivery claimed this many times without being marked sent is given up (a message that
# kills its worker every time must not loop forever).
MAX_ATTEMPTS = 5


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT)


def chunk_size() -> int:
    return int(settings.NOTIFICATIONS_CHUNK_SIZE)


def address_hash(email: str) -> str:
    """A keyed hash of an address: lets us find unsubscribes and failing addresses without
    storing or filtering on the address itself (it is encrypted at rest)."""
    return salted_hmac(ADDRESS_SALT, email.strip().lower(), algorithm="sha256").hexdigest()


def idempotency_key(*, organisation_id: int, rule: str, intended: Intended) -> str:
    """The identity of one reminder: the same rule, object, occasion and recipient always give
    the same key, whatever the run, process or machine."""
    if intended.user_id is not None:
        recipient = f"user:{intended.user_id}"
    elif intended.participant_id is not None:
        recipient = f"participant:{intended.participant_id}"
    else:
        recipient = f"address:{address_hash(intended.email)}"
    raw = "|".join(
        [
            str(organisation_id),
            rule,
            intended.object_type,
            str(intended.object_id),
            intended.occasion,
            intended.recipient_kind,
            recipient,
        ]
    )
    return sha256(raw.encode()).hexdigest()


# Planning ---------------------------------------------------------------------------------


def deliveries_plan(
    *, organisation: Organisation, now: datetime | None = None, rule_names: Sequence[str] = ()
) -> int:
    """Asks each rule what is due and records one Delivery per intended email; a reminder
    planned before is left as it is (ON CONFLICT DO NOTHING on the unique key). Runs in the
    caller's organisation context. Returns how many emails the rules intended."""
    now = now or timezone.now()
    selected = [rules[name] for name in rule_names] if rule_names else list(rules.values())
    rows: list[Delivery] = []
    for rule in selected:
        for intended in rule.plan(organisation=organisation, now=now):
            if not intended.email:
                continue
            rows.append(_delivery_row(organisation=organisation, rule=rule, intended=intended))
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def deliveries_enqueue(
    *, organisation: Organisation, rule_name: str, intended: Sequence[Intended]
) -> int:
    """Records emails a person asked to send now (not planned by a rule's schedule) and
    enqueues their sending after commit. The same intended email twice is one delivery (the
    unique key), so a form sent twice sends nothing new. Returns how many were new."""
    rule = rules[rule_name]
    rows = [
        _delivery_row(organisation=organisation, rule=rule, intended=item)
        for item in intended
        if item.email
    ]
    keys = [row.idempotency_key for row in rows]
    known = set(
        Delivery.objects.for_org(organisation)
        .filter(idempotency_key__in=keys)
        .values_list("idempotency_key", flat=True)
    )
    Delivery.objects.bulk_create(
        [row for row in rows if row.idempotency_key not in known], ignore_conflicts=True
    )
    deliveries_dispatch(organisation=organisation)
    return len(rows) - len(known)


def _delivery_row(*, organisation: Organisation, rule: Rule, intended: Intended) -> Delivery:
    return Delivery(
        organisation=organisation,
        rule=rule.name,
        kind=rule.kind,
        object_type=intended.object_type,
        object_id=str(intended.object_id),
        occasion=intended.occasion,
        recipient_kind=intended.recipient_kind,
        recipient_user_id=intended.user_id,
        recipient_participant_id=intended.participant_id,
        recipient_email=intended.email.strip(),
        address_hash=address_hash(intended.email),
        language=intended.language or organisation.language,
        context=dict(intended.context),
        idempotency_key=idempotency_key(
            organisation_id=organisation.pk, rule=rule.name, intended=intended
        ),
    )


def _claimable(now: datetime) -> Q:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stale = Q(status=DeliveryStatus.CLAIMED, claimed_at__lt=now - claim_timeout())
    return (Q(status=DeliveryStatus.QUEUED) & due) | stale


def deliveries_due_ids(*, organisation_id: int, now: datetime | None = None) -> list[int]:
    """Ids of the deliveries that a batch may claim now: queued and due, or claimed by a
    worker that did not finish within the claim timeout. Runs in the caller's context."""
    now = now or timezone.now()
    return list(
        Delivery.objects.for_org(organisation_id)
        .filter(_claimable(now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def deliveries_dispatch(*, organisation: Organisation, now: datetime | None = None) -> int:
    """Enqueues a send task per chunk of due deliveries, after commit. Also the recovery sweep:
    deliveries left claimed by a dead worker are due again after the claim timeout. Enqueuing
    the same ids twice is harmless: a batch only sends what it could claim."""
    from .tasks import send_deliveries

    ids = deliveries_due_ids(organisation_id=organisation.pk, now=now)
    size = chunk_size()
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    for chunk in chunks:
        transaction.on_commit(
            lambda chunk=chunk: send_deliveries.delay(organisation.pk, chunk)  # type: ignore[misc]
        )
    return len(chunks)


# Claiming and sending ---------------------------------------------------------------------


@contextmanager
def _org_transaction(organisation_id: int) -> Iterator[None]:
    """One short transaction in the organisation. Claiming and each 'sent' mark must commit on
    their own, so the send batch does not run inside one org_context transaction."""
    nested = db_connection.in_atomic_block
    with transaction.atomic():
        # Outside a transaction (a worker) the setting ends with this one: nothing to restore,
        # two round trips saved per message.
        previous = current_db_context() if nested else ("", "")
        set_db_context(organisation_id=organisation_id, user_id=None)
        try:
            yield
        except BaseException:
            if nested:  # rolled back: only the connection's note of its organisation is left
                set_working_organisation(db_connection, previous[0] or None)
            raise
        if nested:
            restore_db_context(previous)


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    released: int = 0
    retry_in: int | None = None  # seconds, when an SMTP error asks for a later try
    sent_ids: list[int] = field(default_factory=list)


def delivery_claim(
    *, organisation_id: int, delivery_ids: Sequence[int], now: datetime | None = None
) -> tuple[uuid.UUID, list[Delivery], BatchResult]:
    """Claims the given deliveries that are claimable, in a transaction of its own, and skips
    those that must not go out any more (unsubscribed, failing address, consent withdrawn,
    session cancelled or moved: asked of the rule again now, not only when planning)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    result = BatchResult()
    with _org_transaction(organisation_id):
        candidates = (
            Delivery.objects.for_org(organisation_id)
            .filter(pk__in=list(delivery_ids))
            .filter(_claimable(now))
        )
        if db_connection.features.has_select_for_update_skip_locked:
            # Rows another worker is claiming right now are skipped, not waited for.
            candidates = candidates.select_for_update(skip_locked=True)
        picked = list(candidates.values_list("pk", flat=True))
        # The condition is repeated in the UPDATE: where row locks are not available (SQLite
        # serialises writers instead), a row claimed meanwhile is not claimed twice.
        Delivery.objects.for_org(organisation_id).filter(pk__in=picked).filter(
            _claimable(now)
        ).update(
            status=DeliveryStatus.CLAIMED,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        claimed = list(
            Delivery.objects.for_org(organisation_id).filter(claim_token=token).order_by("pk")
        )
        result.claimed = len(claimed)
        keep = _still_to_send(organisation_id=organisation_id, deliveries=claimed, now=now)
        for reason, ids in keep.skipped.items():
            result.skipped += _finish(
                organisation_id, ids, token, status=DeliveryStatus.SKIPPED, last_error=reason
            )
        if keep.gave_up:
            result.failed += _finish(
                organisation_id,
                keep.gave_up,
                token,
                status=DeliveryStatus.FAILED,
                last_error=_("Given up after %(n)s attempts.") % {"n": MAX_ATTEMPTS},
            )
    return token, keep.send, result


@dataclass
class _Sorted:
    send: list[Delivery] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)
    gave_up: list[int] = field(default_factory=list)


def _still_to_send(*, organisation_id: int, deliveries: list[Delivery], now: datetime) -> _Sorted:
    """Two queries for the opt-outs, plus the rules' own checks (one or two queries per rule)."""
    sorted_ = _Sorted()
    if not deliveries:
        return sorted_
    hashes = {d.address_hash for d in deliveries}
    unsubscribed = set(
        Unsubscribe.objects.for_org(organisation_id)
        .filter(address_hash__in=hashes)
        .values_list("address_hash", "kind")
    )
    failing = set(
        FailingAddress.objects.for_org(organisation_id)
        .filter(address_hash__in=hashes)
        .values_list("address_hash", flat=True)
    )
    organisation = Organisation.objects.get(pk=organisation_id)
    wanted: set[int] = set()
    by_rule: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        by_rule.setdefault(delivery.rule, []).append(delivery)
    for name, group in by_rule.items():
        rule = rule_get(name)
        if rule is None:
            continue
        if rule.still_wanted is None:
            wanted.update(d.pk for d in group)
        else:
            with timezone.override(organisation.time_zone):
                wanted |= rule.still_wanted(organisation=organisation, deliveries=group, now=now)

    def skip(reason: str, delivery: Delivery) -> None:
        sorted_.skipped.setdefault(reason, []).append(delivery.pk)

    for delivery in deliveries:
        if delivery.attempts > MAX_ATTEMPTS:
            sorted_.gave_up.append(delivery.pk)
        elif (delivery.address_hash, delivery.kind) in unsubscribed:
            skip(_("The person unsubscribed from these reminders."), delivery)
        elif delivery.address_hash in failing:
            skip(_("The mail server refused this address before."), delivery)
        elif rule_get(delivery.rule) is None:
            skip(_("This kind of reminder is not sent any more."), delivery)
        elif delivery.pk not in wanted:
            skip(_("No longer due (consent, role or date changed)."), delivery)
        else:
            sorted_.send.append(delivery)
    return sorted_


def _finish(organisation_id: int, ids: Sequence[int], token: uuid.UUID, **values: Any) -> int:
    """Sets the outcome of claimed deliveries; only while this batch still holds the claim."""
    return (
        Delivery.objects.for_org(organisation_id)
        .filter(pk__in=list(ids), claim_token=token, status=DeliveryStatus.CLAIMED)
        .update(**values)
    )


def delivery_send_batch(
    *, organisation_id: int, delivery_ids: Sequence[int], now: datetime | None = None
) -> BatchResult:
    """Claims the deliveries, then sends them over ONE SMTP connection, marking each sent right
    after the server accepted it (each mark commits on its own). A permanent refusal marks the
    address as failing; a temporary error puts the rest back with a backoff."""
    token, to_send, result = delivery_claim(
        organisation_id=organisation_id, delivery_ids=delivery_ids, now=now
    )
    if not to_send:
        return result
    organisation = Organisation.objects.get(pk=organisation_id)
    mail = get_connection(fail_silently=False)
    opened = False
    deadline = timezone.now() + claim_timeout() * 0.8
    try:
        with timezone.override(organisation.time_zone):
            for position, delivery in enumerate(to_send):
                if timezone.now() > deadline:
                    # Our claim is about to time out: stop, so that nobody sends these twice.
                    result.released += _release(
                        organisation_id, to_send[position:], token, delay=0, error=""
                    )
                    break
                try:
                    message = delivery_message(organisation=organisation, delivery=delivery)
                except Exception as error:
                    logger.exception("notifications: could not compose delivery %s", delivery.pk)
                    with _org_transaction(organisation_id):
                        result.failed += _finish(
                            organisation_id,
                            [delivery.pk],
                            token,
                            status=DeliveryStatus.FAILED,
                            last_error=f"compose: {error}"[:300],
                        )
                    continue
                try:
                    if not opened:
                        mail.open()
                        opened = True
                    message.connection = mail
                    mail.send_messages([message])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                    if _smtp_code(error) >= 500:
                        _mark_failing(organisation_id, delivery, token, error)
                        result.failed += 1
                        continue
                    delay = _backoff(delivery.attempts)
                    result.released += _release(
                        organisation_id, to_send[position:], token, delay=delay, error=str(error)
                    )
                    result.retry_in = delay
                    break
                except (smtplib.SMTPException, OSError) as error:
                    delay = _backoff(delivery.attempts)
                    result.released += _release(
                        organisation_id, to_send[position:], token, delay=delay, error=str(error)
                    )
                    result.retry_in = delay
                    break
                # Right after the server accepted it, in its own transaction: the smallest
                # window in which a killed worker could cause a duplicate.
                with _org_transaction(organisation_id):
                    marked = _finish(
                        organisation_id,
                        [delivery.pk],
                        token,
                        status=DeliveryStatus.SENT,
                        sent_at=timezone.now(),
                        last_error="",
                    )
                result.sent += marked
                result.sent_ids.append(delivery.pk)
    finally:
        if opened:
            with suppress(Exception):
                mail.close()
    return result


def deliveries_send_now(*, organisation: Organisation, now: datetime | None = None) -> BatchResult:
    """Plans what the rules say is due at `now` and sends it in this process through the
    configured email backend, chunk by chunk, without Celery: how reminders are seen on a
    machine without workers. The same delivery rows as the tasks, so a second run (or a worker
    running meanwhile) sends nothing twice."""
    now = now or timezone.now()
    with _org_transaction(organisation.pk):
        deliveries_plan(organisation=organisation, now=now)
        ids = deliveries_due_ids(organisation_id=organisation.pk, now=now)
    total = BatchResult()
    size = chunk_size()
    for start in range(0, len(ids), size):
        result = delivery_send_batch(
            organisation_id=organisation.pk, delivery_ids=ids[start : start + size], now=now
        )
        total.claimed += result.claimed
        total.sent += result.sent
        total.skipped += result.skipped
        total.failed += result.failed
        total.released += result.released
        total.sent_ids += result.sent_ids
        total.retry_in = result.retry_in if result.retry_in is not None else total.retry_in
    return total


def _smtp_code(error: Exception) -> int:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return min(codes) if codes else 0
    return int(getattr(error, "smtp_code", 0) or 0)


def _backoff(attempts: int) -> int:
    """Seconds before the next try: 1, 2, 4, 8 minutes ... capped at an hour."""
    return int(min(60 * 2 ** max(attempts - 1, 0), 3600))


def _release(
    organisation_id: int,
    deliveries: Sequence[Delivery],
    token: uuid.UUID,
    *,
    delay: int,
    error: str,
) -> int:
    with _org_transaction(organisation_id):
        return _finish(
            organisation_id,
            [d.pk for d in deliveries],
            token,
            status=DeliveryStatus.QUEUED,
            claim_token=None,
            claimed_at=None,
            next_attempt_at=timezone.now() + timedelta(seconds=delay) if delay else None,
            last_error=error[:300],
        )


def _mark_failing(
    organisation_id: int, delivery: Delivery, token: uuid.UUID, error: Exception
) -> None:
    text = str(error)[:300]
    with _org_transaction(organisation_id):
        _finish(
            organisation_id, [delivery.pk], token, status=DeliveryStatus.FAILED, last_error=text
        )
        FailingAddress.objects.bulk_create(
            [
                FailingAddress(
                    organisation_id=organisation_id,
                    address_hash=delivery.address_hash,
                    email=delivery.recipient_email,
                    last_error=text,
                )
            ],
            ignore_conflicts=True,
        )
        FailingAddress.objects.for_org(organisation_id).filter(
            address_hash=delivery.address_hash
        ).update(failures=F("failures") + 1, last_error=text, last_failed_at=timezone.now())


# The message ------------------------------------------------------------------------------


def delivery_message(*, organisation: Organisation, delivery: Delivery) -> EmailMultiAlternatives:
    """The email of one delivery, text and HTML, in the recipient's language and the
    organisation's time zone, with the one-click unsubscribe headers (RFC 8058)."""
    rule = rule_get(delivery.rule)
    if rule is None:
        raise LookupError(f"no reminder rule {delivery.rule!r}")
    base = settings.COCORA_BASE_URL.rstrip("/")
    unsubscribe_url = base + reverse("unsubscribe", kwargs={"token": unsubscribe_token(delivery)})
    with translation.override(delivery.language or organisation.language):
        content = rule.compose(organisation=organisation, delivery=delivery)
        text, html = email_bodies(
            content=content,
            organisation_name=organisation.name,
            template="notifications/email/reminder",
            extra={"unsubscribe_url": unsubscribe_url, "kind_label": rule.label},
        )
    domain = urlsplit(base).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=text,
        to=[delivery.recipient_email],
        headers={
            # The same id for the same reminder, so that receivers can drop a duplicate too.
            "Message-ID": f"<{delivery.idempotency_key}@{domain}>",
            "X-Cocora-Delivery": delivery.idempotency_key,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# Unsubscribing ----------------------------------------------------------------------------


def unsubscribe_token(delivery: Delivery) -> str:
    return signing.dumps({"o": delivery.organisation_id, "d": delivery.pk}, salt=UNSUBSCRIBE_SALT)


@dataclass(frozen=True)
class UnsubscribeTarget:
    organisation: Organisation
    delivery: Delivery
    kind_label: Any
    done: bool  # unsubscribed already


def unsubscribe_lookup(*, token: str) -> UnsubscribeTarget:
    """Reads an unsubscribe link. Enters the delivery's organisation for the current
    transaction (the signature proves which one). A bad signature is logged; a valid link whose
    delivery is gone leaves an audit line in the organisation. Raises ApplicationError."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        organisation_id, delivery_id = int(data["o"]), int(data["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        logger.warning("notifications: unsubscribe link with an invalid signature refused")
        raise ApplicationError(
            _(
                "This unsubscribe link is not valid. Check that you opened the whole link from "
                "the email, or use the link in a newer email."
            )
        ) from None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    gone = ApplicationError(
        _(
            "This email is not in our records any more, so we cannot tell which reminders to "
            "stop. Use the link in a newer email, or ask the organisation to stop them."
        ),
        code="gone",
    )
    if organisation is None:
        logger.warning("notifications: unsubscribe link of a removed organisation refused")
        raise gone
    set_db_context(organisation_id=organisation_id, user_id=current_db_context()[1] or None)
    delivery = Delivery.objects.for_org(organisation).filter(pk=delivery_id).first()
    if delivery is None:
        audit_record(
            organisation=organisation,
            actor=None,
            action="notifications.unsubscribe_refused",
            details={"delivery_id": delivery_id, "reason": "delivery gone"},
        )
        raise gone
    rule = rule_get(delivery.rule)
    done = (
        Unsubscribe.objects.for_org(organisation)
        .filter(address_hash=delivery.address_hash, kind=delivery.kind)
        .exists()
    )
    return UnsubscribeTarget(
        organisation=organisation,
        delivery=delivery,
        kind_label=rule.label if rule else delivery.kind,
        done=done,
    )


def unsubscribe_confirm(*, token: str) -> UnsubscribeTarget:
    """Turns off this kind of reminder for this address in the organisation, at once: the
    queued ones are skipped now, and claiming checks again before anything is sent. Runs in
    the caller's transaction (the request's), which unsubscribe_lookup entered."""
    target = unsubscribe_lookup(token=token)
    delivery = target.delivery
    if target.done:
        return target
    Unsubscribe.objects.bulk_create(
        [
            Unsubscribe(
                organisation=target.organisation,
                address_hash=delivery.address_hash,
                kind=delivery.kind,
                recipient_kind=delivery.recipient_kind,
                user_id=delivery.recipient_user_id,
                participant_id=delivery.recipient_participant_id,
            )
        ],
        ignore_conflicts=True,
    )
    Delivery.objects.for_org(target.organisation).filter(
        address_hash=delivery.address_hash, kind=delivery.kind, status=DeliveryStatus.QUEUED
    ).update(status=DeliveryStatus.SKIPPED, last_error=_("The person unsubscribed."))
    audit_record(
        organisation=target.organisation,
        actor=None,
        action="notifications.unsubscribed",
        target=delivery,
        details={"kind": delivery.kind, "recipient_kind": delivery.recipient_kind},
    )
    return UnsubscribeTarget(
        organisation=target.organisation,
        delivery=delivery,
        kind_label=target.kind_label,
        done=True,
    )
