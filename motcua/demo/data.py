"""The demo province: Phú Thọ as merged on 1 July 2025 (Phú Thọ + Vĩnh Phúc + Hòa Bình; LEGAL.md §9).

Names and agency e-ID codes of the provincial office, two departments and the communes are the ones the
national portal publishes for Phú Thọ (domain/kpi766_sample.json, captured September 2026). Codes in the
H44.9x range, the ".50" codes of the public-service centres and the pre-reform code are illustrative: our
sources do not give the real ones. Every person, personal ID number and tax code here is fictitious.

Everything is created through the services, as an administrator and the people themselves would. The
accounts are listed in README.md ("Demo accounts"); a test keeps the two in step.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.test.utils import override_settings

from motcua.accounts.links import email_verification_tokens, make_link_token, password_reset_tokens
from motcua.accounts.models import Role, User
from motcua.accounts.services import (
    citizen_sign_up,
    email_verify,
    organization_sign_up,
    password_reset_confirm,
    staff_create,
)
from motcua.catalog.demo_catalogue import load_demo_catalogue
from motcua.documents.demo import load_demo_certificates
from motcua.dossiers.demo_dossiers import load_demo_dossiers
from motcua.organizations.models import Unit
from motcua.organizations.services import agency_code_assign, unit_create

# Published in README.md: demo accounts only, never a production secret.
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105

# The day the two-tier local government and the re-issued codes took effect (NQ 202/2025/QH15).
REFORM_DATE = datetime.date(2025, 7, 1)
SUPERUSER = "admin"
EMAIL_DOMAIN = "demo.motcua.local"


@dataclass(frozen=True)
class DemoUnit:
    key: str
    parent: str | None
    name: str
    short_name: str
    level: Unit.Level
    kind: Unit.Kind
    code: str


@dataclass(frozen=True)
class LegacyCode:
    """A code the unit held before the reform, replaced by its current one (the merger lineage)."""

    unit: str
    code: str
    valid_from: datetime.date


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    role: Role
    unit: str


@dataclass(frozen=True)
class DemoApplicant:
    """A citizen (signs in with the personal ID number) or an organisation (with its tax code)."""

    identifier: str
    full_name: str
    kind: User.Kind
    email_name: str
    phone: str
    representative: str = ""


P, C = Unit.Level.PROVINCE, Unit.Level.COMMUNE
PC, DEPT, VERTICAL = Unit.Kind.PEOPLES_COMMITTEE, Unit.Kind.DEPARTMENT, Unit.Kind.VERTICAL_AGENCY
CENTRE, POINT = Unit.Kind.SERVICE_CENTER, Unit.Kind.RECEPTION_POINT


def _commune(key: str, kind_word: str, place: str, code: str) -> list[DemoUnit]:
    """A commune or ward people's committee and its public-service centre (ND 118/2025 Art 7)."""
    return [
        DemoUnit(
            key, "tinh", f"Ủy ban nhân dân {kind_word} {place}", f"UBND {kind_word} {place}", C, PC, code
        ),
        DemoUnit(
            f"ttpvhcc.{key}",
            key,
            f"Trung tâm Phục vụ hành chính công {kind_word} {place}",
            f"Trung tâm PVHCC {kind_word} {place}",
            C,
            CENTRE,
            f"{code}.50",
        ),
    ]


