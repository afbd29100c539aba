"""What the dossier engine tells people: the applicant by e-mail and SMS, the officers by in-app alerts.

Applicants are told on receipt, supplement requests (at intake and during processing), refusal at
intake, the apology with its new appointment, the result being ready, rejection and stop (or withdrawal):
`on_dossier_event` is an outbox consumer (registered by the notifications app) that writes one
`Notification` per channel for the event, at most once per (event, channel), and queues the sending after
the commit (`motcua.notifications.services`). The texts are the Vietnamese message templates below.

Officers' alerts (`alerts_refresh`, a periodic task): online dossiers with at most RECEIPT_ALERT_MINUTES
working minutes left before their 8-working-hour receipt limit (ND 45/2020 art. 11; provinces alert the
officer 2 working hours ahead, LEGAL.md §1.3), and dossiers under the clock at risk (at most
`AT_RISK_WORKING_DAYS` working days left: time for the apology, LEGAL.md §1.8) or late.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from motcua.core.models import OutboxEvent
from motcua.core.outbox import register_consumer
from motcua.dossiers.events import OUTBOX_PREFIX
from motcua.dossiers.models import Dossier, DossierEvent, SupplementRequest
from motcua.dossiers.queues import CalendarCache, Urgency, clock_urgency, receipt_urgency
from motcua.dossiers.slips.qr import verification_url
from motcua.notifications.models import Alert, Notification
from motcua.notifications.services import AlertState, Message, alerts_sync, notifications_prepare

logger = logging.getLogger(__name__)

Kind = DossierEvent.Kind
# How far ahead (calendar days) the alert query looks for candidates; the working-time check is exact.
CANDIDATE_WINDOW = dt.timedelta(days=30)


def _moment(value: Any) -> str:
    if not value:
        return "…"
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return formats.date_format(timezone.localtime(moment), "H:i d/m/Y")


def _lines(items: Any) -> str:
    return "\n".join(f"- {item}" for item in items or [])


def _received(dossier: Dossier, data: dict[str, Any]) -> tuple[str, str, str]:
    values = {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "unit": dossier.receiving_unit.name,
        "received": _moment(data.get("received_at")),
        "appointment": _moment(data.get("appointment_at")),
        "url": verification_url(dossier.code),
        "secret": dossier.lookup_secret,
    }
    return (
        _("Dossier %(code)s has been received") % values,
        _(
            "%(unit)s received your dossier for “%(procedure)s” at %(received)s.\n"
            "Dossier code: %(code)s\n"
            "Result expected: %(appointment)s\n"
            "Follow it at %(url)s with the lookup secret %(secret)s."
        )
        % values,
        _("Dossier %(code)s received; result expected %(appointment)s. Follow it at %(url)s") % values,
    )


def _ref(dossier: Dossier) -> str:
    """How a message names the dossier: its code, or before receipt the procedure's name."""
    return dossier.code or f"“{dossier.procedure.name}”"


def _supplement(dossier: Dossier, data: dict[str, Any]) -> tuple[str, str, str]:
    values = {
        "ref": _ref(dossier),
        "procedure": dossier.procedure.name,
        "items": _lines(data.get("items")),
        "reason": data.get("reason", ""),
    }
    return (
        _("Your dossier for “%(procedure)s” needs a supplement") % values,
        _(
            "Your dossier %(ref)s must be supplemented or completed with:\n%(items)s\n"
            "Reason: %(reason)s\n"
            "The slip (Form 02) lists the same items; contact the one-stop counter if anything is unclear."
        )
        % values,
        _("Dossier %(ref)s: a supplement is needed. See the details in your e-mail or at the counter.")
        % values,
    )


