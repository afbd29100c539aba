"""audit_log writes one append-only record per change, with who, when, from where, before and after."""

import datetime
import decimal
import uuid
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from motcua.accounts.models import User
from motcua.core.audit import (
    audit_log,
    audit_log_many,
    audit_trail_of,
    audit_verify,
    changed_fields,
    json_safe,
    snapshot,
)
from motcua.core.context import RequestContextMiddleware, current_context, request_context
from motcua.core.models import AppendOnlyError, AuditChainHead, AuditRecord, genesis_hash
from motcua.organizations.models import Unit

NOW = datetime.datetime(2026, 11, 22, 9, 30, 15, 123456, tzinfo=datetime.UTC)  # 16:30 in Hà Nội
TODAY = datetime.date(2026, 11, 22)


# Partition keys: organisation unit ids. The partition column has no foreign key, so the tests need no Unit.
UNIT = 101
OTHER_UNIT = 102


def make_group(name: str = "Tổ tiếp nhận") -> Group:
    """The audited object: a model whose fields do not change under these tests."""
    return Group.objects.create(name=name)


def make_officer() -> User:
    return User.objects.create(username="can.bo", full_name="Nguyễn Văn An", kind=User.Kind.STAFF)


@pytest.fixture
def frozen_now():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW


@pytest.mark.django_db
def test_create_is_recorded_with_actor_object_and_after(frozen_now) -> None:
    officer, group = make_officer(), make_group()

    record = audit_log(
        actor=officer, action="create", obj=group, before=None, after=snapshot(group), unit=Unit(pk=UNIT)
    )

    stored = AuditRecord.objects.get()
    assert stored.pk == record.pk
    assert stored.partition_unit == UNIT
    assert stored.partition_day == TODAY
    assert stored.sequence == 1
    assert stored.occurred_at == NOW
    assert stored.actor == officer
    assert stored.actor_label == "Nguyễn Văn An (can.bo)"
    assert stored.action == "create"
    assert stored.object_type == ContentType.objects.get_for_model(Group)
    assert stored.object_id == str(group.pk)
    assert stored.object_repr == "Tổ tiếp nhận"
    assert stored.before is None
    assert stored.after == {"id": group.pk, "name": "Tổ tiếp nhận"}
    assert stored.changed_fields == ["id", "name"]
    assert (stored.ip, stored.user_agent, stored.request_id) == (None, "", "")
    assert stored.prev_hash == genesis_hash(UNIT, TODAY)
    assert stored.hash == stored.compute_hash()
    assert len(stored.hash) == 64


@pytest.mark.django_db
def test_update_records_before_after_and_only_the_changed_fields() -> None:
    permission = Permission.objects.create(
        name="Can receive", codename="receive", content_type=ContentType.objects.get_for_model(Group)
    )
    before = snapshot(permission)
    permission.name, permission.content_type = (
        "Can receive dossiers",
        ContentType.objects.get_for_model(Permission),
    )
    permission.save(update_fields=["name", "content_type"])

    with translation.override("en"):
        record = audit_log(
            actor=None, action="update", obj=permission, before=before, after=snapshot(permission)
        )

    record.refresh_from_db()
    assert record.before == {
        "id": permission.pk,
        "name": "Can receive",
        "content_type_id": ContentType.objects.get_for_model(Group).pk,
        "codename": "receive",
    }
    assert record.after == {
        "id": permission.pk,
        "name": "Can receive dossiers",
        "content_type_id": ContentType.objects.get_for_model(Permission).pk,
        "codename": "receive",
    }
    assert record.changed_fields == ["content_type_id", "name"]
    assert record.actor is None
    assert record.actor_label == "system"
    assert record.partition_unit == 0
    assert record.object_repr == "Authentication and Authorization | permission | Can receive dossiers"


