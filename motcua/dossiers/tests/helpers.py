"""Helpers of the dossier tests (shared by the core, API and edges tests of this app).

`world`: a province with a provincial service centre and two communes, each with its own service centre,
agency codes valid from 2025-07-01, and one person per role. `make_procedure(...)`: a published procedure
version with the given time limit, clock mode, process and documents. `pdf()`: a stored PDF file.
Moments are local (Asia/Ho_Chi_Minh) and fixed: `at(day, hour, minute)` in December 2026 (7 = Monday;
working hours 07:30–11:30 and 13:00–17:00; 24/11/2026 is a holiday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from motcua.accounts.models import Role, RoleGrant, User
from motcua.catalog.models import (
    AgencyRole,
    AgencyScope,
    EForm,
    Procedure,
    ProcedureAgency,
    ProcedureMethod,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Sector,
    VersionStatus,
)
from motcua.dossiers.inputs import Applicant, ComponentInput
from motcua.dossiers.models import Dossier, StoredFile
from motcua.dossiers.storage import store_file
from motcua.organizations.models import AgencyCode, Unit
from motcua.organizations.services import unit_create
from motcua.worktime.calendar import TZ

PASSWORD = "mat-khau-rat-dai-2026"


def at(day: int, hour: int = 8, minute: int = 0, month: int = 12, year: int = 2026) -> dt.datetime:
    """A local moment; December 2026 by default, a month without holidays (7 = Monday)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def make_user(username: str, *grants: tuple[str, Unit], kind: str = User.Kind.STAFF, **extra: Any) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.vn",
        full_name=extra.pop("full_name", username.replace(".", " ").title()),
        kind=kind,
        **extra,
    )
    for role, unit in grants:
        RoleGrant.objects.create(user=user, role=role, unit=unit)
    return user


@dataclass
class World:
    province: Unit
    province_centre: Unit
    commune_a: Unit
    centre_a: Unit
    commune_b: Unit
    centre_b: Unit
    citizen: User
    other_citizen: User
    intake_a: User
    specialist_a: User
    specialist_a2: User
    leader_a: User
    supervisor_a: User
    intake_b: User
    specialist_b: User
    leader_b: User
    intake_province: User
    superuser: User
    codes: dict[str, str] = field(default_factory=dict)


def build_world() -> World:
    province = unit_create(
        name="Ủy ban nhân dân tỉnh Đắk Lắk", level=Unit.Level.PROVINCE, kind=Unit.Kind.PEOPLES_COMMITTEE
    )
    province_centre = unit_create(
        name="Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk",
        level=Unit.Level.PROVINCE,
        kind=Unit.Kind.SERVICE_CENTER,
        parent=province,
    )
    commune_a = unit_create(
        name="Ủy ban nhân dân xã Ea Kar",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        parent=province,
    )
    centre_a = unit_create(
        name="Trung tâm Phục vụ hành chính công xã Ea Kar",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.SERVICE_CENTER,
        parent=commune_a,
    )
    commune_b = unit_create(
        name="Ủy ban nhân dân phường Buôn Ma Thuột",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        parent=province,
    )
    centre_b = unit_create(
        name="Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.SERVICE_CENTER,
        parent=commune_b,
    )
    codes = {
        "province": "H15",
        "province_centre": "H15.50",
        "commune_a": "H15.50.05",
        "centre_a": "H15.50.05.13",
        "commune_b": "H15.50.06",
        "centre_b": "H15.50.06.01",
    }
    units = {
        "province": province,
        "province_centre": province_centre,
        "commune_a": commune_a,
        "centre_a": centre_a,
        "commune_b": commune_b,
        "centre_b": centre_b,
    }
    for key, code in codes.items():
        AgencyCode.objects.create(unit=units[key], code=code, valid_from=dt.date(2025, 7, 1))
    return World(
        province=province,
        province_centre=province_centre,
        commune_a=commune_a,
        centre_a=centre_a,
        commune_b=commune_b,
        centre_b=centre_b,
        citizen=make_user(
            "congdan.an",
            kind=User.Kind.CITIZEN,
            full_name="Nguyễn Văn An",
            personal_id="025085001234",
            phone="0912345678",
            address="Thôn 1, xã Ea Kar",
        ),
        other_citizen=make_user(
            "congdan.binh", kind=User.Kind.CITIZEN, full_name="Trần Thị Bình", personal_id="025190004321"
        ),
        intake_a=make_user("tiepnhan.a", (Role.INTAKE_OFFICER, centre_a)),
        specialist_a=make_user("chuyenvien.a", (Role.SPECIALIST, commune_a)),
        specialist_a2=make_user("chuyenvien.a2", (Role.SPECIALIST, commune_a)),
        leader_a=make_user("lanhdao.a", (Role.LEADER, commune_a)),
        supervisor_a=make_user("giamsat.a", (Role.SUPERVISOR, commune_a)),
        intake_b=make_user("tiepnhan.b", (Role.INTAKE_OFFICER, centre_b)),
        specialist_b=make_user("chuyenvien.b", (Role.SPECIALIST, commune_b)),
        leader_b=make_user("lanhdao.b", (Role.LEADER, commune_b)),
        intake_province=make_user("tiepnhan.tinh", (Role.INTAKE_OFFICER, province_centre)),
        superuser=User.objects.create_superuser(
            username="kythuat", password=PASSWORD, email="kythuat@example.vn", kind=User.Kind.STAFF
        ),
        codes=codes,
    )


