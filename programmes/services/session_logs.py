"""Session logs. In a safe-space cohort a log records group-level themes and climate only."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.notifications.inbox import STAFF_ROLES, notification_create_after_commit
from cocora.notifications.models import NotificationKind
from cocora.organisations.models import Membership, Organisation, Role

from ..models import Activity, Session, SessionLog, SessionLogActivity


@transaction.atomic
def session_log_save(
    *,
    organisation: Organisation,
    session: Session,
    author: Any,
    summary: str,
    themes: str = "",
    group_climate: int | None = None,
    follow_ups: str = "",
    confidential_note: str = "",
    activity_ids: Iterable[int] = (),
) -> SessionLog:
    if session.organisation_id != organisation.pk:
        raise ApplicationError(_("This session belongs to another organisation."))
    if session.cohort.safe_space and confidential_note.strip():
        raise ApplicationError(
            _("This is a safe-space cohort: its logs hold group-level notes only."),
            field="confidential_note",
        )
    if group_climate is not None and not 1 <= group_climate <= 5:
        raise ApplicationError(_("Rate the group climate from 1 to 5."), field="group_climate")
    wanted = {int(pk) for pk in activity_ids}
    valid = set(
        Activity.objects.for_org(organisation)
        .filter(pk__in=wanted, module__programme_id=session.cohort.programme_id)
        .values_list("pk", flat=True)
    )
    if wanted - valid:
        raise ApplicationError(
            _("Choose activities of this cohort's programme."), field="activities"
        )
    if not (
        summary.strip()
        or themes.strip()
        or group_climate is not None
        or follow_ups.strip()
        or confidential_note.strip()
    ):
        # An empty log would read as "written" on the session and in reports. Activities alone
        # do not make a log: the page ticks the session's module for the trainer.
        raise ApplicationError(
            _(
                "This log is empty: write what happened, the themes, the group climate or a "
                "note before saving."
            )
        )
    log, created = SessionLog.objects.for_org(organisation).get_or_create(
        organisation=organisation, session=session, defaults={"author": author}
    )
    # Authorship is never handed on. When the author's account is deleted the log keeps no
    # author (a "former member"); giving it to the next writer let them overwrite a note they
    # had never read, with the empty note of their form.
    note = confidential_note.strip()
    if note and log.author_id != getattr(author, "pk", None):
        # Only the author writes the note. The coordinator, who reads it, may send it back
        # unchanged; anyone else is refused whatever they send, so that the answer never tells
        # them whether a guess matched the note.
        log.session = session
        role = (
            Membership.objects.for_org(organisation)
            .filter(user_id=getattr(author, "pk", None))
            .values_list("role", flat=True)
            .first()
        )
        visible = role is not None and session_log_note_visible(log=log, user=author, role=role)
        if not visible or note != log.confidential_note:
            raise ApplicationError(
                _("Only the author of this log can write its confidential note."),
                field="confidential_note",
            )
    log.summary = summary.strip()
    log.themes = themes.strip()
    log.group_climate = group_climate
    log.follow_ups = follow_ups.strip()
    # Only the author may change the confidential note; a coordinator editing the log keeps it.
    # In a safe-space cohort the form has no note: a note from before stays as it was.
    note_before = log.confidential_note
    if log.author_id == getattr(author, "pk", None) and not session.cohort.safe_space:
        log.confidential_note = confidential_note.strip()
    log.save()
    SessionLogActivity.objects.for_org(organisation).filter(log=log).exclude(
        activity_id__in=valid
    ).delete()
    have = set(
        SessionLogActivity.objects.for_org(organisation)
        .filter(log=log)
        .values_list("activity_id", flat=True)
    )
    SessionLogActivity.objects.bulk_create(
        [
            SessionLogActivity(organisation=organisation, log=log, activity_id=pk)
            for pk in sorted(valid - have)
        ]
    )
    audit_record(
        organisation=organisation,
        actor=author,
        action="session_log.created" if created else "session_log.updated",
        target=log,
    )
    if log.confidential_note and log.confidential_note != note_before:
        _notify_note(organisation=organisation, session=session, author=author)
    return log


def _notify_note(*, organisation: Organisation, session: Session, author: Any) -> None:
    """Tells the cohort's coordinator (the note's one other reader) that a note waits for them.
    The notification says only that a note exists: its link leads to the log, whose page
    checks again who may read the note."""
    if session.cohort.coordinator_id is None:
        return
    notification_create_after_commit(
        organisation=organisation,
        kind=NotificationKind.CONFIDENTIAL_NOTE,
        recipient_ids=[session.cohort.coordinator_id],
        within_roles=STAFF_ROLES,
        exclude_ids=[getattr(author, "pk", None)],
        context={
            "cohort": session.cohort.name,
            "day": timezone.localtime(session.starts_at).date().isoformat(),
        },
        link=reverse(
            "session_log", kwargs={"org_slug": organisation.slug, "session_id": session.pk}
        ),
    )


def session_log_note_visible(*, log: SessionLog, user: Any, role: str) -> bool:
    """The confidential note is for its author and the cohort's coordinator only, and for the
    coordinator only while they hold a coordinating role (someone moved to another role keeps
    no access through the cohort's old coordinator field)."""
    if user.pk is None:
        return False
    if user.pk == log.author_id:
        return True
    return user.pk == log.session.cohort.coordinator_id and role in (
        Role.ADMIN,
        Role.COORDINATOR,
    )


def session_log_note_read(
    *, organisation: Organisation, log: SessionLog, user: Any, role: str
) -> str | None:
    """The log's confidential note for someone allowed to read it, None for anyone else.
    Reading a note that says something leaves an audit line."""
    if not session_log_note_visible(log=log, user=user, role=role):
        return None
    if log.confidential_note:
        audit_record(
            organisation=organisation,
            actor=user,
            action="session_log.note_viewed",
            target=log,
        )
    return log.confidential_note
