"""The public status lookup: the code and the Form 01 secret give the status, the appointment and the
steps done, and nothing personal; a wrong code and a wrong secret get the same 404; each client address
is limited to `MOTCUA["LOOKUP_THROTTLE"]` lookups per window (429 with Retry-After)."""

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.dossiers import lookup as throttle
from motcua.dossiers import services
from motcua.dossiers.lookup import public_status, public_status_json
from motcua.dossiers.models import Dossier
from motcua.dossiers.schemas import PublicStatusOut
from motcua.dossiers.tests.api_support import BASE
from motcua.dossiers.tests.helpers import World, at, counter_received

pytestmark = pytest.mark.django_db

URL = f"{BASE}/lookup"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def lookup(code: str, secret: str, ip: str = "203.0.113.7") -> Any:
    return Client(REMOTE_ADDR=ip).post(URL, {"code": code, "secret": secret}, content_type="application/json")


@pytest.fixture
def forwarded(world: World, procedure: Procedure) -> Dossier:
    """Received at the counter Monday 7/12 09:00, appraised and forwarded at 10:30."""
    dossier = counter_received(world, procedure, when=at(7, 9))
    return services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10, 30))


def test_the_code_and_secret_show_the_status_and_the_steps_done(forwarded: Dossier) -> None:
    answer = lookup(forwarded.code or "", forwarded.lookup_secret)

    assert answer.status_code == 200
    assert answer.json() == {
        "code": "H15.50.05.13-261207-0001",
        "status": "processing",
        "status_label": "đang xử lý",
        "procedure": {"code": "1.001193.000.00.00.H15", "name": "Đăng ký khai sinh"},
        "receiving_unit": {
            "id": forwarded.receiving_unit_id,
            "name": "Trung tâm Phục vụ hành chính công xã Ea Kar",
        },
        "competent_unit": {"id": forwarded.competent_unit_id, "name": "Ủy ban nhân dân xã Ea Kar"},
        "submitted_at": "2026-12-07T09:00:00+07:00",
        "received_at": "2026-12-07T09:00:00+07:00",
        "appointment_at": "2026-12-08T09:00:00+07:00",
        "resolved_at": None,
        "returned_at": None,
        "ended_at": None,
        "steps_done": [
            {
                "name": "Thẩm định hồ sơ",
                "unit": "Ủy ban nhân dân xã Ea Kar",
                "finished_at": "2026-12-07T10:30:00+07:00",
            }
        ],
    }


def test_nothing_personal_is_shown(forwarded: Dossier) -> None:
    text = lookup(forwarded.code or "", forwarded.lookup_secret).content.decode()

    for personal in ("Lê Văn Cường", "025085009999", "Thôn 3", "0987654321", "tiepnhan", "chuyenvien"):
        assert personal not in text


def test_the_secret_may_be_typed_in_lower_case_with_spaces(forwarded: Dossier) -> None:
    assert lookup(forwarded.code or "", f" {forwarded.lookup_secret.lower()} ").status_code == 200


def test_a_wrong_code_and_a_wrong_secret_get_the_same_404(forwarded: Dossier) -> None:
    wrong_secret = lookup(forwarded.code or "", "AAAAAA" if forwarded.lookup_secret != "AAAAAA" else "BBBBBB")
    wrong_code = lookup("H15.50.05.13-261207-0002", forwarded.lookup_secret)
    not_a_code = lookup("ho-so-cua-toi", forwarded.lookup_secret)

    assert wrong_secret.status_code == wrong_code.status_code == not_a_code.status_code == 404
    assert wrong_secret.content == wrong_code.content == not_a_code.content
    assert wrong_secret.json() == {
        "code": "dossier_not_found",
        "message": (
            "Không có hồ sơ nào khớp với mã hồ sơ và mã tra cứu này; hãy kiểm tra lại cả hai trên Phiếu tiếp "
            "nhận và hẹn trả kết quả (Mẫu 01)."
        ),
        "fields": {},
    }


