"""Who may edit the catalogue, and the rules the writes keep: identity, publication decision, postings,
retirement. Every refusal leaves the catalogue as it was."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.accounts.models import Role, RoleGrant, User
from motcua.catalog import services
from motcua.catalog.models import Procedure, PublicationPosting, Sector
from motcua.catalog.tests.builders import draft_procedure, full_content, publish
from motcua.catalog.tests.conftest import at
from motcua.core.audit import audit_trail_of
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied

pytestmark = pytest.mark.django_db


def _staff(username: str, role: str, unit) -> User:
    user = User.objects.create_user(username=username, password="x-password-1", kind=User.Kind.STAFF)
    RoleGrant.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def actors(province):
    citizen = User.objects.create_user(username="congdan", password="x-password-1", kind=User.Kind.CITIZEN)
    return {
        "anonymous": AnonymousUser(),
        "citizen": citizen,
        "editor of another unit": _staff("bientap.nnmt", Role.CATALOG_EDITOR, province["nnmt"]),
        "specialist of this unit": _staff("chuyenvien.tuphap", Role.SPECIALIST, province["tuphap"]),
        "editor of this unit": _staff("bientap.tuphap", Role.CATALOG_EDITOR, province["tuphap"]),
        "administrator of the province": _staff("quantri.tinh", Role.ADMIN, province["tinh"]),
        "superuser": User.objects.create_superuser(username="root", password="x-password-1"),
    }


ALLOWED = {"editor of this unit", "administrator of the province", "superuser"}
ACTORS = [
    "anonymous",
    "citizen",
    "editor of another unit",
    "specialist of this unit",
    "editor of this unit",
    "administrator of the province",
    "superuser",
]


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_create_a_procedure(province, actors, who):
    sector = Sector.objects.create(code="ho-tich", name="Hộ tịch")

    def create():
        return services.procedure_create(
            code="1.001193.000.00.00.H44",
            name="Đăng ký khai sinh",
            sector=sector,
            level="commune",
            owner_unit=province["tuphap"],
            actor=actors[who],
        )

    if who in ALLOWED:
        assert create().versions.get().status == "draft"
    else:
        with pytest.raises(PermissionDenied):
            create()
        assert Procedure.objects.count() == 0


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_edit_publish_and_retire(province, actors, who):
    procedure = draft_procedure(province)
    draft = procedure.versions.get()
    actor = actors[who]

    attempts = [
        lambda: services.draft_update(version=draft, actor=actor, name="Tên mới"),
        lambda: services.version_publish(
            version=draft,
            actor=actor,
            decision_number="1/QĐ",
            decision_date=date(2026, 3, 2),
            decision_signer="X",
        ),
        lambda: services.posting_record(
            version=draft, actor=actor, channel="national_database", posted_on=date(2026, 3, 3)
        ),
        lambda: services.procedure_retire(procedure=procedure, actor=actor, reason="Bãi bỏ"),
    ]
    if who in ALLOWED:
        for attempt in attempts:
            attempt()
        procedure.refresh_from_db()
        assert (procedure.name, procedure.retired_at is not None) == ("Tên mới", True)
        assert PublicationPosting.objects.filter(version=draft).count() == 1
    else:
        for attempt in attempts:
            with pytest.raises(PermissionDenied):
                attempt()
        procedure.refresh_from_db()
        assert (procedure.name, procedure.retired_at, procedure.latest_version) == (
            "Thủ tục đăng ký khai sinh",
            None,
            None,
        )


def test_edits_are_audited_with_the_actor(province, actors):
    procedure = draft_procedure(province)
    editor = actors["editor of this unit"]

    services.draft_update(version=procedure.versions.get(), actor=editor, name="Tên mới")

    record = audit_trail_of(procedure.versions.get()).last()
    assert (record.action, record.actor_id, record.changed_fields) == ("update", editor.pk, ["name"])


def test_a_local_code_is_used_once(province):
    draft_procedure(province)

    with pytest.raises(Conflict) as refused:
        draft_procedure(province)

    assert refused.value.code == "code_taken"
    assert Procedure.objects.count() == 1


def test_content_problems_are_reported_by_field_path_and_nothing_is_written(province):
    procedure = draft_procedure(province)
    bad = full_content(province, time_limit_unit="weeks", dossier_sets=0)
    bad["fees"][1]["amount_vnd"] = -5
    bad["documents"][0]["eform"] = "khong-co"

    with pytest.raises(ApplicationError) as refused:
        services.draft_save_content(version=procedure.versions.get(), actor=None, content=bad)

    assert refused.value.code == "invalid_content"
    assert refused.value.fields == {
        "time_limit_unit": "Chọn một trong các giá trị: working_hours, working_days, calendar_days, months.",
        "dossier_sets": "Nhập một số nguyên không nhỏ hơn 1.",
        "fees.1.amount_vnd": "Nhập một số nguyên không nhỏ hơn 0.",
    }
    assert procedure.versions.get().dossier_sets == 2


@pytest.mark.parametrize(
    ("decision", "field", "message"),
    [
        ({"decision_number": " "}, "decision_number", "Nhập số quyết định công bố, ví dụ 1234/QĐ-UBND."),
        ({"decision_signer": ""}, "decision_signer", "Nhập người ký quyết định."),
        (
            {"decision_date": date(2026, 12, 1)},
            "decision_date",
            "Ngày quyết định không được sau ngày ghi nhận vào hệ thống.",
        ),
        (
            {"effective_from": date(2026, 2, 27)},
            "effective_from",
            "Phiên bản không thể áp dụng trước ngày quyết định công bố (02/03/2026).",
        ),
    ],
)
def test_the_publication_decision_is_checked(province, decision, field, message):
    procedure = draft_procedure(province)
    values = {
        "decision_number": "1/QĐ-UBND",
        "decision_date": date(2026, 3, 2),
        "decision_signer": "X",
    } | decision

    with pytest.raises(ApplicationError) as refused:
        services.version_publish(
            version=procedure.versions.get(), actor=None, published_at=at(2026, 3, 2, 9), **values
        )

    assert refused.value.fields == {field: message}
    assert procedure.versions.get().status == "draft"


def test_a_newer_version_cannot_apply_before_the_older_one(province):
    procedure = draft_procedure(province)
    publish(procedure.versions.get(), date(2026, 3, 2), effective=date(2026, 5, 1))
    draft = services.draft_start(procedure=procedure, actor=None)

    with pytest.raises(ApplicationError) as refused:
        publish(draft, date(2026, 3, 10))

    assert refused.value.fields == {
        "effective_from": (
            "Phiên bản 1 đã áp dụng từ ngày 01/05/2026; phiên bản mới hơn không thể áp dụng sớm hơn."
        )
    }


def test_an_incomplete_draft_cannot_be_published(province):
    procedure = services.procedure_create(
        code="X.1",
        name="Thủ tục",
        sector=Sector.objects.create(code="s", name="S"),
        level="province",
        owner_unit=province["tuphap"],
        actor=None,
    )

    with pytest.raises(ApplicationError) as refused:
        publish(procedure.versions.get(), date(2026, 3, 2))

    assert refused.value.code == "incomplete"
    assert set(refused.value.fields) == {
        "steps",
        "methods",
        "documents",
        "agencies",
        "results",
        "process",
        "online_reason",
    }
    assert refused.value.fields["steps"] == (
        "Mô tả trình tự thực hiện (điểm b khoản 2 Điều 8 Nghị định 63/2010/NĐ-CP)."
    )


def test_postings_are_checked(province):
    procedure = draft_procedure(province)
    version = publish(procedure.versions.get(), date(2026, 3, 2))

    with pytest.raises(ApplicationError) as before:
        services.posting_record(
            version=version, actor=None, channel="national_database", posted_on=date(2026, 3, 1)
        )
    with pytest.raises(ApplicationError) as future:
        services.posting_record(
            version=version, actor=None, channel="national_database", posted_on=date(2099, 1, 1)
        )
    services.posting_record(
        version=version, actor=None, channel="national_database", posted_on=date(2026, 3, 3)
    )
    with pytest.raises(Conflict) as twice:
        services.posting_record(
            version=version, actor=None, channel="national_database", posted_on=date(2026, 3, 3)
        )

    assert before.value.fields == {"posted_on": "Từ ngày quyết định công bố trở về sau."}
    assert future.value.fields == {"posted_on": "Không được ở tương lai."}
    assert twice.value.code == "posting_exists"
    assert version.postings.count() == 1


def test_retiring_needs_a_reason_and_happens_once(province):
    procedure = draft_procedure(province)

    with pytest.raises(ApplicationError) as no_reason:
        services.procedure_retire(procedure=procedure, actor=None, reason="  ")
    services.procedure_retire(procedure=procedure, actor=None, reason="QĐ 9/QĐ-UBND")
    with pytest.raises(Conflict) as again:
        services.procedure_retire(procedure=procedure, actor=None, reason="QĐ 10/QĐ-UBND")
    with pytest.raises(Conflict) as new_draft:
        services.draft_start(procedure=procedure, actor=None)

    assert no_reason.value.fields == {"reason": "Bắt buộc nhập."}
    assert (again.value.code, new_draft.value.code) == ("already_retired", "retired")
    assert Procedure.objects.get().retirement_reason == "QĐ 9/QĐ-UBND"


def test_sectors_are_created_once_and_renamed(province, actors):
    services.sector_upsert(code="ho-tich", name="Hộ  tịch")
    services.sector_upsert(
        code="ho-tich", name="Hộ tịch và chứng thực", actor=actors["editor of another unit"]
    )
    with pytest.raises(PermissionDenied):
        services.sector_upsert(code="dat-dai", name="Đất đai", actor=actors["citizen"])

    assert list(Sector.objects.values_list("code", "name")) == [("ho-tich", "Hộ tịch và chứng thực")]


def test_reclassifying_a_procedure(province, actors):
    procedure = draft_procedure(province)
    other = Sector.objects.create(code="chung-thuc", name="Chứng thực")

    services.procedure_update(
        procedure=procedure, actor=actors["editor of this unit"], level="both", sector=other
    )
    with pytest.raises(PermissionDenied):
        services.procedure_update(
            procedure=procedure, actor=actors["editor of this unit"], owner_unit=province["nnmt"]
        )

    procedure.refresh_from_db()
    assert (procedure.level, procedure.sector, procedure.owner_unit) == ("both", other, province["tuphap"])
