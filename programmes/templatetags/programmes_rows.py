"""The rows of the long lists (a session's attendance, the participant list, a cohort's people
and sessions), written in Python.

Why: with 300 people the template engine spent four fifths of these pages' time resolving
variables and tags inside the loops (some 13,000 lookups for the attendance page). The same
markup written here in one pass takes a fraction of that. Every value from the database is
escaped with `html.escape` (what Django's autoescape does); labels are translated once per
page, not once per row. The markup is the one the templates held, so styles, htmx and the
browser tests see the same page.
"""

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.simple_tag
def attendance_rows(
    rows: Iterable[Any],
    statuses: Sequence[tuple[str, Any]],
    *,
    can_record: bool,
    path: str,
) -> SafeString:
    """One fieldset per person with a radio button per attendance status; with htmx each
    change is posted on its own (the fieldset is the unit)."""
    choices = [(escape(str(value)), escape(str(label))) for value, label in statuses]
    disabled = "" if can_record else " disabled"
    post = escape(path)
    parts = []
    for line in rows:
        pk, status = line.enrolment_id, line.mark
        parts.append(
            '<li class="attendance-row py-2 border-bottom">'
            f'<fieldset hx-post="{post}" hx-trigger="change" hx-include="this" '
            'hx-target="find .save-state" hx-swap="innerHTML">'
            f'<legend class="fs-6 fw-semibold mb-1">{escape(line.display_name)} '
            '<span class="text-body-secondary small fw-normal">'
            f"{escape(line.code)}</span></legend>"
            '<div class="btn-group flex-wrap" role="group">'
        )
        for value, label in choices:
            checked = " checked" if status == value else ""
            parts.append(
                f'<input type="radio" class="btn-check" name="status_{pk}" id="s-{pk}-{value}" '
                f'value="{value}"{checked}{disabled}>'
                f'<label class="btn btn-outline-primary btn-attendance" for="s-{pk}-{value}">'
                f"{label}</label>"
            )
        parts.append(
            '</div><span class="save-state small ms-2" aria-live="polite"></span></fieldset></li>'
        )
    return mark_safe("".join(parts))  # every value above is escaped


@register.simple_tag
def participant_list_rows(
    rows: Iterable[Any], *, chosen: set[int], can_bulk: bool, list_url: str
) -> SafeString:
    """One table row per person: a checkbox for the bulk actions (when the viewer may use
    them), the name linking to the record, the code, cohorts with stages, the consent to take
    part and whether they may be contacted."""
    choose = escape(gettext("Choose"))
    name_label = escape(gettext("Name"))
    code_label = escape(gettext("Code"))
    cohorts_label = escape(gettext("Cohorts"))
    consent_label = escape(gettext("Consent to take part"))
    contact_label = escape(gettext("Contact"))
    complete = escape(gettext("complete"))
    missing = escape(gettext("missing"))
    yes, no = escape(gettext("yes")), escape(gettext("no"))
    base = escape(list_url)
    parts = []
    for row in rows:
        participant = row.participant
        pk = participant.pk
        name = escape(participant.display_name)
        code = escape(participant.code)
        parts.append("<tr>")
        if can_bulk:
            checked = " checked" if pk in chosen else ""
            parts.append(
                f'<td data-label="{choose}"><input class="form-check-input" type="checkbox" '
                f'name="participants" value="{pk}" id="pick-{pk}"{checked}>'
                f'<label class="visually-hidden" for="pick-{pk}">{choose}: {name} ({code})'
                "</label></td>"
            )
        consent = (
            complete
            if row.consent_complete
            else f'<span class="text-warning-emphasis">{missing}: '
            f"{escape(', '.join(str(m) for m in row.missing))}</span>"
        )
        parts.append(
            f'<td data-label="{name_label}"><a href="{base}{pk}/">{name}</a></td>'
            f'<td data-label="{code_label}">{code}</td>'
            f'<td data-label="{cohorts_label}">{escape(row.cohorts) or "—"}</td>'
            f'<td data-label="{consent_label}">{consent}</td>'
            f'<td data-label="{contact_label}">{yes if row.can_be_contacted else no}</td>'
            "</tr>"
        )
    return mark_safe("".join(parts))  # every value above is escaped