@pytest.fixture
def three_per_minute(settings: Any) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "LOOKUP_THROTTLE": "3/60", "THROTTLE_EXEMPT_IPS": ["198.51.100.9"]}


@pytest.mark.usefixtures("three_per_minute")
def test_lookups_are_limited_per_client_address(forwarded: Dossier, monkeypatch: Any) -> None:
    code, secret = forwarded.code or "", forwarded.lookup_secret
    monkeypatch.setattr(throttle, "_clock", lambda: 1_800_000_000.0)

    answers = [lookup(code, "WRONG1") for _ in range(3)] + [lookup(code, secret)]
    elsewhere = lookup(code, secret, ip="203.0.113.8")

    assert [answer.status_code for answer in answers] == [404, 404, 404, 429]
    throttled = answers[-1]
    assert throttled["Retry-After"] == "60"
    assert throttled.json() == {
        "code": "throttled",
        "message": "Bạn tra cứu quá nhiều lần từ địa chỉ này; hãy thử lại sau 60 giây.",
        "fields": {},
        "retry_after": 60,
    }
    assert elsewhere.status_code == 200


@pytest.mark.usefixtures("three_per_minute")
def test_exempt_addresses_are_not_counted(forwarded: Dossier) -> None:
    answers = [lookup(forwarded.code or "", forwarded.lookup_secret, ip="198.51.100.9") for _ in range(10)]

    assert {answer.status_code for answer in answers} == {200}


def test_a_lookup_without_a_code_is_a_422(forwarded: Dossier) -> None:
    answer = lookup("", forwarded.lookup_secret)

    assert answer.status_code == 422
    assert json.loads(answer.content)["fields"] == {"code": "Nội dung quá ngắn."}


# The lookup is the busiest public request (docs/PERFORMANCE.md, "Public status lookup"): one round trip,
# and an answer written out by hand that must stay what the schema documents.


def test_a_lookup_is_one_query(forwarded: Dossier, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        answer = lookup(forwarded.code or "", forwarded.lookup_secret)

    assert answer.status_code == 200


def test_a_lookup_is_planned_once_per_connection(forwarded: Dossier, django_assert_num_queries: Any) -> None:
    """On PostgreSQL the statement is prepared once psycopg has seen it a few times on the connection
    (`prepare_threshold`); the answer stays the same, one query each time, on either database."""
    from django.db import connection

    answers = []
    with django_assert_num_queries(8):
        for _ in range(8):
            answers.append(public_status(code=forwarded.code or "", secret=forwarded.lookup_secret))

    assert answers[0] is not None and answers[0]["steps_done"][0]["name"] == "Thẩm định hồ sơ"
    assert all(answer == answers[0] for answer in answers)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [statement for (statement,) in cursor.fetchall()]
        assert any("LEFT JOIN LATERAL" in statement for statement in prepared)


def test_the_answer_is_what_the_schema_gives(world: World, forwarded: Dossier) -> None:
    approved = services.dossier_approve(dossier=forwarded, actor=world.leader_a, at=at(7, 14))
    status = public_status(code=approved.code or "", secret=forwarded.lookup_secret)

    assert status is not None
    assert public_status_json(status) == PublicStatusOut.model_validate(status).model_dump(mode="json")
    assert [(step["name"], step["finished_at"]) for step in public_status_json(status)["steps_done"]] == [
        ("Thẩm định hồ sơ", "2026-12-07T10:30:00+07:00"),
        ("Phê duyệt kết quả", "2026-12-07T14:00:00+07:00"),
    ]


def test_a_dossier_without_steps_done_shows_none(world: World, procedure: Procedure) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))

    answer = lookup(dossier.code or "", dossier.lookup_secret)

    assert answer.status_code == 200
    assert answer.json()["steps_done"] == []
    assert answer.json()["status"] == "processing"