def _refused(dossier: Dossier, data: dict[str, Any]) -> tuple[str, str, str]:
    values = {"procedure": dossier.procedure.name, "reason": data.get("reason", "")}
    return (
        _("Your dossier for “%(procedure)s” was not received") % values,
        _("Your dossier for “%(procedure)s” could not be received.\nReasons: %(reason)s") % values,
        _("Your dossier for “%(procedure)s” was not received: %(reason)s") % values,
    )


def _apologized(dossier: Dossier, data: dict[str, Any]) -> tuple[str, str, str]:
    values = {
        "code": dossier.code,
        "unit": dossier.competent_unit.name,
        "reason": data.get("reason", ""),
        "previous": _moment(data.get("previous_appointment")),
        "new": _moment(data.get("new_appointment")),
    }
    return (
        _("Apology: the result of dossier %(code)s will be late") % values,
        _(
            "%(unit)s apologises: the result of your dossier %(code)s, due at %(previous)s, will be late.\n"
            "Reason: %(reason)s\n"
            "New appointment: %(new)s"
        )
        % values,
        _("Dossier %(code)s: we apologise for the delay; new appointment %(new)s.") % values,
    )


def _approved(dossier: Dossier, data: dict[str, Any]) -> tuple[str, str, str]:
    values = {"code": dossier.code, "procedure": dossier.procedure.name, "unit": dossier.receiving_unit.name}
    if dossier.return_method == Dossier.ReturnMethod.ELECTRONIC:
        where = _("It has been sent to your electronic data store on the national portal.")
    elif dossier.return_method == Dossier.ReturnMethod.POST:
        where = _("It will be sent to you by post.")
    else:
        where = _("Collect it at %(unit)s (bring the receipt, Form 01).") % values
    return (
        _("The result of dossier %(code)s is ready") % values,
        _("The result of your dossier %(code)s for “%(procedure)s” is ready.") % values + "\n" + where,
        _("The result of dossier %(code)s is ready.") % values + " " + where,
    )


def _rejected(dossier: Dossier, data: dict[str, Any]) -> tuple[str, str, str]:
    values = {"code": dossier.code, "procedure": dossier.procedure.name, "reason": data.get("reason", "")}
    return (
        _("Dossier %(code)s is not eligible") % values,
        _("Your dossier %(code)s for “%(procedure)s” is not eligible for settlement.\nReasons: %(reason)s")
        % values,
        _("Dossier %(code)s is not eligible: %(reason)s") % values,
    )


def _stopped(dossier: Dossier, data: dict[str, Any]) -> tuple[str, str, str]:
    values = {"ref": _ref(dossier), "reason": data.get("reason", "")}
    return (
        _("The settlement of dossier %(ref)s has stopped") % values,
        _(
            "At your request, the settlement of your dossier %(ref)s has stopped (Form 05).\n"
            "Reason: %(reason)s"
        )
        % values,
        _("Dossier %(ref)s: settlement stopped at your request.") % values,
    )


# Kind → (subject, e-mail text, SMS text) of the message to the applicant.
MESSAGES: dict[str, Callable[[Dossier, dict[str, Any]], tuple[str, str, str]]] = {
    Kind.RECEIVED: _received,
    Kind.SUPPLEMENT_REQUESTED_AT_INTAKE: _supplement,
    Kind.SUPPLEMENT_REQUESTED: _supplement,
    Kind.REFUSED_AT_INTAKE: _refused,
    Kind.APOLOGIZED: _apologized,
    Kind.APPROVED: _approved,
    Kind.REJECTED: _rejected,
    Kind.STOPPED: _stopped,
    Kind.WITHDRAWN: _stopped,
}


def messages_for(dossier: Dossier, kind: str, data: dict[str, Any]) -> list[Message]:
    """The applicant's messages about one event: an e-mail if they gave an address, an SMS if they gave a
    phone number; in the site's language (Vietnamese)."""
    with override(settings.LANGUAGE_CODE):
        subject, email, sms = MESSAGES[kind](dossier, data)
        signature = _("— %(unit)s") % {"unit": dossier.receiving_unit.name}
    messages = []
    if dossier.applicant_email:
        messages.append(
            Message(Notification.Channel.EMAIL, dossier.applicant_email, subject, f"{email}\n\n{signature}")
        )
    if dossier.applicant_phone:
        messages.append(Message(Notification.Channel.SMS, dossier.applicant_phone, "", sms))
    return messages


