"""A small public catalogue for the search, API, page and editor tests, built through the services.

    from motcua.catalog.tests.pages_fixtures import catalogue_fixture  # noqa: F401 (the fixture "catalogue")

Two units own procedures: the provincial Department of Justice (civil status, certification) and the
people's committee of commune A. Every account kind the permission tests need is here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import Role, RoleGrant, User
from motcua.catalog import services
from motcua.catalog.demo_catalogue import load_demo_catalogue
from motcua.catalog.models import Level, Procedure, Sector
from motcua.catalog.search import search_reindex
from motcua.organizations.models import Unit
from motcua.organizations.services import unit_create
from motcua.worktime.calendar import TZ

PASSWORD = "mat-khau-bien-tap-2026"
DECISION_DATE = date(2026, 1, 5)
EFFECTIVE_FROM = date(2026, 1, 12)
PUBLISHED_AT = datetime(2026, 1, 5, 15, 0, tzinfo=TZ)


def content(
    name: str,
    *,
    implementing: Unit,
    competent: Unit,
    receiving: Unit,
    results: tuple[str, ...] = ("Giấy chứng nhận",),
    amount: str = "3",
    online_amount: str | None = "2",
    **extra: Any,
) -> dict[str, Any]:
    """A complete version content (every ND 63/2010 art. 8(2) component) in the format of `content.py`."""
    online: dict[str, Any] = {"channel": "online", "description": "Qua Cổng Dịch vụ công quốc gia."}
    if online_amount is not None:
        online |= {"time_limit_amount": online_amount, "time_limit_unit": "working_days"}
    values: dict[str, Any] = {
        "name": name,
        "requirements": "Không quy định.",
        "dossier_sets": 1,
        "subjects_citizens": True,
        "subjects_organizations": False,
        "subjects_note": "Công dân Việt Nam.",
        "time_limit_amount": amount,
        "time_limit_unit": "working_days",
        "time_limit_convention": "hours",
        "online_level": "partial",
        "online_reason": "presence",
        "online_reason_text": "Người yêu cầu phải xuất trình bản chính khi nhận kết quả.",
        "return_methods": ["counter", "post"],
        "steps": [
            {"title": "Nộp hồ sơ", "description": "Người yêu cầu nộp hồ sơ tại bộ phận một cửa."},
            {"title": "Nhận kết quả", "description": "Theo ngày hẹn trên phiếu."},
        ],
        "methods": [
            {"channel": "direct", "description": "Tại Trung tâm Phục vụ hành chính công."},
            online,
        ],
        "agencies": [
            {"role": "implementing", "unit": implementing.external_key, "name": implementing.name},
            {"role": "competent", "unit": competent.external_key, "name": competent.name},
            {"role": "receiving", "unit": receiving.external_key, "name": receiving.name},
        ],
        "documents": [
            {"name": "Tờ khai theo mẫu", "originals": 1, "copies": 0, "eform": "to-khai"},
            {"name": "Giấy tờ tùy thân", "kind": "show", "originals": 1, "lookup_database": "population"},
        ],
        "fees": [
            {"kind": "charge", "name": "Lệ phí", "amount_vnd": 8000, "per": "lần", "channel": "direct"},
            {"kind": "charge", "name": "Lệ phí", "amount_vnd": 0, "per": "lần", "channel": "online"},
        ],
        "results": [{"name": result, "validity": "Không thời hạn"} for result in results],
        "legal_bases": [
            {
                "kind": "law",
                "number": "60/2014/QH13",
                "title": "Luật Hộ tịch",
                "issuer": "Quốc hội",
                "issued_on": "2014-11-20",
                "effective_on": "2016-01-01",
            }
        ],
        "eforms": [
            {
                "key": "to-khai",
                "title": "Tờ khai",
                "form_reference": "Mẫu tờ khai (minh họa)",
                "schema": {
                    "type": "object",
                    "properties": {"full_name": {"type": "string", "title": "Họ và tên", "maxLength": 100}},
                    "required": ["full_name"],
                },
            }
        ],
        "process": [
            {
                "key": "receive",
                "name": "Tiếp nhận",
                "role": "intake_officer",
                "unit_scope": "receiving",
                "budget_minutes": 240,
                "actions": ["receive"],
            },
            {
                "key": "decide",
                "name": "Giải quyết",
                "role": "leader",
                "unit_scope": "competent",
                "budget_minutes": 480,
                "actions": ["approve", "return_result"],
                "after": ["receive"],
            },
        ],
    }
    return values | extra


def publish(version: Any, *, number: str = "15/QĐ-UBND", effective_from: date = EFFECTIVE_FROM) -> Any:
    return services.version_publish(
        version=version,
        actor=None,
        decision_number=number,
        decision_date=DECISION_DATE,
        decision_signer="Chủ tịch UBND tỉnh",
        effective_from=effective_from,
        published_at=PUBLISHED_AT,
    )


def published_procedure(
    *,
    code: str,
    name: str,
    sector: Sector,
    owner: Unit,
    level: str = Level.COMMUNE,
    national_code: str = "",
    **content_values: Any,
) -> Procedure:
    """A procedure created, filled and published through the services (no actor: the system)."""
    procedure = services.procedure_create(
        code=code,
        name=name,
        sector=sector,
        level=level,
        owner_unit=owner,
        actor=None,
        national_code=national_code,
    )
    draft = procedure.versions.get()
    defaults = {"implementing": owner, "competent": owner, "receiving": owner}
    services.draft_save_content(
        version=draft, actor=None, content=content(name, **(defaults | content_values))
    )
    publish(draft)
    procedure.refresh_from_db()
    return procedure


@dataclass
class Catalogue:
    province: Unit
    justice: Unit
    commune_a: Unit
    commune_b: Unit
    civil_status: Sector
    certification: Sector
    birth: Procedure
    birth_copy: Procedure
    marriage: Procedure
    death: Procedure
    certify: Procedure
    draft_only: Procedure
    citizen: User
    editor_justice: User
    editor_commune_b: User
    admin_province: User
    superuser: User


def make_user(username: str, *grants: tuple[str, Unit], kind: str = User.Kind.STAFF) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, kind=kind, full_name=username.replace(".", " ").title()
    )
    for role, unit in grants:
        RoleGrant.objects.create(user=user, role=role, unit=unit)
    return user


def build_catalogue() -> Catalogue:
    province = unit_create(
        name="Ủy ban nhân dân tỉnh Phú Thọ",
        level=Unit.Level.PROVINCE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        external_key="UBND-PT",
    )
    justice = unit_create(
        name="Sở Tư pháp tỉnh Phú Thọ",
        level=Unit.Level.PROVINCE,
        kind=Unit.Kind.DEPARTMENT,
        parent=province,
        external_key="STP-PT",
    )
    commune_a = unit_create(
        name="Ủy ban nhân dân xã Thanh Ba",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        parent=province,
        external_key="XA-THANHBA",
    )
    commune_b = unit_create(
        name="Ủy ban nhân dân phường Vân Phú",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        parent=province,
        external_key="PHUONG-VANPHU",
    )
    civil_status = services.sector_upsert(code="ho-tich", name="Hộ tịch")
    certification = services.sector_upsert(code="chung-thuc", name="Chứng thực")
    common = {"sector": civil_status, "owner": justice, "competent": commune_a, "receiving": commune_a}
    birth = published_procedure(
        code="1.001193.000.00.00.H44",
        national_code="1.001193",
        name="Đăng ký khai sinh",
        results=("Giấy khai sinh",),
        **common,
    )
    birth_copy = published_procedure(
        code="2.000635.000.00.00.H44",
        national_code="2.000635",
        name="Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        results=("Bản sao Giấy khai sinh",),
        **common,
    )
    marriage = published_procedure(
        code="1.000894.000.00.00.H44",
        national_code="1.000894",
        name="Đăng ký kết hôn",
        results=("Giấy chứng nhận kết hôn",),
        amount="5",
        online_amount=None,
        **common,
    )
    death = published_procedure(
        code="1.000656.000.00.00.H44",
        national_code="1.000656",
        name="Đăng ký khai tử",
        results=("Trích lục khai tử",),
        **common,
    )
    certify = published_procedure(
        code="2.000815.000.00.00.H44",
        national_code="2.000815",
        name="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        sector=certification,
        owner=commune_b,
        competent=commune_b,
        receiving=commune_b,
        results=("Bản sao được chứng thực",),
        level=Level.COMMUNE,
    )
    draft_only = services.procedure_create(
        code="9.999999.000.00.00.H44",
        name="Đăng ký khai sinh lưu động",
        sector=civil_status,
        level=Level.COMMUNE,
        owner_unit=justice,
        actor=None,
    )
    search_reindex()
    superuser = User.objects.create_superuser(
        username="kythuat", password=PASSWORD, kind=User.Kind.STAFF, full_name="Kỹ Thuật"
    )
    return Catalogue(
        province=province,
        justice=justice,
        commune_a=commune_a,
        commune_b=commune_b,
        civil_status=civil_status,
        certification=certification,
        birth=birth,
        birth_copy=birth_copy,
        marriage=marriage,
        death=death,
        certify=certify,
        draft_only=draft_only,
        citizen=make_user("congdan", kind=User.Kind.CITIZEN),
        editor_justice=make_user("bientap.stp", (Role.CATALOG_EDITOR, justice)),
        editor_commune_b=make_user("bientap.vanphu", (Role.CATALOG_EDITOR, commune_b)),
        admin_province=make_user("quantri.tinh", (Role.ADMIN, province)),
        superuser=superuser,
    )


@pytest.fixture(name="catalogue")
def catalogue_fixture(db: Any) -> Catalogue:
    return build_catalogue()


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="motcua.accounts.backends.LoginBackend")
    return client


BIRTH_CODE = "1.001193.000.00.00.H44"


@pytest.fixture(name="demo")
def demo_fixture(province: dict[str, Unit]) -> dict[str, Procedure]:
    """The demo catalogue (`load_demo_catalogue`) on the catalogue tests' province, indexed for search;
    procedures by local code."""
    load_demo_catalogue(province=province["tinh"], departments=province, communes=list(province.values()))
    search_reindex()
    return {procedure.code: procedure for procedure in Procedure.objects.select_related("owner_unit")}
