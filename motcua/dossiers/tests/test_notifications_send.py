"""The applicant is told by e-mail and SMS, after the commit, at most once per (event, channel), even when
the outbox delivers an event again; failures are retried, then given up; personal data stays out of logs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from motcua.core.models import OutboxEvent
from motcua.core.outbox import outbox_deliver_event
from motcua.dossiers import services
from motcua.dossiers.tests.edges_helpers import one
from motcua.dossiers.tests.helpers import (
    ITEMS,
    REASON,
    World,
    at,
    counter_received,
    in_state,
    make_procedure,
    online_received,
    online_submitted,
)
from motcua.notifications import sms
from motcua.notifications.models import Notification
from motcua.notifications.services import (
    MAX_ATTEMPTS,
    RETRY_DELAY,
    notification_send,
    notifications_retry_due,
)

pytestmark = pytest.mark.django_db

LOCMEM = "motcua.notifications.sms.LocmemSmsBackend"
CODE = "H15.50.05.13-261207-0001"


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Iterator[list[sms.SentSms]]:
    settings.MOTCUA = {**settings.MOTCUA, "SMS_BACKEND": LOCMEM}
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


class FailingSms:
    calls = 0

    def send(self, *, to: str, text: str) -> None:
        FailingSms.calls += 1
        raise ConnectionError(f"gateway refused {to}")


def test_receipt_is_announced_by_e_mail_and_sms_after_the_commit(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any, sms_outbox: list[sms.SentSms]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = online_received(world, procedure, when=at(7, 8), received=at(7, 9))

    email = one(mail.outbox)
    assert (email.to, email.subject) == (["congdan.an@example.vn"], f"Hồ sơ {CODE} đã được tiếp nhận")
    assert email.body == (
        "Trung tâm Phục vụ hành chính công xã Ea Kar đã tiếp nhận hồ sơ “Đăng ký khai sinh” của ông/bà lúc "
        "09:00 07/12/2026.\n"
        f"Mã hồ sơ: {CODE}\n"
        "Thời hạn trả kết quả: 08:00 08/12/2026\n"
        f"Tra cứu tình trạng hồ sơ tại http://127.0.0.1:8000/tra-cuu?code={CODE} với mã tra cứu "
        f"{dossier.lookup_secret}.\n\n"
        "— Trung tâm Phục vụ hành chính công xã Ea Kar"
    )
    text = one(sms_outbox)
    assert text == sms.SentSms(
        to="0912345678",
        text=f"Hồ sơ {CODE} đã được tiếp nhận, hẹn trả kết quả 08:00 08/12/2026. "
        f"Tra cứu: http://127.0.0.1:8000/tra-cuu?code={CODE}",
    )
    rows = list(Notification.objects.order_by("channel").values_list("kind", "channel", "status", "attempts"))
    assert rows == [("dossier.received", "email", "sent", 1), ("dossier.received", "sms", "sent", 1)]


def test_nothing_is_sent_before_the_commit(
    world: World, procedure: Any, sms_outbox: list[sms.SentSms]
) -> None:
    online_received(world, procedure, when=at(7, 8), received=at(7, 9))

    assert (mail.outbox, sms_outbox, Notification.objects.count()) == ([], [], 0)


def test_a_redelivered_event_sends_nothing_again(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any, sms_outbox: list[sms.SentSms]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        online_received(world, procedure, when=at(7, 8), received=at(7, 9))
    event = OutboxEvent.objects.get(kind="dossier.received")

    for _ in range(3):
        OutboxEvent.objects.filter(pk=event.pk).update(delivered_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox_deliver_event(event_id=event.pk) is True

    assert (len(mail.outbox), len(sms_outbox), Notification.objects.count()) == (1, 1, 2)


@pytest.mark.parametrize(
    ("status", "kinds"),
    [
        ("submitted", []),
        ("supplement_at_intake", ["dossier.supplement_requested_at_intake"]),
        ("refused_at_intake", ["dossier.refused_at_intake"]),
        ("processing", ["dossier.received"]),
        ("waiting_supplement", ["dossier.received", "dossier.supplement_requested"]),
        ("rejected", ["dossier.received", "dossier.rejected"]),
        ("resolved", ["dossier.received", "dossier.approved"]),
        ("stopped", ["dossier.received", "dossier.stopped"]),
    ],
)
def test_which_events_tell_the_applicant(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any, status: str, kinds: list[str]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        in_state(world, procedure, status)

    sent = Notification.objects.filter(channel="email", status="sent").order_by("id")
    assert list(sent.values_list("kind", flat=True)) == kinds


def test_supplement_request_lists_the_items_and_the_reason(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = online_received(world, procedure, when=at(7, 8), received=at(7, 9))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_ask_supplement(
            dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
        )

    email = one(mail.outbox)
    assert email.subject == "Hồ sơ “Đăng ký khai sinh” của ông/bà cần bổ sung"
    assert f"Hồ sơ {CODE} của ông/bà cần bổ sung, hoàn thiện:\n- Bản sao giấy chứng sinh\n" in email.body
    assert "Lý do: Thiếu giấy chứng sinh" in email.body


def test_apology_gives_the_new_appointment(
    world: World, django_capture_on_commit_callbacks: Any, sms_outbox: list[sms.SentSms]
) -> None:
    procedure = make_procedure(world, amount=3, unit="working_days")
    dossier = counter_received(world, procedure, when=at(7, 9))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_apologize(
            dossier=dossier,
            actor=world.leader_a,
            reason="Cần xác minh",
            new_appointment=at(14, 16),
            at=at(8, 9),
        )

    # The walk-in gave a phone number and no e-mail address: an SMS only.
    assert mail.outbox == []
    assert one(sms_outbox).text == (
        f"Hồ sơ {CODE}: xin lỗi ông/bà vì sự chậm trễ; hẹn trả kết quả mới 16:00 14/12/2026."
    )


def test_an_electronic_result_says_where_it_went(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = online_received(world, procedure, when=at(7, 8), received=at(7, 9), return_method="electronic")
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(7, 11))

    email = one(mail.outbox)
    assert email.subject == f"Kết quả giải quyết hồ sơ {CODE} đã có"
    assert (
        "Kết quả đã được gửi vào Kho quản lý dữ liệu điện tử của ông/bà trên Cổng Dịch vụ công quốc gia."
        in email.body
    )


def test_withdrawal_is_confirmed(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_withdraw(
            dossier=dossier, actor=world.citizen, reason="Không còn nhu cầu", at=at(7, 9)
        )

    assert one(mail.outbox).subject == "Hồ sơ “Đăng ký khai sinh” đã dừng giải quyết"


def test_a_failed_sms_is_retried_then_given_up_without_personal_data_in_logs(
    world: World, procedure: Any, settings: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "SMS_BACKEND": f"{__name__}.FailingSms"}
    FailingSms.calls = 0
    caplog.set_level(logging.INFO)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = counter_received(world, procedure, when=at(7, 9))
    failed = Notification.objects.get(channel="sms")
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "ConnectionError")

    # Not retried before the delay; retried after it, up to MAX_ATTEMPTS, then abandoned.
    assert notifications_retry_due(now=failed.last_attempt_at + RETRY_DELAY / 2) == 0
    moment = failed.last_attempt_at
    for _ in range(MAX_ATTEMPTS - 1):
        moment += RETRY_DELAY + dt.timedelta(seconds=1)
        assert notifications_retry_due(now=moment) == 0
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, FailingSms.calls) == ("abandoned", MAX_ATTEMPTS, MAX_ATTEMPTS)
    assert notifications_retry_due(now=moment + RETRY_DELAY * 2) == 0
    assert FailingSms.calls == MAX_ATTEMPTS

    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "notification_failed" in logged
    for personal in ("0987654321", dossier.applicant_identifier, "Lê Văn Cường"):
        assert personal not in logged


def test_a_retry_after_a_passing_failure_sends_once(
    world: World,
    procedure: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    sms_outbox: list[sms.SentSms],
) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "SMS_BACKEND": f"{__name__}.FailingSms"}
    with django_capture_on_commit_callbacks(execute=True):
        counter_received(world, procedure, when=at(7, 9))
    failed = Notification.objects.get(channel="sms")
    settings.MOTCUA = {**settings.MOTCUA, "SMS_BACKEND": LOCMEM}

    assert notifications_retry_due(now=failed.last_attempt_at + RETRY_DELAY * 2) == 1
    assert notifications_retry_due(now=failed.last_attempt_at + RETRY_DELAY * 4) == 0

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error, len(sms_outbox)) == ("sent", 2, "", 1)


def test_a_notification_being_sent_or_sent_is_not_sent_again(
    world: World, procedure: Any, sms_outbox: list[sms.SentSms]
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    sending = Notification.objects.create(
        source_event="5f0c8b5e-5b35-4d3c-9a49-0d6a4f0b2f11",
        kind="dossier.received",
        channel="sms",
        dossier=dossier,
        recipient="0987654321",
        body="x",
        status="sending",
        attempts=1,
    )

    assert notification_send(notification_id=sending.pk) == "sending"
    assert sms_outbox == []


def test_a_notification_whose_sending_task_was_lost_is_sent_by_the_retry(
    world: World, procedure: Any, sms_outbox: list[sms.SentSms]
) -> None:
    """A worker killed after the event's commit loses the queued sending task: the row stays `pending`
    (found by tests/faults/test_worker_killed.py). The periodic retry sends it, once."""
    dossier = counter_received(world, procedure, when=at(7, 9))
    stranded = Notification.objects.create(
        source_event="7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6",
        kind="dossier.received",
        channel="sms",
        dossier=dossier,
        recipient="0987654321",
        body="Hồ sơ đã được tiếp nhận",
    )
    written = at(7, 9, 1)
    Notification.objects.filter(pk=stranded.pk).update(created_at=written)

    assert notifications_retry_due(now=written + RETRY_DELAY / 2) == 0
    assert notifications_retry_due(now=written + RETRY_DELAY + dt.timedelta(seconds=1)) == 1
    assert notifications_retry_due(now=written + RETRY_DELAY * 3) == 0

    stranded.refresh_from_db()
    assert (stranded.status, stranded.attempts) == ("sent", 1)
    assert [(sent.to, sent.text) for sent in sms_outbox] == [("0987654321", "Hồ sơ đã được tiếp nhận")]


def test_the_console_gateway_masks_the_number(capsys: Any) -> None:
    sms.ConsoleSmsBackend().send(to="0912345678", text="Hồ sơ đã được tiếp nhận")

    assert capsys.readouterr().out == "SMS to 09******78:\nHồ sơ đã được tiếp nhận\n" + "-" * 40 + "\n"
    assert sms.mask_phone("123") == "***"


def test_the_gateway_is_the_configured_class(settings: Any) -> None:
    assert isinstance(sms.get_sms_backend(), sms.LocmemSmsBackend)
    settings.MOTCUA = {**settings.MOTCUA, "SMS_BACKEND": "motcua.notifications.sms.ConsoleSmsBackend"}
    assert isinstance(sms.get_sms_backend(), sms.ConsoleSmsBackend)
