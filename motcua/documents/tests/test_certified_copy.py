"""Certified electronic copies from originals (ND 23/2015 as amended by ND 07/2025; LEGAL.md §8.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.core.models import OutboxEvent
from motcua.documents import services, signing
from motcua.documents.models import CertifiedCopy, DataStoreItem
from motcua.documents.storage import read_document
from motcua.documents.tests.conftest import pdf_bytes, png_bytes
from motcua.dossiers.tests.helpers import World, at
from motcua.worktime.calendar import TZ


def _end_of(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, tzinfo=TZ)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(7, 9), _end_of(2026, 12, 7)),  # Monday morning: the same day
        (at(7, 15, 0), _end_of(2026, 12, 7)),  # at 15:00 sharp: still the same day
        (at(7, 15, 1), _end_of(2026, 12, 8)),  # after 15:00: the next working day
        (at(11, 16), _end_of(2026, 12, 14)),  # Friday after 15:00: Monday
        (at(12, 10), _end_of(2026, 12, 14)),  # Saturday: the next working day, Monday
        (at(31, 15, 30), _end_of(2027, 1, 4)),  # New Year's Day, then a weekend
    ],
)
def test_the_deadline_follows_the_15_00_rule_on_working_days(
    world: World, received: dt.datetime, due: dt.datetime
) -> None:
    assert services.certified_copy_due(unit=world.commune_a, received_at=received) == due


def _receive(world: World, **kwargs: object) -> CertifiedCopy:
    values: dict[str, object] = {
        "actor": world.intake_a,
        "unit": world.commune_a,
        "owner_kind": "citizen",
        "identifier": world.citizen.personal_id,
        "account": world.citizen,
        "title": "Bằng tốt nghiệp trung học phổ thông",
        "scan": png_bytes(),
        "filename": "bang.png",
        "at": at(7, 15, 30),
    }
    values.update(kwargs)
    return services.certified_copy_receive(**values)  # type: ignore[arg-type]


def test_the_commune_certifies_a_copy_end_to_end(world: World, pki: int) -> None:
    copy = _receive(world)
    assert copy.due_at == _end_of(2026, 12, 8)

    with pytest.raises(Conflict) as early:
        services.certified_copy_issue(copy=copy, actor=world.intake_a, at=at(8, 8))
    with pytest.raises(ApplicationError) as unchecked:
        services.certified_copy_compare(copy=copy, actor=world.intake_a, matches=False)
    services.certified_copy_compare(copy=copy, actor=world.intake_a, matches=True)
    issued = services.certified_copy_issue(copy=copy, actor=world.intake_a, at=at(8, 8))

    assert early.value.code == "not_compared"
    assert unchecked.value.fields == {
        "matches": "Hãy xác nhận bản quét khớp với bản chính trước khi chứng thực."
    }
    assert (issued.status, issued.compared_by, issued.issued_at) == ("issued", world.intake_a, at(8, 8))
    assert issued.signed is not None
    assert signing.verify(read_document(issued.signed.file), trust_roots_pem=services.trust_roots()).valid
    item = DataStoreItem.objects.get(origin="certified_copy")
    assert (item.store.account, item.file_id, item.title) == (
        world.citizen,
        issued.signed.file_id,
        "Bằng tốt nghiệp trung học phổ thông",
    )
    kinds = list(OutboxEvent.objects.filter(kind__startswith="documents.").values_list("kind", flat=True))
    assert kinds == [
        "documents.certified_copy_received",
        "documents.certified_copy_issued",
        "documents.result_pushed_to_store",
    ]
    on_time = OutboxEvent.objects.get(kind="documents.certified_copy_issued").payload["data"]["on_time"]
    assert on_time is True
    with pytest.raises(Conflict):
        services.certified_copy_issue(copy=issued, actor=world.intake_a)


def test_a_pdf_scan_is_signed_as_it_is(world: World, pki: int) -> None:
    copy = _receive(world, scan=pdf_bytes(pages=2), filename="bang.pdf")
    services.certified_copy_compare(copy=copy, actor=world.intake_a, matches=True)

    issued = services.certified_copy_issue(copy=copy, actor=world.leader_a, at=at(8, 8))

    assert issued.signed is not None
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(read_document(issued.signed.file))).pages) == 2


@pytest.mark.parametrize("who", ["citizen", "intake_b", "specialist_a"])
def test_only_the_units_officers_receive_compare_and_issue(world: World, pki: int, who: str) -> None:
    outsider = getattr(world, who)
    copy = _receive(world)

    with pytest.raises(PermissionDenied):
        _receive(world, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.certified_copy_compare(copy=copy, actor=outsider, matches=True)
    services.certified_copy_compare(copy=copy, actor=world.intake_a, matches=True)
    with pytest.raises(PermissionDenied):
        services.certified_copy_issue(copy=copy, actor=outsider)

    assert CertifiedCopy.objects.get().status == "received"