@pytest.mark.django_db
def test_state_change_verb_and_anonymous_actor() -> None:
    group = make_group()

    record = audit_log(
        actor=AnonymousUser(),
        action="deactivate",
        obj=group,
        before={"is_active": True},
        after={"is_active": False},
        unit=UNIT,
    )

    assert (record.action, record.actor_id, record.actor_label) == ("deactivate", None, "anonymous")
    assert record.changed_fields == ["is_active"]
    assert record.partition_unit == UNIT


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "Update", "update dossier", "x" * 33, "1st"])
def test_an_action_that_is_not_a_verb_slug_is_refused(action: str) -> None:
    unit = make_group()

    with pytest.raises(ValueError, match="audit action must be a lower-case verb"):
        audit_log(actor=None, action=action, obj=unit, before=None, after={})

    assert AuditRecord.objects.count() == 0


@pytest.mark.django_db
def test_an_unsaved_object_or_a_bad_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="audit_log needs a saved object"):
        audit_log(actor=None, action="create", obj=Group(name="x"), before=None, after={})
    group = make_group()
    for unit in (Unit(name="unsaved"), 0, -3, "101", True):
        with pytest.raises(ValueError, match="audit partition unit must be a saved Unit or its id"):
            audit_log(actor=None, action="create", obj=group, before=None, after={}, unit=unit)

    assert AuditRecord.objects.count() == 0
    assert AuditChainHead.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_audit_log_outside_a_transaction_is_refused() -> None:
    unit = make_group()

    with pytest.raises(RuntimeError, match=r"must run inside the transaction\.atomic block"):
        audit_log(actor=None, action="create", obj=unit, before=None, after={})

    assert AuditRecord.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_record_rolls_back_with_the_change() -> None:
    unit = make_group()

    with pytest.raises(LookupError), transaction.atomic():
        audit_log(actor=None, action="update", obj=unit, before={"name": "a"}, after={"name": "b"}, unit=UNIT)
        raise LookupError

    assert AuditRecord.objects.count() == 0
    assert AuditChainHead.objects.count() == 0


@pytest.mark.django_db
def test_records_of_one_partition_form_a_chain_and_the_head_follows() -> None:
    unit = make_group()

    records = [
        audit_log(actor=None, action="update", obj=unit, before={"n": n}, after={"n": n + 1}, unit=UNIT)
        for n in range(3)
    ]

    assert [record.sequence for record in records] == [1, 2, 3]
    assert records[0].prev_hash == genesis_hash(UNIT, records[0].partition_day)
    assert records[1].prev_hash == records[0].hash
    assert records[2].prev_hash == records[1].hash
    assert len({record.hash for record in records}) == 3
    head = AuditChainHead.objects.get()
    assert (head.partition_unit, head.last_sequence, head.last_hash) == (UNIT, 3, records[2].hash)


@pytest.mark.django_db
def test_many_objects_are_chained_as_one_call_each_would_chain_them(django_assert_num_queries) -> None:
    first, second = make_group("Tổ một"), make_group("Tổ hai")
    before = audit_log(actor=None, action="create", obj=first, before=None, after={}, unit=UNIT)
    objects = [(first, UNIT), (second, OTHER_UNIT), (second, UNIT), (first, UNIT)]

    # per partition: lock, insert, head update; the new partition also creates its head (in a savepoint)
    with django_assert_num_queries(9):
        records = audit_log_many(
            actor=None, action="view_personal_data", objects=objects, before=None, after={}
        )

    assert [(r.partition_unit, r.sequence, r.object_id) for r in records] == [
        (UNIT, 2, str(first.pk)),
        (UNIT, 3, str(second.pk)),
        (UNIT, 4, str(first.pk)),
        (OTHER_UNIT, 1, str(second.pk)),
    ]
    assert records[0].prev_hash == before.hash
    assert [r.prev_hash for r in records[1:3]] == [records[0].hash, records[1].hash]
    assert records[3].prev_hash == genesis_hash(OTHER_UNIT, records[3].partition_day)
    assert all(record.hash == record.compute_hash() for record in AuditRecord.objects.all())
    heads = dict(AuditChainHead.objects.values_list("partition_unit", "last_hash"))
    assert heads == {UNIT: records[2].hash, OTHER_UNIT: records[3].hash}
    report = audit_verify()
    assert (report.records, report.findings) == (5, [])