@dataclass(frozen=True)
class Step:
    """A process step for `make_procedure`: scope "competent", "receiving", "coordinating" or a Unit."""

    key: str
    role: str
    scope: Any = "competent"
    budget_minutes: int = 480
    actions: Sequence[str] = ()
    after: Sequence[str] = ()


def make_procedure(
    world: World,
    *,
    code: str = "1.001193.000.00.00.H15",
    amount: str | int = 8,
    unit: str = "working_hours",
    convention: str = "hours",
    supplement_clock: str = "pause",
    max_supplements: int = 1,
    channels: Sequence[str] = ("direct", "online", "postal"),
    returns: Sequence[str] = ("counter", "post", "electronic"),
    competent: Sequence[Unit] | str = "each_commune",
    coordinating: Sequence[Unit] = (),
    steps: Sequence[Step] = (),
    documents: Sequence[str] = (),
    cutoff: dt.time | None = None,
    eforms: dict[str, dict[str, Any]] | None = None,
) -> Procedure:
    """A published commune-level procedure (version 1, in force since 2026-01-01)."""
    sector, _created = Sector.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        code=code,
        national_code="1.001193",
        sector=sector,
        level="commune",
        owner_unit=world.province,
        name="Đăng ký khai sinh",
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name="Đăng ký khai sinh",
        time_limit_amount=Decimal(str(amount)),
        time_limit_unit=unit,
        time_limit_convention=convention,
        cutoff_time=cutoff,
        supplement_clock=supplement_clock,
        max_supplement_requests=max_supplements,
        online_level="full",
        return_at_counter="counter" in returns,
        return_by_post="post" in returns,
        return_electronically="electronic" in returns,
    )
    for position, channel in enumerate(channels, start=1):
        ProcedureMethod.objects.create(version=version, position=position, channel=channel)
    position = 0
    if competent == "each_commune":
        position += 1
        ProcedureAgency.objects.create(
            version=version,
            position=position,
            role=AgencyRole.COMPETENT,
            scope=AgencyScope.EACH_COMMUNE_COMMITTEE,
            name="Ủy ban nhân dân cấp xã",
        )
    else:
        for competent_unit in competent:
            position += 1
            ProcedureAgency.objects.create(
                version=version,
                position=position,
                role=AgencyRole.COMPETENT,
                unit=competent_unit,
                name=competent_unit.name,
            )
    for coordinating_unit in coordinating:
        position += 1
        ProcedureAgency.objects.create(
            version=version,
            position=position,
            role=AgencyRole.COORDINATING,
            unit=coordinating_unit,
            name=coordinating_unit.name,
        )
    for position, step in enumerate(steps, start=1):
        is_unit = isinstance(step.scope, Unit)
        ProcessStep.objects.create(
            version=version,
            position=position,
            key=step.key,
            name=step.key.replace("_", " ").capitalize(),
            role=step.role,
            unit_scope="unit" if is_unit else step.scope,
            unit=step.scope if is_unit else None,
            budget_minutes=step.budget_minutes,
            actions=list(step.actions),
            after=list(step.after),
        )
    for position, name in enumerate(documents, start=1):
        RequiredDocument.objects.create(version=version, position=position, name=name)
    for position, (key, schema) in enumerate((eforms or {}).items(), start=1):
        EForm.objects.create(version=version, position=position, key=key, title=key, schema=schema)
    version.status = VersionStatus.PUBLISHED
    version.decision_number = "01/QĐ-UBND"
    version.decision_date = dt.date(2025, 12, 20)
    version.decision_signer = "Chủ tịch"
    version.effective_from = dt.date(2026, 1, 1)
    version.published_at = at(1, month=1)
    version.snapshot = {}
    version.save()
    procedure.latest_version = version
    procedure.save(update_fields=["latest_version"])
    return procedure


_counter = {"n": 0}


def pdf(text: str = "") -> StoredFile:
    """A stored PDF whose content is unique unless `text` is given."""
    _counter["n"] += 1
    body = text or f"content {_counter['n']}"
    return store_file(content=b"%PDF-1.4\n" + body.encode() + b"\n%%EOF\n", filename="to-khai.pdf")


def uploaded(name: str = "Tờ khai đăng ký khai sinh", document: Any = None) -> ComponentInput:
    return ComponentInput(
        name=name, provenance="uploaded", file=pdf(), filename="to-khai.pdf", required_document=document
    )