def on_dossier_event(event: OutboxEvent) -> None:
    """Write the applicant's notifications of one outbox event and send them after the commit."""
    kind = event.kind.removeprefix(OUTBOX_PREFIX)
    if kind not in MESSAGES:
        return
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_unit", "competent_unit")
        .filter(public_id=event.payload["dossier"]["public_id"])
        .first()
    )
    if dossier is None:
        return
    pending = notifications_prepare(
        source_event=event.id,
        kind=event.kind,
        dossier_id=dossier.pk,
        messages=messages_for(dossier, kind, event.payload.get("data") or {}),
    )
    if pending:
        from motcua.notifications.tasks import notifications_send  # noqa: PLC0415 (tasks import this module)

        ids = [notification.pk for notification in pending]
        transaction.on_commit(lambda: [notifications_send(pk) for pk in ids])


register_consumer(OUTBOX_PREFIX, on_dossier_event)


# --- officers' alerts ------------------------------------------------------------------------------------


def _state(unit_id: int, urgency: Urgency) -> AlertState:
    assert urgency.due_at is not None and urgency.left_minutes is not None  # flagged, so it has a limit
    return AlertState(unit_id, urgency.due_at, urgency.left_minutes)


def alerts_wanted(*, now: dt.datetime) -> dict[tuple[int, str], AlertState]:
    """The alerts that should be open at `now`, computed on each unit's working calendar."""
    calendars = CalendarCache()
    wanted: dict[tuple[int, str], AlertState] = {}
    submitted = Dossier.objects.filter(
        status=Dossier.Status.SUBMITTED,
        channel=Dossier.Channel.ONLINE,
        receive_due_at__isnull=False,
        receive_due_at__lte=now + CANDIDATE_WINDOW,
    ).values_list("pk", "receiving_unit_id", "receive_due_at")
    for pk, unit_id, due in submitted.iterator(chunk_size=2000):
        urgency = receipt_urgency(receive_due_at=due, unit_id=unit_id, now=now, calendars=calendars)
        if urgency.late or urgency.at_risk:
            wanted[(pk, Alert.Kind.RECEIPT_LIMIT)] = _state(unit_id, urgency)
    open_request = (
        SupplementRequest.objects.filter(dossier=OuterRef("pk"), completed_at__isnull=True)
        .order_by()
        .values("requested_at")[:1]
    )
    under_clock = (
        Dossier.objects.filter(
            status__in=[Dossier.Status.PROCESSING, Dossier.Status.WAITING_SUPPLEMENT],
            due_at__isnull=False,
            due_at__lte=now + CANDIDATE_WINDOW,
        )
        .annotate(paused_since=Subquery(open_request))
        .values_list("pk", "competent_unit_id", "status", "due_at", "paused_since")
    )
    for pk, unit_id, status, due, paused_since in under_clock.iterator(chunk_size=2000):
        urgency = clock_urgency(
            status=status,
            due_at=due,
            paused_since=paused_since,
            unit_id=unit_id,
            now=now,
            calendars=calendars,
        )
        if urgency.late:
            wanted[(pk, Alert.Kind.LATE)] = _state(unit_id, urgency)
        elif urgency.at_risk:
            wanted[(pk, Alert.Kind.AT_RISK)] = _state(unit_id, urgency)
    return wanted


def alerts_refresh(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Raise, refresh and resolve the officers' alerts (deduplicated per (dossier, kind))."""
    now = now or timezone.now()
    return alerts_sync(wanted=alerts_wanted(now=now), kinds=Alert.Kind.values, now=now)