@pytest.mark.django_db
def test_each_unit_and_each_local_day_has_its_own_chain() -> None:
    first, second = make_group("Tổ một"), make_group("Tổ hai")
    late_evening = datetime.datetime(2026, 11, 22, 16, 59, 59, tzinfo=datetime.UTC)  # 23:59:59 in Hà Nội
    after_midnight = datetime.datetime(2026, 11, 22, 17, 0, 0, tzinfo=datetime.UTC)  # 00:00 on the 23rd

    with mock.patch("django.utils.timezone.now", return_value=late_evening):
        a1 = audit_log(actor=None, action="create", obj=first, before=None, after={}, unit=UNIT)
        b1 = audit_log(actor=None, action="create", obj=second, before=None, after={}, unit=OTHER_UNIT)
        a2 = audit_log(actor=None, action="update", obj=first, before={}, after={}, unit=UNIT)
        g1 = audit_log(actor=None, action="update", obj=first, before={}, after={})
    with mock.patch("django.utils.timezone.now", return_value=after_midnight):
        a3 = audit_log(actor=None, action="update", obj=first, before={}, after={}, unit=UNIT)

    assert [(r.partition_unit, r.partition_day, r.sequence) for r in (a1, b1, a2, g1, a3)] == [
        (UNIT, TODAY, 1),
        (OTHER_UNIT, TODAY, 1),
        (UNIT, TODAY, 2),
        (0, TODAY, 1),
        (UNIT, datetime.date(2026, 11, 23), 1),
    ]
    assert a3.prev_hash == genesis_hash(UNIT, datetime.date(2026, 11, 23))
    assert AuditChainHead.objects.count() == 4


@pytest.mark.django_db
def test_who_and_from_where_come_from_the_request_context() -> None:
    unit = make_group()

    with request_context(ip="2001:DB8:0:0::7", user_agent="Mozilla/5.0", request_id="req-42") as context:
        assert current_context() == context
        record = audit_log(actor=None, action="update", obj=unit, before={}, after={})
    outside = audit_log(actor=None, action="update", obj=unit, before={}, after={})

    record.refresh_from_db()
    assert (record.ip, record.user_agent, record.request_id) == ("2001:db8::7", "Mozilla/5.0", "req-42")
    assert record.hash == record.compute_hash()
    assert current_context() is None
    assert (outside.ip, outside.user_agent, outside.request_id) == (None, "", "")


def test_request_context_cleans_what_it_is_given() -> None:
    with request_context(ip="not-an-ip", user_agent="A" * 600) as context:
        assert context.ip is None
        assert context.user_agent == "A" * 500
        assert len(context.request_id) == 32