@register.simple_tag
def cohort_people_rows(
    rows: Iterable[Any], *, can_manage: bool, can_view_participants: bool
) -> SafeString:
    """A cohort's page of people: a checkbox for the stage change (for those who manage the
    cohort), the name (linking to the record for those who may read it) and code, the stage,
    the attendance rate over the sessions held since joining, and a note after missed
    sessions. The view gives each enrolment its `participant_url` and `stage_label`."""
    name_label = escape(gettext("Name"))
    stage_label = escape(gettext("Stage"))
    attendance_label = escape(gettext("Attendance"))
    note_label = escape(gettext("Note"))
    parts = []
    for row in rows:
        enrolment = row.enrolment
        participant = enrolment.participant
        pk = enrolment.pk
        name = escape(participant.display_name)
        code = escape(participant.code)
        parts.append("<tr>")
        if can_manage:
            parts.append(
                f'<td><input type="hidden" name="shown" value="{pk}">'
                f'<input class="form-check-input" type="checkbox" name="enrolment" value="{pk}" '
                f'id="pick-{pk}"><label class="visually-hidden" for="pick-{pk}">{name} {code}'
                "</label></td>"
            )
        if can_view_participants:
            name = f'<a href="{escape(enrolment.participant_url)}">{name}</a>'
        rate = row.rate_percent
        attendance = (
            "—"
            if rate is None
            else f'{rate}&nbsp;% <span class="text-body-secondary small">'
            f"({row.attended}/{row.held})</span>"
        )
        note = ""
        if row.needs_check_in:
            missed = row.consecutive_missed
            text = ngettext(
                "%(counter)s session missed — check in?",
                "%(counter)s sessions missed — check in?",
                missed,
            ) % {"counter": missed}
            note = f'<span class="text-warning-emphasis">{escape(text)}</span>'
        parts.append(
            f'<td data-label="{name_label}">{name} '
            f'<span class="text-body-secondary small">{code}</span></td>'
            f'<td data-label="{stage_label}">{escape(enrolment.stage_label)}</td>'
            f'<td data-label="{attendance_label}">{attendance}</td>'
            f'<td data-label="{note_label}">{note}</td>'
            "</tr>"
        )
    return mark_safe("".join(parts))  # every value above is escaped


@register.simple_tag
def cohort_session_items(
    rows: Iterable[tuple[Any, Sequence[Any]]], *, can_manage: bool
) -> SafeString:
    """A cohort's sessions, one list item each: the time linking to the attendance page, the
    module, the status (and who was present once held), any trainer clashes, and for those who
    manage the cohort the buttons to edit and to cancel or reinstate it. The view gives each
    session its addresses, `status_label`, `when` and `day`."""
    edit = escape(gettext("Edit"))
    cancel = escape(gettext("Cancel"))
    reinstate = escape(gettext("Reinstate"))
    parts = []
    for session, clashes in rows:
        cancelled = session.status == "cancelled"
        status = escape(session.status_label)
        if cancelled:
            status = f'<span class="badge text-bg-secondary">{status}</span>'
        elif session.status == "held":
            present = session.present_count
            text = ngettext("%(counter)s present", "%(counter)s present", present) % {
                "counter": present
            }
            status = f"{status} · {escape(text)}"
        module = f"· {escape(session.module.title)}" if session.module else ""
        parts.append(
            '<li class="list-group-item d-flex flex-wrap justify-content-between '
            'align-items-start gap-2"><div class="ms-2 me-auto">'
            f'<a class="fw-semibold" href="{escape(session.detail_url)}">'
            f"{escape(session.when)}</a> "
            f'<span class="small text-body-secondary">{module}</span>'
            f'<div class="small">{status}</div>'
        )
        if clashes:
            parts.append('<ul class="list-unstyled small mb-0 mt-1 trainer-clashes">')
            for clash in clashes:
                parts.append(
                    '<li><span class="badge text-bg-warning" aria-hidden="true">!</span> '
                    f"{escape(clash.message)}</li>"
                )
            parts.append("</ul>")
        parts.append("</div>")
        if can_manage:
            day = f'<span class="visually-hidden"> {escape(session.day)}</span>'
            style = "btn-outline-secondary" if cancelled else "btn-outline-danger"
            parts.append(
                '<div class="d-flex flex-wrap gap-1">'
                f'<a class="btn btn-sm btn-outline-primary" href="{escape(session.edit_url)}">'
                f"{edit}{day}</a>"
                f'<a class="btn btn-sm {style}" href="{escape(session.status_url)}">'
                f"{reinstate if cancelled else cancel}{day}</a></div>"
            )
        parts.append("</li>")
    return mark_safe("".join(parts))  # every value above is escaped
