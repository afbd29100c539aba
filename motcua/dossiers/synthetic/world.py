"""The world a synthetic history runs in: the shape of the history (rates, the columns of the random
draws), the demo's procedures at the centres that receive them, the staff and the applicants."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from motcua.accounts.models import Role, RoleGrant, User
from motcua.catalog.models import (
    AgencyRole,
    DocumentKind,
    ProcedureVersion,
    ProcessAction,
    StepScope,
    VersionStatus,
)
from motcua.catalog.selectors import procedure_units, time_limit_of
from motcua.core.errors import ApplicationError
from motcua.dossiers.deadlines import CATALOG_CHANNEL
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStep,
)
from motcua.dossiers.services.common import competent_unit_for, fees_due
from motcua.dossiers.steps import PlanStep, approval_keys, process_plan
from motcua.dossiers.storage import PDF, store_file
from motcua.organizations.models import AgencyCode, Unit
from motcua.worktime import Calendar
from motcua.worktime.selectors import calendar_for_unit

Status = Dossier.Status
Kind = DossierEvent.Kind
Outcome = DossierStep.Outcome
Provenance = DossierComponent.Provenance

# --- the shape of the history -----------------------------------------------------------------------------
CHANNEL_WEIGHTS = (("2", 0.55), ("1", 0.40), ("3", 0.05))  # online, direct, postal (KenhThucHien)
RETURN_WEIGHTS = (("counter", 0.55), ("electronic", 0.30), ("post", 0.15))
OUTSIDE_HOURS = 0.15  # online dossiers sent in the evening or on a day off
DRAFT_RATE = 0.3  # online dossiers created in the last two days and not sent yet
REFUSE_RATE = 0.015
SUPPLEMENT_AT_INTAKE_RATE = 0.04
ABANDON_RATE = 0.10  # of supplement requests: the applicant withdraws or asks to stop instead
INTAKE_DELAY_MEAN = 150  # working minutes from system receipt to receipt (online, postal)
LATE_RATE = 0.08
SUPPLEMENT_RATE = 0.05
APOLOGY_RATE = 0.35  # of the dossiers that will be late
REJECT_RATE = 0.02
STOP_RATE = 0.01
ASSIGNED_RATE = 0.7  # a step opened for a person (else for the role)
REUSE_RATE = 0.2
REPRESENTATIVE_RATE = 0.03
EMAIL_RATE = 0.6  # walk-ins who give an e-mail address
ORGANISATION_RATE = 0.12
# The applicant accounts online dossiers come from (one person files several dossiers over the years).
POOL_RATIO = 12
POOL_MAX = 50_000
SYNTHETIC = "synthetic"
FILE_POOL = 1000  # distinct stored files of a large history
BATCH = 5000

# Columns of the per-dossier uniforms.
(
    S_COMBO, S_CHANNEL, S_DAY, S_TIME, S_OUTSIDE, S_PERSON, S_MIDDLE, S_GIVEN, S_RETURN, S_POSTMARK,
    S_DRAFT, S_DELAY, S_INTAKE, S_WAIT, S_ABANDON, S_DELAY2, S_END, S_FRACTION, S_LATE, S_SUPPLEMENT,
    S_SUPPLEMENT_AT, S_SUPPLEMENT_WAIT, S_SUPPLEMENT_ABANDON, S_APOLOGY, S_APOLOGY_EXTRA, S_STOP_AT,
    S_RETURN_DELAY, S_REUSE, S_CONTACT, S_ADDRESS, S_ORGANISATION, S_CREATED, S_REPRESENTATIVE, S_ID,
    S_ITEMS,
) = range(35)  # fmt: skip
S_STEPS = 40  # then one jitter per step of the process
S_ASSIGN = 52  # then one draw per assignment
SLOTS = 64

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Kim", "Xuân", "Gia"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
         "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Yến"]  # fmt: skip
COMPANY = ["Công ty TNHH", "Công ty cổ phần", "Hợp tác xã"]
SUPPLEMENTS = [
    (["Bản sao giấy khai sinh có chứng thực"], "Thiếu giấy tờ chứng minh nhân thân"),
    (["Tờ khai có chữ ký của người yêu cầu"], "Tờ khai chưa có chữ ký"),
    (
        ["Bản vẽ có xác nhận của đơn vị tư vấn", "Bản sao giấy tờ về quyền sử dụng đất"],
        "Hồ sơ chưa đủ thành phần",
    ),
]
REASON_REFUSE = "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan"
REASON_REJECT = "Không đủ điều kiện theo quy định"
REASON_STOP = "Người nộp hồ sơ đề nghị dừng giải quyết"
REASON_WITHDRAW = "Không còn nhu cầu giải quyết"
REASON_APOLOGY = "Cần xác minh thêm thông tin với cơ quan liên quan"
RESULT_NOTE = "Đã cấp kết quả giải quyết"


# --- the world the history runs in --------------------------------------------------------------------------


@dataclass
class UnitInfo:
    id: int
    name: str
    path: str
    level: str
    calendar: Calendar
    codes: list[tuple[str, dt.date, dt.date | None]]
    staff: dict[str, list[int]] = field(default_factory=dict)

    def code_on(self, day: dt.date) -> str | None:
        for code, valid_from, valid_to in self.codes:
            if valid_from <= day and (valid_to is None or day <= valid_to):
                return code
        return None

    def person(self, role: str, draw: float) -> int:
        people = self.staff[role]
        return people[int(draw * len(people)) % len(people)]


@dataclass
class Combo:
    """A procedure version received at one centre, with what its dossiers need."""

    version: ProcedureVersion
    receiving: UnitInfo
    competent: UnitInfo
    coordinating: list[UnitInfo]
    channels: list[tuple[str, float]]
    returns: list[tuple[str, float]]
    plan: list[PlanStep]
    steps: list[list[UnitInfo]]  # the units of each step of the plan
    approvals: set[str]
    limits: dict[str, tuple[Decimal, str]]
    fees: dict[str, int]
    documents: list[tuple[int, str]]
    organisations: bool
    citizens: bool
    supplement_step: int | None  # the first step where a supplement may be asked


Person = tuple[int, str, str, str, str, str]  # user id, name, identifier, address, phone, email
StoredRef = tuple[int, str]  # stored file id, SHA-256


@dataclass
class World:
    combos: list[Combo]
    weights: np.ndarray
    citizens: list[Person]
    organisations: list[Person]
    files: list[StoredRef]
    start: dt.datetime
    until: dt.datetime
    days: int


def weighted(options: list[tuple[str, float]], draw: float) -> str:
    total = sum(weight for _option, weight in options)
    running = 0.0
    for option, weight in options:
        running += weight / total
        if draw < running:
            return option
    return options[-1][0]


def ensure_staff(units: dict[int, UnitInfo], needs: dict[int, set[str]]) -> int:
    """Every unit gets at least one person for each role its dossiers need: the demo's staff where it has
    some (a grant on an ancestor counts), else a synthetic account without a usable password."""
    created = 0
    grants = list(RoleGrant.objects.active().values_list("user_id", "role", "unit__path").order_by("user_id"))
    for info in units.values():
        for user_id, role, path in grants:
            if info.path.startswith(path):
                info.staff.setdefault(role, [])
                if user_id not in info.staff[role]:
                    info.staff[role].append(user_id)
    for unit_id, roles in sorted(needs.items()):
        info = units[unit_id]
        for role in sorted(roles):
            if info.staff.get(role):
                continue
            username = f"{SYNTHETIC}.{role}.{unit_id}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, kind=User.Kind.STAFF, full_name=f"Cán bộ {info.name}"[:255])
                user.set_unusable_password()
                user.save()
                created += 1
            RoleGrant.objects.get_or_create(user=user, role=role, unit_id=unit_id, revoked_at=None)
            info.staff[role] = [user.pk]
    return created


def _pool(kind: str, count: int, prefix_digits: str) -> list[Person]:
    """The applicant accounts online dossiers come from, created once (`synthetic.<kind>.NNNNNN`)."""
    prefix = f"{SYNTHETIC}.{kind}."
    existing = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    organisation = kind == "doanhnghiep"
    new = []
    for index in range(count):
        username = f"{prefix}{index:06d}"
        if username in existing:
            continue
        name = person_name(
            (index * 7919) % 997 / 997, (index * 104729) % 991 / 991, (index * 15485863) % 983 / 983
        )
        user = User(
            username=username,
            kind=User.Kind.ORGANIZATION if organisation else User.Kind.CITIZEN,
            full_name=f"{COMPANY[index % len(COMPANY)]} {name.split()[-1]} {index:05d}"
            if organisation
            else name,
            email=f"{username}@synthetic.motcua.local",
            phone=f"09{index % 10**8:08d}",
            address=f"Số {index % 200 + 1}, tổ {index % 30 + 1}",
        )
        if organisation:
            user.tax_code = f"{prefix_digits}{index:07d}"
        else:
            user.personal_id = f"{prefix_digits}{index:06d}"
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=2000)
    rows = (
        User.objects.filter(username__startswith=prefix)
        .order_by("username")
        .values_list(
            "pk", "full_name", "tax_code" if organisation else "personal_id", "address", "phone", "email"
        )
    )
    return [
        (pk, name, ident or "", address, phone, email)
        for pk, name, ident, address, phone, email in rows[:count]
    ]


def person_name(a: float, b: float, c: float) -> str:
    return f"{FAMILY[int(a * len(FAMILY))]} {MIDDLE[int(b * len(MIDDLE))]} {GIVEN[int(c * len(GIVEN))]}"


def file_pool_size(count: int) -> int:
    """How many distinct files the components of `count` dossiers point at: one per 100 dossiers, at
    least 8, at most `FILE_POOL` (a province's forms and scans referenced many times)."""
    return max(8, min(FILE_POOL, count // 100))


def _files(size: int) -> list[StoredRef]:
    """The stored PDFs the synthetic components point at, as (id, SHA-256): content-addressed, so each is
    stored once however many components and runs reference it; 1 to 24 KB each."""
    files = []
    for index in range(size):
        head = b"%PDF-1.4\n% motcua synthetic document " + str(index).encode() + b"\n"
        padding = b"% " + b"motcua " * 146 + b"\n"  # 1 KB of comment lines
        content = head + padding * (1 + index * 37 % 24) + b"%%EOF\n"
        stored = store_file(content=content, filename=f"synthetic-{index}.pdf", content_type=PDF)
        files.append((stored.pk, stored.sha256))
    return files


def _combo_weight(receiving: UnitInfo, competent: UnitInfo) -> float:
    """A commune's centre receives its commune's dossiers; the provincial centre most of the provincial
    ones; any centre may receive the others (ND 118/2025 art. 14), rarely."""
    if receiving.path.startswith(competent.path):
        return 1.0
    if receiving.level == Unit.Level.PROVINCE:
        return 4.0
    return 0.15


def _units_of(
    step: PlanStep,
    receiving: UnitInfo,
    competent: UnitInfo,
    coordinating: list[UnitInfo],
    units: dict[int, UnitInfo],
) -> list[UnitInfo]:
    """The units a step runs in (`steps._units_for`)."""
    if step.scope == StepScope.UNIT and step.unit_id is not None:
        return [units[step.unit_id]]
    if step.scope == StepScope.RECEIVING:
        return [receiving]
    if step.scope == StepScope.COORDINATING:
        return coordinating or [competent]
    return [competent]


def build_world(*, count: int, until: dt.datetime, days: int) -> World:
    """The combos (procedure version in force × receiving centre), units, staff and applicants of the
    demo. ValueError when the database has no procedure a centre can receive."""
    centres = list(
        Unit.objects.filter(
            is_active=True, kind__in=[Unit.Kind.SERVICE_CENTER, Unit.Kind.RECEPTION_POINT]
        ).order_by("path")
    )
    versions: dict[int, ProcedureVersion] = {}
    for version in (
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED, procedure__retired_at__isnull=True)
        .select_related("procedure", "procedure__owner_unit")
        .prefetch_related("methods", "fees", "documents", "process_steps", "agencies")
        .order_by("procedure__code", "number")
    ):
        versions[version.procedure_id] = version  # the latest published version of each procedure
    raw: list[tuple[ProcedureVersion, Unit, Unit, list[Unit]]] = []
    for version in versions.values():
        coordinating = list(procedure_units(version=version, role=AgencyRole.COORDINATING))
        for centre in centres:
            try:
                competent = competent_unit_for(version, centre, None)
            except ApplicationError:
                continue
            raw.append(
                (version, centre, competent, [unit for unit in coordinating if unit.pk != competent.pk])
            )
    if not raw:
        raise ValueError("no published procedure can be received at an active centre")
    wanted: set[int] = set()
    for version, centre, competent, coordinating in raw:
        wanted |= {centre.pk, competent.pk, *(unit.pk for unit in coordinating)}
        wanted |= {step.unit_id for step in version.process_steps.all() if step.unit_id}
    codes: dict[int, list[tuple[str, dt.date, dt.date | None]]] = defaultdict(list)
    for code in AgencyCode.objects.filter(unit_id__in=wanted).order_by("valid_from"):
        codes[code.unit_id].append((code.code, code.valid_from, code.valid_to))
    units = {
        unit.pk: UnitInfo(
            unit.pk, unit.name, unit.path, unit.level, calendar_for_unit(unit=unit.pk), codes[unit.pk]
        )
        for unit in Unit.objects.filter(pk__in=wanted)
    }
    needs: dict[int, set[str]] = defaultdict(set)
    combos, weights = [], []
    for version, centre, competent, coordinating in raw:
        receiving, competent_info = units[centre.pk], units[competent.pk]
        if not receiving.codes:
            continue  # a centre without an agency code cannot give codes
        coordinating_info = [units[unit.pk] for unit in coordinating]
        plan = list(process_plan(version).values())
        steps = [_units_of(step, receiving, competent_info, coordinating_info, units) for step in plan]
        offered = {method.channel for method in version.methods.all()}
        channels = [
            (code, weight)
            for code, weight in CHANNEL_WEIGHTS
            if not offered or CATALOG_CHANNEL[code] in offered
        ]
        returns = [(method, weight) for method, weight in RETURN_WEIGHTS if method in version.return_methods]
        if not channels or not returns:
            continue
        supplement_step = next(
            (
                index
                for index, step in enumerate(plan)
                if ProcessAction.REQUEST_SUPPLEMENT in step.actions and step.role == Role.SPECIALIST
            ),
            None,
        )
        combos.append(
            Combo(
                version=version,
                receiving=receiving,
                competent=competent_info,
                coordinating=coordinating_info,
                channels=channels,
                returns=returns,
                plan=plan,
                steps=steps,
                approvals=approval_keys({step.key: step for step in plan}),
                limits={code: time_limit_of(version, name) for code, name in CATALOG_CHANNEL.items()},
                fees={code: fees_due(version, code) for code in CATALOG_CHANNEL},
                documents=[
                    (document.pk, document.name)
                    for document in version.documents.all()
                    if document.kind == DocumentKind.SUBMIT and document.required and not document.group
                ][:3],
                organisations=version.subjects_organizations,
                citizens=version.subjects_citizens,
                supplement_step=supplement_step,
            )
        )
        weights.append(_combo_weight(receiving, competent_info))
        needs[centre.pk].add(Role.INTAKE_OFFICER)
        needs[competent.pk] |= {Role.SPECIALIST, Role.LEADER}
        for step, step_units in zip(plan, steps, strict=True):
            for info in step_units:
                needs[info.id].add(step.role)
    if not combos:
        raise ValueError("no published procedure can be received at an active centre with an agency code")
    ensure_staff(units, needs)
    cumulative = np.cumsum(np.array(weights) / sum(weights))
    pool = max(50, min(POOL_MAX, count // POOL_RATIO))
    return World(
        combos=combos,
        weights=cumulative,
        citizens=_pool("congdan", pool, "0269"),
        organisations=_pool("doanhnghiep", max(10, pool // 10), "269"),
        files=_files(file_pool_size(count)),
        start=until - dt.timedelta(days=days),
        until=until,
        days=days,
    )


def uniforms(seed: int, first: int, count: int) -> np.ndarray:
    """The uniforms of dossiers first … first+count-1: one row each, the same whatever the batch size."""
    rows = []
    block = 4096
    for start in range(first - first % block, first + count, block):
        generator = np.random.default_rng([seed, start // block])
        rows.append((start, generator.random((block, SLOTS))))
    matrix = np.concatenate([values for _start, values in rows])
    offset = first - rows[0][0]
    return matrix[offset : offset + count]