# Parents come before their children.
UNITS: list[DemoUnit] = [
    DemoUnit("tinh", None, "Ủy ban nhân dân tỉnh Phú Thọ", "UBND tỉnh Phú Thọ", P, PC, "H44"),
    DemoUnit(
        "vp", "tinh", "Văn phòng Ủy ban nhân dân tỉnh Phú Thọ", "Văn phòng UBND tỉnh", P, DEPT, "H44.01"
    ),
    DemoUnit(
        "ttpvhcc.tinh",
        "vp",
        "Trung tâm Phục vụ hành chính công tỉnh Phú Thọ",
        "Trung tâm PVHCC tỉnh",
        P,
        CENTRE,
        "H44.01.50",
    ),
    DemoUnit("congthuong", "tinh", "Sở Công Thương tỉnh Phú Thọ", "Sở Công Thương", P, DEPT, "H44.07"),
    DemoUnit(
        "giaoduc", "tinh", "Sở Giáo dục và Đào tạo tỉnh Phú Thọ", "Sở Giáo dục và Đào tạo", P, DEPT, "H44.08"
    ),
    DemoUnit("tuphap", "tinh", "Sở Tư pháp tỉnh Phú Thọ", "Sở Tư pháp", P, DEPT, "H44.91"),
    DemoUnit("xaydung", "tinh", "Sở Xây dựng tỉnh Phú Thọ", "Sở Xây dựng", P, DEPT, "H44.92"),
    DemoUnit(
        "nnmt",
        "tinh",
        "Sở Nông nghiệp và Môi trường tỉnh Phú Thọ",
        "Sở Nông nghiệp và Môi trường",
        P,
        DEPT,
        "H44.93",
    ),
    DemoUnit("taichinh", "tinh", "Sở Tài chính tỉnh Phú Thọ", "Sở Tài chính", P, DEPT, "H44.94"),
    DemoUnit("yte", "tinh", "Sở Y tế tỉnh Phú Thọ", "Sở Y tế", P, DEPT, "H44.95"),
    # A vertical agency: receives through the provincial centre, answers to its ministry (LEGAL.md §9).
    DemoUnit("congan", "tinh", "Công an tỉnh Phú Thọ", "Công an tỉnh", P, VERTICAL, "H44.96"),
    *_commune("vanphu", "phường", "Vân Phú", "H44.103"),
    *_commune("thanhmieu", "phường", "Thanh Miếu", "H44.102"),
    *_commune("phuninh", "xã", "Phù Ninh", "H44.112"),
    *_commune("thanhba", "xã", "Thanh Ba", "H44.117"),
    *_commune("bangluan", "xã", "Bằng Luân", "H44.127"),
    *_commune("dongluong", "xã", "Đồng Lương", "H44.137"),
    # A commune centre may run reception points (điểm tiếp nhận; ND 118/2025 Art 7).
    DemoUnit(
        "diemtiepnhan.thanhba",
        "ttpvhcc.thanhba",
        "Điểm tiếp nhận số 2, Trung tâm Phục vụ hành chính công xã Thanh Ba",
        "Điểm tiếp nhận số 2 xã Thanh Ba",
        C,
        POINT,
        "H44.117.50.02",
    ),
]

# Phường Thanh Miếu belonged to the former Việt Trì city until 30 June 2025 (illustrative code).
LEGACY_CODES: list[LegacyCode] = [LegacyCode("thanhmieu", "H44.20.05", datetime.date(2021, 1, 1))]

STAFF: list[DemoStaff] = [
    DemoStaff("quantri.tinh", "Nguyễn Minh Quân", Role.ADMIN, "tinh"),
    DemoStaff("giamsat.tinh", "Đỗ Thị Thu Hà", Role.SUPERVISOR, "tinh"),
    DemoStaff("tiepnhan.tinh", "Trần Thị Hồng Nhung", Role.INTAKE_OFFICER, "ttpvhcc.tinh"),
    DemoStaff("chuyenvien.tuphap", "Lê Văn Hùng", Role.SPECIALIST, "tuphap"),
    DemoStaff("lanhdao.tuphap", "Phạm Quốc Trung", Role.LEADER, "tuphap"),
    DemoStaff("danhmuc.tuphap", "Hoàng Thị Lan", Role.CATALOG_EDITOR, "tuphap"),
    DemoStaff("chuyenvien.nnmt", "Bùi Đức Thắng", Role.SPECIALIST, "nnmt"),
    DemoStaff("quantri.xa.vanphu", "Vũ Thị Mai", Role.ADMIN, "vanphu"),
    DemoStaff("tiepnhan.xa.vanphu", "Ngô Thị Thảo", Role.INTAKE_OFFICER, "ttpvhcc.vanphu"),
    DemoStaff("chuyenvien.xa.vanphu", "Đinh Văn Long", Role.SPECIALIST, "vanphu"),
    DemoStaff("lanhdao.xa.vanphu", "Nguyễn Văn Tiến", Role.LEADER, "vanphu"),
    DemoStaff("tiepnhan.xa.thanhba", "Hà Thị Phương", Role.INTAKE_OFFICER, "ttpvhcc.thanhba"),
    # An integration account: the client the national portal (DVCQG) uses to push dossiers in.
    DemoStaff("tichhop.dvcqg", "Cổng Dịch vụ công quốc gia", Role.INTEGRATOR, "tinh"),
]

