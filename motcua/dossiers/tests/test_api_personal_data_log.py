"""ND 13/2023: staff reading an applicant's personal data through the API is itself recorded in the audit
chain (who, which fields; never the data), as on the back-office page. The applicant reading their own
dossier is not staff access and leaves no record; a refused read leaves none either."""

import io

import pytest
from django.test import Client
from reportlab.pdfgen import canvas

from motcua.core.audit import audit_trail_of
from motcua.documents.services import store_upload
from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip
from motcua.dossiers.tests.api_support import BASE, Api, province_supervisor
from motcua.dossiers.tests.helpers import PASSWORD, World, in_state, make_procedure, pdf

pytestmark = pytest.mark.django_db

FULL_VIEW = [
    "applicant_address",
    "applicant_email",
    "applicant_identifier",
    "applicant_name",
    "applicant_phone",
    "components",
    "form_data",
]


@pytest.fixture
def dossier(world: World) -> Dossier:
    dossier = in_state(world, make_procedure(world, amount=5, unit="working_days"), Dossier.Status.PROCESSING)
    received = DossierEvent.objects.get(dossier=dossier, kind=DossierEvent.Kind.RECEIVED)
    DossierSlip.objects.create(dossier=dossier, event=received, form=DossierSlip.Form.RECEIPT, file=pdf("01"))
    return dossier


def views(dossier: Dossier) -> list[tuple[int | None, list[str]]]:
    records = audit_trail_of(dossier).filter(action="view_personal_data")
    return [(record.actor_id, record.after["fields"]) for record in records]


URLS = {
    "dossier": ("{base}/{id}", FULL_VIEW),
    "component file": ("{base}/{id}/components/1/file", ["components"]),
    "slip": ("{base}/{id}/slips/01", ["slips"]),
}


@pytest.mark.parametrize("read", list(URLS))
@pytest.mark.parametrize("reader", ["specialist_a", "intake_a", "supervisor"])
def test_staff_reading_is_logged(world: World, dossier: Dossier, read: str, reader: str) -> None:
    user = province_supervisor(world) if reader == "supervisor" else getattr(world, reader)
    url, fields = URLS[read]

    answer = Api(user).get(url.format(base=BASE, id=dossier.public_id))

    assert answer.status == 200
    assert views(dossier) == [(user.pk, fields)]
    record = audit_trail_of(dossier).get(action="view_personal_data")
    assert dossier.applicant_identifier not in str(record.after)
    assert record.partition_unit == dossier.competent_unit_id


@pytest.mark.parametrize("read", list(URLS))
def test_the_applicant_reading_their_own_dossier_is_not_logged(
    world: World, dossier: Dossier, read: str
) -> None:
    url, _fields = URLS[read]

    answer = Api(world.citizen).get(url.format(base=BASE, id=dossier.public_id))

    assert answer.status == 200
    assert views(dossier) == []


@pytest.mark.parametrize("reader", ["other_citizen", "intake_b"])
def test_a_refused_read_is_not_logged(world: World, dossier: Dossier, reader: str) -> None:
    answer = Api(getattr(world, reader)).get(f"{BASE}/{dossier.public_id}")

    assert (answer.status, answer.code) == (404, "dossier_not_found")
    assert views(dossier) == []


def test_each_read_is_one_record(world: World, dossier: Dossier) -> None:
    api = Api(world.specialist_a)

    api.get(f"{BASE}/{dossier.public_id}")
    api.get(f"{BASE}/{dossier.public_id}")

    assert views(dossier) == [(world.specialist_a.pk, FULL_VIEW)] * 2


@pytest.mark.parametrize(
    ("path", "fields"), [("ho-so/{id}/phieu/01/", ["slips"]), ("ho-so/{id}/thanh-phan/1/", ["components"])]
)
def test_the_back_office_downloads_are_logged(
    world: World, dossier: Dossier, path: str, fields: list[str]
) -> None:
    client = Client()
    assert client.login(username=world.specialist_a.username, password=PASSWORD)

    response = client.get("/can-bo/" + path.format(id=dossier.public_id))

    assert response.status_code == 200
    assert views(dossier) == [(world.specialist_a.pk, fields)]


def test_an_officer_seeing_the_applicants_stored_papers_is_logged(world: World) -> None:
    """The counter proposes the applicant's stored papers (titles, numbers, issuing bodies) for reuse."""
    dossier = in_state(world, make_procedure(world), Dossier.Status.SUBMITTED)
    store_upload(
        actor=world.citizen,
        content=real_pdf(),
        filename="cccd.pdf",
        title="Căn cước công dân",
        document_type_code="CCCD",
    )
    url = f"/api/v1/documents/dossiers/{dossier.public_id}/candidates"

    mine = Api(world.citizen).get(url, {"document_type": "CCCD"})
    none = Api(world.intake_a).get(url, {"document_type": "GKS"})
    theirs = Api(world.intake_a).get(url, {"document_type": "CCCD"})

    assert [len(mine.body), len(none.body), len(theirs.body)] == [1, 0, 1]
    assert views(dossier) == [(world.intake_a.pk, ["data_store"])]


def real_pdf() -> bytes:
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    sheet.drawString(100, 700, "CCCD")
    sheet.showPage()
    sheet.save()
    return out.getvalue()
