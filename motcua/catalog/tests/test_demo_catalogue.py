"""The demo catalogue holds what issue 4 asks for, keeps the unconfirmed facts marked, and round-trips."""

from datetime import date

import pytest
from django.db import transaction

from motcua.catalog import transfer
from motcua.catalog.demo_catalogue import DEMO_DECISION_NOTE, load_demo_catalogue
from motcua.catalog.models import Fee, Procedure, ProcedureAgency, ProcedureVersion
from motcua.catalog.publication import publication_deadlines, publication_overdue
from motcua.catalog.selectors import procedure_version_for_submission
from motcua.catalog.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(province) -> str:
    return load_demo_catalogue(
        province=province["tinh"], departments=province, communes=list(province.values())
    )


def test_the_demo_has_the_required_procedures(demo):
    assert demo == "16 procedures, 20 versions, commune-level ones in 2 communes"
    codes = set(Procedure.objects.values_list("national_code", flat=True))
    # Birth, marriage, certification of copies (and its electronic variant), business household, construction
    # permit, first land certificate.
    assert {"1.001193", "1.000894", "2.000815", "1.001612", "1.013225", "1.013978"} <= codes
    assert Procedure.objects.filter(
        code="2.000815.000.00.00.H44.02", name="Chứng thực bản sao điện tử từ bản chính"
    ).exists()
    levels = set(Procedure.objects.values_list("level", flat=True))
    assert levels == {"province", "commune", "both"}


def test_the_required_features_are_present(demo):
    latest = ProcedureVersion.objects.filter(pk__in=Procedure.objects.values("latest_version"))
    assert Fee.objects.filter(version__in=latest, payable_online=True, amount_vnd__gt=0).exists()
    assert ProcedureAgency.objects.filter(version__in=latest, role="coordinating", confirmed=True).exists()
    assert latest.filter(time_limit_unit="calendar_days").count() == 3
    assert latest.filter(online_level="full").count() == 1
    assert all(
        version.eforms.exists()
        for version in latest
        if version.documents.filter(eform__isnull=False).exists()
    )


def test_birth_registration_has_its_real_declaration(demo):
    version = Procedure.objects.get(national_code="1.001193").latest_version
    schema = version.eforms.get().schema

    assert list(schema["properties"]) == [
        "requester",
        "relationship",
        "child",
        "mother",
        "father",
        "copies",
        "commitment",
    ]
    assert list(schema["properties"]["child"]["properties"]) == [
        "full_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "nationality",
        "date_of_birth_words",
        "place_of_birth",
        "hometown",
    ]
    requester = schema["properties"]["requester"]["properties"]
    assert {name: field.get("x-prefill") for name, field in requester.items()} == {
        "full_name": "full_name",
        "personal_id": "personal_id",
        "residence": "address",
        "phone": "phone",
        "email": "email",
    }


def test_unconfirmed_facts_stay_marked(demo):
    birth = Procedure.objects.get(national_code="1.001193").latest_version
    allowance = Procedure.objects.get(national_code="1.001776").latest_version

    assert birth.unconfirmed["time_limit"].startswith(
        "Cổng Dịch vụ công ghi “1” cho mọi cách thức, không ghi đơn vị"
    )
    assert birth.fees.get(name="Lệ phí đăng ký khai sinh quá hạn").confirmed is False
    assert set(allowance.unconfirmed) >= {"name", "code", "sector", "level", "time_limit", "online_level"}
    assert allowance.results.get().confirmed is False
    licence = Procedure.objects.get(national_code="3.000347").latest_version
    assert [(fee.amount_vnd, fee.channel, fee.confirmed) for fee in licence.fees.all()] == [
        (135000, "direct", True),
        (115000, "online", False),
    ]


def test_invented_decisions_are_marked_as_demo_data_and_versions_are_in_force(demo):
    published = ProcedureVersion.objects.filter(status="published")

    assert published.count() == 19
    assert set(published.values_list("decision_note", flat=True)) == {DEMO_DECISION_NOTE}
    for procedure in Procedure.objects.all():
        assert (
            procedure_version_for_submission(procedure=procedure, at=at(2026, 11, 23, 9))
            == procedure.latest_version
        )
    birth = Procedure.objects.get(national_code="1.001193")
    assert procedure_version_for_submission(procedure=birth, at=at(2025, 12, 31, 9)).number == 1
    assert procedure_version_for_submission(procedure=birth, at=at(2026, 1, 2, 9)).number == 2
    assert birth.versions.get(number=4).status == "draft"


def test_the_demo_shows_the_publication_tracker_at_work(demo):
    today = date(2026, 11, 22)
    states = {
        (d.procedure.national_code, d.version.number, d.indicator): d.state
        for d in publication_deadlines(today=today)
    }

    assert states[("1.001193", 2, "1.1")] == "on_time"
    assert states[("2.001583", 1, "1.1")] == "on_time"
    assert states[("2.000815", 1, "1.1")] == "late"
    assert states[("1.000656", 1, "1.2")] == "late"
    assert [
        (d.procedure.national_code, d.version.number, d.indicator) for d in publication_overdue(today=today)
    ] == [("2.001827", 2, "1.2")]


class Rollback(Exception):
    pass


def test_the_demo_catalogue_round_trips_through_json_and_excel(province):
    try:
        with transaction.atomic():
            load_demo_catalogue(province=province["tinh"], departments=province, communes=[])
            files = (transfer.export_json(), transfer.export_xlsx())
            raise Rollback
    except Rollback:
        pass

    with transaction.atomic():
        transfer.catalog_import(document=transfer.read_xlsx(files[1]))
        assert transfer.export_json() == files[0]
        transaction.set_rollback(True)
    transfer.catalog_import(document=transfer.read_json(files[0]))
    assert transfer.export_json() == files[0]