# Personal ID numbers follow the CCCD layout: province-of-birth code (025 Phú Thọ, 026 Vĩnh Phúc,
# 017 Hòa Bình), a sex-and-century digit, the two-digit birth year, six digits. All fictitious, as is the
# tax code (26: Phú Thọ's prefix; its last digit is a valid check digit).
APPLICANTS: list[DemoApplicant] = [
    DemoApplicant("025085001234", "Nguyễn Văn An", User.Kind.CITIZEN, "congdan.an", "0912000001"),
    DemoApplicant("026192004567", "Trần Thị Bình", User.Kind.CITIZEN, "congdan.binh", "0912000002"),
    DemoApplicant("017201007890", "Hà Văn Cường", User.Kind.CITIZEN, "congdan.cuong", "0912000003"),
    DemoApplicant(
        "2600123455",
        "Công ty TNHH Chè Hùng Vương",
        User.Kind.ORGANIZATION,
        "doanhnghiep.hungvuong",
        "0912000004",
        representative="Lê Thị Hương",
    ),
]


def demo_is_loaded() -> bool:
    return User.objects.filter(username=SUPERUSER).exists()


def _create_superuser() -> User:
    # What `createsuperuser` does: the technical account of the Django admin site, outside every unit.
    return User.objects.create_superuser(
        username=SUPERUSER,
        email=f"{SUPERUSER}@{EMAIL_DOMAIN}",
        password=DEMO_PASSWORD,
        full_name="Quản trị kỹ thuật",
        kind=User.Kind.STAFF,
    )


def _load_units(actor: User) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    legacy_by_unit = {legacy.unit: legacy for legacy in LEGACY_CODES}
    for spec in UNITS:
        unit = unit_create(
            name=spec.name,
            short_name=spec.short_name,
            level=spec.level,
            kind=spec.kind,
            parent=units[spec.parent] if spec.parent else None,
            external_key=f"demo.{spec.key}",
            actor=actor,
        )
        units[spec.key] = unit
        if legacy := legacy_by_unit.get(spec.key):
            # Assigning the new code below ends this one on 30 June 2025 and links it (replaced_by).
            agency_code_assign(unit=unit, code=legacy.code, valid_from=legacy.valid_from, actor=actor)
        agency_code_assign(unit=unit, code=spec.code, valid_from=REFORM_DATE, actor=actor)
    return units


def _load_staff(actor: User, units: dict[str, Unit]) -> list[User]:
    accounts = []
    for staff in STAFF:
        user = staff_create(
            actor=actor,
            username=staff.username,
            full_name=staff.full_name,
            email=f"{staff.username}@{EMAIL_DOMAIN}",
            unit=units[staff.unit],
            roles=[staff.role],
        )
        # What the officer does with the set-password link of the welcome e-mail.
        password_reset_confirm(token=make_link_token(user, password_reset_tokens), password=DEMO_PASSWORD)
        accounts.append(user)
    return accounts


def _load_applicants() -> list[User]:
    accounts = []
    for applicant in APPLICANTS:
        email = f"{applicant.email_name}@{EMAIL_DOMAIN}"
        if applicant.kind == User.Kind.CITIZEN:
            user = citizen_sign_up(
                personal_id=applicant.identifier,
                full_name=applicant.full_name,
                email=email,
                phone=applicant.phone,
                password=DEMO_PASSWORD,
            )
        else:
            user = organization_sign_up(
                tax_code=applicant.identifier,
                name=applicant.full_name,
                email=email,
                phone=applicant.phone,
                password=DEMO_PASSWORD,
                representative=applicant.representative,
            )
        # What the person does with the verification link of the sign-up e-mail.
        email_verify(token=make_link_token(user, email_verification_tokens))
        accounts.append(user)
    return accounts


@transaction.atomic
def _load() -> str:
    admin = _create_superuser()
    units = _load_units(admin)
    accounts = [admin, *_load_staff(admin, units), *_load_applicants()]
    load_demo_catalogue(province=units["tinh"], departments=units, communes=list(units.values()))
    load_demo_dossiers(units=units)
    load_demo_certificates(units=list(units.values()))
    return f"{len(units)} units, {len(accounts)} accounts"


def load_demo() -> str:
    """Create the demo province, its staff and applicants. Call once, on a database without them.

    The services e-mail set-password and verification links once the transaction commits; the demo sets
    the passwords and verifies the addresses itself, so those e-mails go nowhere (a configured SMTP
    server would only bounce them).
    """
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load()
