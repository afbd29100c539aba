"""The dashboard as Excel and PDF: same figures as the page, Vietnamese text, the same permissions."""

import datetime as dt
import io

import openpyxl
import pypdf
import pytest

from motcua.dossiers import services
from motcua.dossiers.tests.helpers import at, counter_received
from motcua.kpi import facts as kpi_facts
from motcua.kpi.tests.support import deliver
from motcua.worktime.calendar import TZ


def approve(world, dossier, when):
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=when)
    return services.dossier_approve(dossier=dossier, actor=world.leader_a, result_note="Xong", at=when)


@pytest.fixture
def counted(world, procedure, monkeypatch):
    monkeypatch.setattr(kpi_facts, "now", lambda: dt.datetime(2027, 1, 15, 10, tzinfo=TZ))
    for day in (7, 8, 9):
        approve(world, counter_received(world, procedure, when=at(day, 9)), at(day, 10))
    approve(world, counter_received(world, procedure, when=at(14, 9)), at(16, 9))
    deliver()


@pytest.mark.django_db
def test_excel(client, world, counted):
    client.force_login(world.leader_a)
    response = client.get("/chi-so/xuat.xlsx", {"unit": world.commune_a.pk, "period": "2026-12"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="chi-so-766-uy-ban-nhan-dan-xa-ea-kar-2026-12.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Chỉ số", "Đơn vị trực thuộc", "Xu hướng", "Dự báo"]
    sheet = book["Chỉ số"]
    assert sheet["A1"].value == f"Chỉ số phục vụ (QĐ 766): {world.commune_a.name}, Tháng 12/2026"
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows["2.1"] == (
        "2.1",
        "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn",
        3,
        4,
        "75,00 %",
        "15,00",
        "20,00",
        "100,00 %",
        "Cam",
    )
    assert rows["3.6"][4] == "chưa có dữ liệu"
    assert rows["1.2"][4] == "không áp dụng"
    assert sheet["A3"].value == "Tổng điểm"


@pytest.mark.django_db
def test_pdf(client, world, counted):
    client.force_login(world.leader_a)
    response = client.get("/chi-so/xuat.pdf", {"unit": world.commune_a.pk, "period": "2026-12"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Chỉ số phục vụ (QĐ 766)" in text
    assert world.commune_a.name in text
    assert "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn" in text
    assert "75,00 %" in text


@pytest.mark.django_db
def test_exports_keep_the_pages_permissions(client, world, counted):
    client.force_login(world.citizen)
    assert client.get("/chi-so/xuat.xlsx", {"unit": world.commune_a.pk}).status_code == 403
    client.force_login(world.leader_b)
    assert client.get("/chi-so/xuat.pdf", {"unit": world.commune_a.pk}).status_code == 400
    client.force_login(world.leader_a)
    assert client.get("/chi-so/xuat.csv", {"unit": world.commune_a.pk}).status_code == 404