@pytest.mark.django_db
def test_the_middleware_sets_the_context_for_the_request_and_echoes_the_request_id() -> None:
    unit = make_group()
    seen: list[AuditRecord] = []

    def view(request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            seen.append(audit_log(actor=request.user, action="update", obj=unit, before={}, after={}))
        return HttpResponse("ok")

    officer = make_officer()
    request = RequestFactory().post(
        "/units/1", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox/140", HTTP_X_REQUEST_ID="gw-7f3a"
    )
    request.user = officer

    response = RequestContextMiddleware(view)(request)

    assert response["X-Request-ID"] == "gw-7f3a"
    record = seen[0]
    assert (record.ip, record.user_agent, record.request_id) == ("203.0.113.7", "Firefox/140", "gw-7f3a")
    assert (record.actor_id, record.actor_label) == (officer.pk, "Nguyễn Văn An (can.bo)")
    assert current_context() is None


@pytest.mark.django_db
def test_the_middleware_replaces_a_request_id_that_does_not_look_like_one() -> None:
    seen = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(current_context())
        return HttpResponse("ok")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")

    response = RequestContextMiddleware(view)(request)

    assert seen[0].request_id == response["X-Request-ID"]
    assert len(seen[0].request_id) == 32
    assert seen[0].request_id != "<script>alert(1)</script>"


@pytest.mark.django_db
def test_records_are_append_only_through_the_orm() -> None:
    unit = make_group()
    record = audit_log(actor=None, action="create", obj=unit, before=None, after={"name": "x"})
    record.after = {"name": "forged"}

    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(after={})
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()

    assert AuditRecord.objects.get().after == {"name": "x"}


@pytest.mark.django_db
def test_snapshot_is_json_safe_and_never_copies_the_password_hash() -> None:
    officer = make_officer()
    officer.set_password("mat-khau-rat-dai")
    officer.save()

    default = snapshot(officer)
    asked = snapshot(officer, ["username", "password"])

    assert "password" not in default
    assert default["username"] == "can.bo"
    assert default["date_joined"] == officer.date_joined.isoformat()
    assert asked == {"username": "can.bo", "password": "[redacted]"}
    with pytest.raises(ValueError, match=r"User has no concrete field\(s\) \['grants'\]"):
        snapshot(officer, ["username", "grants"])


def test_json_safe_converts_every_value_a_model_field_holds() -> None:
    value = {
        "amount": decimal.Decimal("125000.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "day": datetime.date(2026, 11, 22),
        "duration": datetime.timedelta(hours=8),
        "ratio": float("nan"),
        "raw": b"\x01\xff",
        "tags": ("a", "b"),
        3: None,
    }

    assert json_safe(value) == {
        "amount": "125000.50",
        "id": "12345678-1234-5678-1234-567812345678",
        "day": "2026-11-22",
        "duration": "P0DT08H00M00S",
        "ratio": "nan",
        "raw": "01ff",
        "tags": ["a", "b"],
        "3": None,
    }


def test_changed_fields_counts_a_field_present_on_one_side_only() -> None:
    assert changed_fields({"a": 1, "b": 2, "c": None}, {"a": 1, "b": 3, "d": None}) == ["b", "c", "d"]
    assert changed_fields(None, {"a": 1}) == ["a"]
    assert changed_fields({"a": 1}, None) == ["a"]


@pytest.mark.django_db
def test_the_trail_of_one_object_in_order() -> None:
    group, other = make_group("A"), make_group("B")
    first = audit_log(actor=None, action="create", obj=group, before=None, after={}, unit=UNIT)
    audit_log(actor=None, action="create", obj=other, before=None, after={}, unit=UNIT)
    second = audit_log(actor=None, action="deactivate", obj=group, before={}, after={})

    assert list(audit_trail_of(group)) == [first, second]


@pytest.mark.django_db
def test_the_hash_survives_the_database_round_trip_of_any_json() -> None:
    awkward = {
        "ratio": 0.1,
        "tiny": 1e-07,
        "whole_float": 1.0,
        "big": 12345678901234567890,
        "negative": -0,
        "text": 'Đơn vị hành chính — “xã” 😀 \\ " \n',
        "nested": {"z": [1, {"b": None, "a": True}], "a": []},
        "tuple": (1, 2),
    }

    record = audit_log(actor=None, action="update", obj=make_group(), before=awkward, after={"ratio": 0.2})

    stored = AuditRecord.objects.get(pk=record.pk)
    assert stored.before["tuple"] == [1, 2]
    assert stored.before["text"] == awkward["text"]
    assert stored.compute_hash() == stored.hash == record.hash
    assert stored.changed_fields == [
        "big",
        "negative",
        "nested",
        "ratio",
        "text",
        "tiny",
        "tuple",
        "whole_float",
    ]
