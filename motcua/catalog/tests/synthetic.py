"""A synthetic catalogue of N published procedures, inserted in bulk (the scale test and bench/catalog.py).

Names are drawn from the words real provincial catalogues use (verbs, objects, qualifiers, sectors), and
every real procedure name that contains "khai sinh" appears many times over, so that ranking birth
registration first means something. Each version holds every component (one or two rows per table), is
published (decision, snapshot) and is the procedure's latest version; the search index is rebuilt.

Bulk insertion bypasses the services on purpose (thousands of procedures in seconds); the rows satisfy
the same database constraints, and the versions are inserted as drafts with their rows and then published
in one UPDATE, as the immutability triggers require.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery

from motcua.catalog.models import (
    Fee,
    LegalBasis,
    Level,
    Procedure,
    ProcedureAgency,
    ProcedureMethod,
    ProcedureResult,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Sector,
    SequenceStep,
    VersionStatus,
)
from motcua.catalog.search import search_reindex
from motcua.organizations.models import Unit
from motcua.worktime.calendar import TZ

SECTOR_NAMES = (
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Hoạt động xây dựng",
    "Quy hoạch xây dựng, kiến trúc",
    "Nhà ở",
    "Thành lập và hoạt động của doanh nghiệp",
    "Thành lập và hoạt động của hộ kinh doanh",
    "Đầu tư tại Việt Nam",
    "Lưu thông hàng hóa trong nước",
    "An toàn thực phẩm",
    "Trồng trọt",
    "Chăn nuôi",
    "Thú y",
    "Thủy sản",
    "Lâm nghiệp",
    "Thủy lợi",
    "Tài nguyên nước",
    "Môi trường",
    "Khoáng sản",
    "Giáo dục và đào tạo",
    "Giáo dục nghề nghiệp",
    "Khám bệnh, chữa bệnh",
    "Dược phẩm",
    "Bảo trợ xã hội",
    "Người có công",
    "Việc làm",
    "Lao động, tiền lương",
    "Văn hóa",
    "Thể dục thể thao",
    "Du lịch",
    "Báo chí",
    "Xuất bản, in và phát hành",
    "Đường bộ",
    "Đường thủy nội địa",
    "Tôn giáo",
    "Thi đua, khen thưởng",
    "Nuôi con nuôi",
    "Lý lịch tư pháp",
    "Quốc tịch",
)
VERBS = (
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Cấp mới",
    "Gia hạn",
    "Điều chỉnh",
    "Đăng ký",
    "Đăng ký thay đổi",
    "Đăng ký lại",
    "Thu hồi",
    "Xác nhận",
    "Thẩm định",
    "Phê duyệt",
    "Công nhận",
    "Chấm dứt",
    "Thông báo",
    "Chứng thực",
    "Cho phép",
    "Giải quyết",
    "Hỗ trợ",
)
OBJECTS = (
    "giấy phép xây dựng",
    "Giấy chứng nhận quyền sử dụng đất",
    "giấy chứng nhận đăng ký hộ kinh doanh",
    "giấy phép kinh doanh",
    "chứng chỉ hành nghề",
    "giấy phép hoạt động",
    "giấy chứng nhận đủ điều kiện",
    "giấy phép môi trường",
    "giấy phép khai thác nước dưới đất",
    "quyết định giao đất",
    "giấy phép lái xe",
    "thẻ bảo hiểm y tế",
    "trợ cấp thất nghiệp",
    "hồ sơ người có công",
    "danh hiệu gia đình văn hóa",
    "bằng tốt nghiệp",
    "văn bằng, chứng chỉ",
    "giấy phép tổ chức lễ hội",
    "giấy phép xuất bản bản tin",
    "phương án khai thác",
    "dự án đầu tư",
    "hợp đồng lao động",
    "nội quy lao động",
    "thỏa ước lao động tập thể",
    "cơ sở trợ giúp xã hội",
    "trường mầm non",
    "cơ sở giáo dục nghề nghiệp",
    "phòng khám đa khoa",
    "nhà thuốc",
    "giấy chứng nhận an toàn thực phẩm",
    "giống cây trồng",
    "cơ sở chăn nuôi",
    "tàu cá",
    "rừng trồng",
    "công trình thủy lợi",
    "mỏ khoáng sản",
    "bản sao trích lục hộ tịch",
    "việc nuôi con nuôi",
    "thay đổi, cải chính hộ tịch",
    "quốc tịch Việt Nam",
)
QUALIFIERS = (
    "",
    "",
    "",
    " cho tổ chức",
    " cho cá nhân",
    " cho hộ gia đình, cá nhân",
    " đối với công trình cấp III, cấp IV",
    " trong khu công nghiệp",
    " có yếu tố nước ngoài",
    " do bị mất, hỏng",
    " khi hết hạn",
    " tại cơ quan đại diện",
    " trên địa bàn tỉnh",
    " theo yêu cầu",
    " lần đầu",
    " đối với doanh nghiệp nhỏ và vừa",
)
# Real procedures of the national database whose names hold "khai sinh" (birth registration's
# neighbours): each appears many times in the synthetic catalogue.
BIRTH_NEIGHBOURS = (
    "Thủ tục đăng ký lại khai sinh",
    "Thủ tục đăng ký khai sinh lưu động",
    "Thủ tục đăng ký khai sinh có yếu tố nước ngoài",
    "Thủ tục đăng ký khai sinh kết hợp nhận cha, mẹ, con",
    "Thủ tục đăng ký lại khai sinh có yếu tố nước ngoài",
    "Thủ tục đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
    "Thủ tục đăng ký khai sinh có yếu tố nước ngoài kết hợp nhận cha, mẹ, con",
    "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
    "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
    "cho trẻ em dưới 6 tuổi",
    "Thủ tục ghi vào Sổ hộ tịch việc khai sinh của công dân Việt Nam đã được giải quyết tại cơ quan có "
    "thẩm quyền của nước ngoài",
)
NEIGHBOUR_SHARE = 0.02
CODE_PREFIX = "9"
DECISION_DATE = date(2026, 1, 5)
PUBLISHED_AT = datetime.combine(DECISION_DATE, time(8, 0), tzinfo=TZ)
BATCH = 2000


def synthetic_names(count: int, *, seed: int = 2026) -> list[str]:
    """`count` procedure names, the same for the same seed."""
    rng = random.Random(seed)
    names = []
    for index in range(count):
        if rng.random() < NEIGHBOUR_SHARE:
            names.append(BIRTH_NEIGHBOURS[index % len(BIRTH_NEIGHBOURS)])
            continue
        prefix = "Thủ tục " if rng.random() < 0.3 else ""
        verb = rng.choice(VERBS)
        name = f"{prefix}{verb if not prefix else verb.lower()} {rng.choice(OBJECTS)}{rng.choice(QUALIFIERS)}"
        names.append(name[0].upper() + name[1:])
    return names


def synthetic_code(index: int) -> str:
    return f"{CODE_PREFIX}.{index:06d}.000.00.00.H44"


def synthetic_national_code(index: int) -> str:
    return f"{CODE_PREFIX}.{index:06d}"


def _snapshot(name: str, result: str, unit: Unit) -> dict[str, Any]:
    agency = {"scope": "unit", "unit": unit.external_key, "name": unit.name, "confirmed": True, "note": ""}
    return {
        "name": name,
        "time_limit_amount": "5",
        "time_limit_unit": "working_days",
        "online_level": "partial",
        "online_reason": "presence",
        "steps": [{"title": "Nộp hồ sơ"}, {"title": "Nhận kết quả"}],
        "methods": [{"channel": "direct"}, {"channel": "online"}],
        "agencies": [{"role": role, **agency} for role in ("implementing", "competent", "receiving")],
        "documents": [{"name": "Đơn đề nghị theo mẫu", "originals": 1, "copies": 0}],
        "fees": [{"kind": "fee", "name": "Phí thẩm định", "amount_vnd": 50000}],
        "results": [{"name": result}],
        "legal_bases": [{"kind": "decree", "number": "118/2025/NĐ-CP"}],
        "eforms": [],
        "process": [
            {
                "key": "xu-ly",
                "name": "Xử lý hồ sơ",
                "role": "specialist",
                "unit_scope": "competent",
                "budget_minutes": 480,
                "actions": ["receive", "appraise", "approve", "return_result"],
            }
        ],
    }


def _children(version: ProcedureVersion, result: str, unit: Unit) -> dict[Any, list[Any]]:
    agencies = [
        ProcedureAgency(
            version=version, position=position, role=role, scope="unit", unit=unit, name=unit.name
        )
        for position, role in enumerate(("implementing", "competent", "receiving"), start=1)
    ]
    return {
        SequenceStep: [
            SequenceStep(version=version, position=1, title="Nộp hồ sơ"),
            SequenceStep(version=version, position=2, title="Nhận kết quả"),
        ],
        ProcedureMethod: [
            ProcedureMethod(version=version, position=1, channel="direct"),
            ProcedureMethod(version=version, position=2, channel="online"),
        ],
        ProcedureAgency: agencies,
        RequiredDocument: [
            RequiredDocument(version=version, position=1, name="Đơn đề nghị theo mẫu", originals=1, copies=0)
        ],
        Fee: [Fee(version=version, position=1, kind="fee", name="Phí thẩm định", amount_vnd=50000)],
        ProcedureResult: [ProcedureResult(version=version, position=1, name=result)],
        LegalBasis: [LegalBasis(version=version, position=1, kind="decree", number="118/2025/NĐ-CP")],
        ProcessStep: [
            ProcessStep(
                version=version,
                position=1,
                key="xu-ly",
                name="Xử lý hồ sơ",
                role="specialist",
                unit_scope="competent",
                budget_minutes=480,
                actions=["receive", "appraise", "approve", "return_result"],
            )
        ],
    }


@transaction.atomic
def load_synthetic_catalogue(*, count: int, owners: Sequence[Unit], seed: int = 2026) -> int:
    """Insert `count` published procedures (codes 9.000001…, owned in turn by `owners`), index them for
    search and return how many search rows were written."""
    rng = random.Random(seed)
    sectors = []
    for number, name in enumerate(SECTOR_NAMES, start=1):
        sector, _created = Sector.objects.get_or_create(code=f"tt-{number:02d}", defaults={"name": name})
        sectors.append(sector)
    names = synthetic_names(count, seed=seed)
    procedures = Procedure.objects.bulk_create(
        [
            Procedure(
                code=synthetic_code(index),
                national_code=synthetic_national_code(index),
                name=name,
                sector=rng.choice(sectors),
                level=rng.choice((Level.PROVINCE, Level.COMMUNE, Level.BOTH)),
                owner_unit=owners[index % len(owners)],
            )
            for index, name in enumerate(names, start=1)
        ],
        batch_size=BATCH,
    )
    versions = []
    results = []
    for procedure in procedures:
        result = f"Kết quả: {procedure.name[:200].lower()}"
        snapshot = _snapshot(procedure.name, result, procedure.owner_unit)
        text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        results.append(result)
        versions.append(
            ProcedureVersion(
                procedure=procedure,
                number=1,
                status=VersionStatus.DRAFT,
                name=procedure.name,
                time_limit_amount=5,
                online_reason="presence",
                decision_number=f"{procedure.pk}/QĐ-UBND",
                decision_date=DECISION_DATE,
                decision_signer="Chủ tịch UBND tỉnh (dữ liệu tổng hợp)",
                effective_from=DECISION_DATE,
                published_at=PUBLISHED_AT,
                snapshot=snapshot,
                snapshot_sha256=hashlib.sha256(text.encode()).hexdigest(),
            )
        )
    versions = ProcedureVersion.objects.bulk_create(versions, batch_size=BATCH)
    rows: dict[Any, list[Any]] = {}
    for version, result in zip(versions, results, strict=True):
        for model, items in _children(version, result, version.procedure.owner_unit).items():
            rows.setdefault(model, []).extend(items)
    for model, items in rows.items():
        model.objects.bulk_create(items, batch_size=BATCH)
    synthetic = Procedure.objects.filter(code__startswith=f"{CODE_PREFIX}.")
    ProcedureVersion.objects.filter(procedure__in=synthetic, status=VersionStatus.DRAFT).update(
        status=VersionStatus.PUBLISHED
    )
    synthetic.update(
        latest_version=Subquery(
            ProcedureVersion.objects.filter(procedure=OuterRef("pk"), number=1).values("pk")[:1]
        )
    )
    return search_reindex(procedures=synthetic)