def walk_in() -> Applicant:
    """An applicant at the counter without an account."""
    return Applicant(
        name="Lê Văn Cường", identifier="025085009999", address="Thôn 3, xã Ea Kar", phone="0987654321"
    )


def channel_of(name: str) -> str:
    return {
        "direct": Dossier.Channel.DIRECT,
        "online": Dossier.Channel.ONLINE,
        "postal": Dossier.Channel.POSTAL,
    }[name]


# --- driving a dossier to a state ------------------------------------------------------------------------


def online_draft(
    world: World, procedure: Procedure, *, when: dt.datetime, return_method: str = "counter"
) -> Dossier:
    """A citizen's online draft at commune A's centre."""
    from motcua.dossiers.services import dossier_create

    return dossier_create(
        actor=world.citizen,
        procedure=procedure,
        applicant=world.citizen,
        channel=Dossier.Channel.ONLINE,
        receiving_unit=world.centre_a,
        form_data={},
        components=[uploaded()],
        return_method=return_method,
        at=when,
    )


def online_submitted(world: World, procedure: Procedure, *, when: dt.datetime, **kwargs: Any) -> Dossier:
    from motcua.dossiers.services import dossier_submit

    dossier = online_draft(world, procedure, when=when, **kwargs)
    return dossier_submit(dossier=dossier, actor=world.citizen, at=when)


def online_received(
    world: World,
    procedure: Procedure,
    *,
    when: dt.datetime,
    received: dt.datetime | None = None,
    **kwargs: Any,
) -> Dossier:
    from motcua.dossiers.services import dossier_receive

    dossier = online_submitted(world, procedure, when=when, **kwargs)
    return dossier_receive(dossier=dossier, actor=world.intake_a, at=received or when)


def counter_received(
    world: World,
    procedure: Procedure,
    *,
    when: dt.datetime,
    return_method: str = "counter",
    officer: User | None = None,
) -> Dossier:
    """A walk-in's dossier received at commune A's counter in one call."""
    from motcua.dossiers.services import counter_intake

    return counter_intake(
        actor=officer or world.intake_a,
        procedure=procedure,
        applicant=walk_in(),
        receiving_unit=world.centre_a if officer is None else officer.grants.get().unit,
        form_data={},
        components=[uploaded()],
        return_method=return_method,
        at=when,
    )


def counter_draft(
    world: World, procedure: Procedure, *, when: dt.datetime, channel: str = "1", **kwargs: Any
) -> Dossier:
    from motcua.dossiers.services import dossier_create

    return dossier_create(
        actor=world.intake_a,
        procedure=procedure,
        applicant=walk_in(),
        channel=channel,
        receiving_unit=world.centre_a,
        form_data={},
        components=[uploaded()],
        return_method="counter",
        at=when,
        **kwargs,
    )


ITEMS = ["Bản sao giấy chứng sinh"]
REASON = "Thiếu giấy chứng sinh"


def in_state(world: World, procedure: Procedure, status: str) -> Dossier:
    """An online dossier of `world.citizen` at commune A brought to `status` on Monday 7/12/2026
    (received at 09:00; 8 working hours: due Tuesday 8/12 09:00; default process)."""
    from motcua.dossiers import services

    if status == Dossier.Status.DRAFT:
        return online_draft(world, procedure, when=at(7, 8))
    dossier = online_submitted(world, procedure, when=at(7, 8))
    if status == Dossier.Status.SUBMITTED:
        return dossier
    if status == Dossier.Status.SUPPLEMENT_AT_INTAKE:
        return services.dossier_ask_supplement_at_intake(
            dossier=dossier, actor=world.intake_a, items=ITEMS, reason=REASON, at=at(7, 9)
        )
    if status == Dossier.Status.REFUSED_AT_INTAKE:
        return services.dossier_refuse_intake(
            dossier=dossier, actor=world.intake_a, reason=REASON, at=at(7, 9)
        )
    dossier = services.dossier_receive(dossier=dossier, actor=world.intake_a, at=at(7, 9))
    if status == Dossier.Status.PROCESSING:
        return dossier
    if status == Dossier.Status.WAITING_SUPPLEMENT:
        return services.dossier_ask_supplement(
            dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
        )
    if status == Dossier.Status.REJECTED:
        return services.dossier_reject(dossier=dossier, actor=world.leader_a, reason=REASON, at=at(7, 10))
    if status == Dossier.Status.STOPPED:
        return services.dossier_stop(
            dossier=dossier, actor=world.intake_a, reason="Đề nghị dừng", at=at(7, 10)
        )
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))
    dossier = services.dossier_approve(
        dossier=dossier, actor=world.leader_a, result_note="Giấy khai sinh", at=at(7, 11)
    )
    if status == Dossier.Status.RESOLVED:
        return dossier
    assert status == Dossier.Status.RETURNED
    return services.dossier_return_result(
        dossier=dossier, actor=world.intake_a, method="counter", at=at(7, 14)
    )
