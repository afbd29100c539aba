"""The public catalogue pages: list, search, filters, a procedure's page with every component and the
expected return date, printable e-forms; Vietnamese, accessible structure, bounded queries."""

import re
from datetime import datetime
from itertools import pairwise
from typing import Any

import pytest

from motcua.catalog import queries, services
from motcua.catalog.tests.pages_fixtures import (  # noqa: F401 (the fixture "catalogue")
    Catalogue,
    catalogue_fixture,
    client_for,
    published_procedure,
)
from motcua.web.navigation import navigation_for
from motcua.worktime.calendar import TZ

pytestmark = pytest.mark.django_db

BIRTH = "/thu-tuc/1.001193.000.00.00.H44/"


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    moment = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)  # a Monday
    monkeypatch.setattr(queries, "submission_now", lambda: moment)
    return moment


def page(path: str, user: Any = None) -> str:
    response = client_for(user).get(path)
    assert response.status_code == 200, path
    return str(response.content.decode())


def main(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main(html))).strip()


def headings(html: str) -> list[tuple[int, str]]:
    return [
        (int(level), re.sub(r"<[^>]+>|\s+", " ", title).strip())
        for level, title in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", main(html), re.S)
    ]


def result_codes(html: str) -> list[str]:
    return re.findall(r'<span class="code">([^<]+)</span>', main(html))


def assert_accessible_structure(html: str) -> None:
    levels = [level for level, _title in headings(html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in pairwise(levels))
    body = main(html)
    tables = body.count("<table")
    assert body.count('<div class="table-scroll">') == tables  # tables scroll sideways on a phone
    assert body.count('<th scope="col">') >= tables
    for control in re.findall(r'<(?:input|select|textarea)[^>]*id="([^"]+)"', body):
        assert f'for="{control}"' in body, control  # every visible control has a label


# --- the list -------------------------------------------------------------------------------------------


def test_the_list_shows_every_published_procedure_in_vietnamese(catalogue: Catalogue) -> None:
    html = page("/thu-tuc/")

    assert headings(html)[:2] == [(1, "Thủ tục hành chính"), (2, "Số thủ tục: 5")]
    assert result_codes(html) == [
        "1.000656.000.00.00.H44",
        "1.000894.000.00.00.H44",
        "1.001193.000.00.00.H44",
        "2.000635.000.00.00.H44",
        "2.000815.000.00.00.H44",
    ]
    assert "Đăng ký khai sinh lưu động" not in html  # a draft only
    assert '<a href="?sector=ho-tich">Hộ tịch</a> <span class="muted">(4)</span>' in html
    assert_accessible_structure(html)


@pytest.mark.parametrize("q", ["khai sinh", "KHAI SINH", "đăng ký khai sinh"])
def test_the_search_box_puts_birth_registration_first(catalogue: Catalogue, q: str) -> None:
    html = page(f"/thu-tuc/?q={q}")

    assert result_codes(html)[0] == "1.001193.000.00.00.H44"
    assert f'value="{q}"' in html  # the box keeps what was typed


def test_a_search_that_finds_nothing_says_what_to_try(catalogue: Catalogue) -> None:
    html = page("/thu-tuc/?q=tàu+vũ+trụ")

    assert "Số thủ tục tìm thấy: 0" in text(html)
    assert "Không tìm thấy thủ tục phù hợp. Hãy thử gõ ít từ hơn" in text(html)


def test_lists_by_sector_level_and_unit(catalogue: Catalogue) -> None:
    assert result_codes(page("/thu-tuc/?sector=chung-thuc")) == ["2.000815.000.00.00.H44"]
    assert result_codes(page(f"/thu-tuc/?unit={catalogue.commune_b.pk}")) == ["2.000815.000.00.00.H44"]
    assert result_codes(page("/thu-tuc/?level=province")) == []
    assert result_codes(page("/thu-tuc/?q=khai+sinh&sector=chung-thuc")) == []


def test_a_bad_filter_is_explained_next_to_it_and_the_rest_still_listed(catalogue: Catalogue) -> None:
    html = page("/thu-tuc/?level=district&q=kết hôn")

    assert (
        '<div class="errorlist" id="id_level_error" role="alert">Hãy chọn một lựa chọn hợp lệ. '
        "district không phải là một trong các lựa chọn khả thi.</div>"
    ) in html
    assert len(result_codes(html)) == 5
    assert 'value="kết hôn"' in html


def test_pages_of_results(catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)

    first, last = page("/thu-tuc/?sector=ho-tich"), page("/thu-tuc/?sector=ho-tich&page=2")

    assert result_codes(first) == ["1.000656.000.00.00.H44", "1.000894.000.00.00.H44"]
    assert "Trang 1/2" in text(first)
    assert 'href="?sector=ho-tich&amp;page=2" rel="next"' in first
    assert result_codes(last) == ["1.001193.000.00.00.H44", "2.000635.000.00.00.H44"]


def test_the_list_costs_a_fixed_number_of_queries(
    catalogue: Catalogue, django_assert_max_num_queries: Any
) -> None:
    client = client_for(None)
    # sectors with counts, owner units, count, page (the session and the navigation read nothing)
    with django_assert_max_num_queries(4):
        client.get("/thu-tuc/")
    with django_assert_max_num_queries(4):
        client.get("/thu-tuc/?q=đăng+ký")


# --- a procedure's page ---------------------------------------------------------------------------------


def test_the_procedure_page_shows_every_component(catalogue: Catalogue, now: datetime) -> None:
    html = page(BIRTH)

    assert headings(html) == [
        (1, "Đăng ký khai sinh"),
        (2, "Ngày hẹn trả kết quả dự kiến nếu nộp ngay bây giờ"),
        (2, "Trình tự thực hiện"),
        (2, "Cách thức thực hiện"),
        (2, "Thành phần, số lượng hồ sơ"),
        (3, "Giấy tờ xuất trình để đối chiếu (không lưu lại)"),
        (2, "Thời hạn giải quyết"),
        (2, "Đối tượng thực hiện"),
        (2, "Cơ quan thực hiện"),
        (2, "Kết quả thực hiện"),
        (2, "Yêu cầu, điều kiện thực hiện"),
        (2, "Phí, lệ phí"),
        (2, "Mẫu đơn, mẫu tờ khai"),
        (2, "Căn cứ pháp lý"),
        (2, "Dịch vụ công trực tuyến"),
    ]
    words = text(html)
    for fact in (
        "Mã thủ tục 1.001193.000.00.00.H44 (mã quốc gia 1.001193)",
        "Quyết định số 15/QĐ-UBND ngày 05/01/2026; áp dụng từ ngày 12/01/2026",
        "Nộp hồ sơ Người yêu cầu nộp hồ sơ tại bộ phận một cửa. Nhận kết quả",
        "Trực tiếp 3 ngày làm việc Tại Trung tâm Phục vụ hành chính công.",
        "Trực tuyến 2 ngày làm việc Qua Cổng Dịch vụ công quốc gia.",
        "Số lượng hồ sơ: 1 bộ.",
        "Tờ khai theo mẫu Mẫu: Tờ khai 1 0",
        "Giấy tờ tùy thân (không phải xuất trình nếu thông tin đã có trong: "
        "Cơ sở dữ liệu quốc gia về dân cư)",
        "3 ngày làm việc (Tính từ thời điểm tiếp nhận, mỗi ngày 8 giờ làm việc)",
        "Công dân. Công dân Việt Nam.",
        "Cơ quan có thẩm quyền Ủy ban nhân dân xã Thanh Ba",
        "Giấy khai sinh; thời hạn hiệu lực: Không thời hạn; có cấp bản điện tử",
        "Trả kết quả: trực tiếp tại bộ phận một cửa, qua dịch vụ bưu chính.",
        "Không quy định.",
        "Lệ phí Trực tiếp 8.000 đồng/lần —",
        "Lệ phí Trực tuyến Miễn phí —",
        "Tờ khai (Mẫu tờ khai (minh họa))",
        "Luật 60/2014/QH13 Luật Hộ tịch (Quốc hội) 20/11/2014 01/01/2016",
        "Dịch vụ công trực tuyến một phần Lý do chưa cung cấp toàn trình: "
        "Người yêu cầu phải có mặt trực tiếp.",
    ):
        assert fact in words, fact
    assert '<a href="/thu-tuc/1.001193.000.00.00.H44/bieu-mau/to-khai/">Tờ khai</a>' in html
    assert_accessible_structure(html)


def test_the_expected_return_date_is_computed_for_now(catalogue: Catalogue, now: datetime) -> None:
    words = text(page(BIRTH))

    assert (
        "Với hồ sơ được Ủy ban nhân dân xã Thanh Ba tiếp nhận lúc 08:00 ngày 02/03/2026, tính theo lịch "
        "làm việc của cơ quan:"
    ) in words
    # 3 working days of 8 hours from Monday 08:00: Thursday 08:00; online, 2 days: Wednesday.
    assert "Trực tiếp 3 ngày làm việc 08:00, Thứ Năm 05/03/2026" in words
    assert "Trực tuyến 2 ngày làm việc 08:00, Thứ Tư 04/03/2026" in words


def test_several_competent_units_offer_a_choice_of_calendar(catalogue: Catalogue, now: datetime) -> None:
    each_commune = [
        {"role": "implementing", "scope": "each_commune_committee", "name": "Ủy ban nhân dân cấp xã"},
        {"role": "competent", "scope": "each_commune_committee", "name": "Ủy ban nhân dân cấp xã"},
        {"role": "receiving", "scope": "each_commune_committee", "name": "Ủy ban nhân dân cấp xã"},
    ]
    published_procedure(
        code="1.000593.000.00.00.H44",
        name="Đăng ký giám hộ",
        sector=catalogue.civil_status,
        owner=catalogue.justice,
        agencies=each_commune,
    )
    path = "/thu-tuc/1.000593.000.00.00.H44/"

    first = page(path)
    chosen = page(f"{path}?unit={catalogue.commune_b.pk}")

    assert "tiếp nhận lúc 08:00 ngày 02/03/2026" in text(first)
    assert "Với hồ sơ được Ủy ban nhân dân xã Thanh Ba tiếp nhận" in text(first)
    assert '<label for="id_unit">Tính cho cơ quan có thẩm quyền khác</label>' in first
    assert "Với hồ sơ được Ủy ban nhân dân phường Vân Phú tiếp nhận" in text(chosen)
    assert f'<option value="{catalogue.commune_b.pk}" selected>' in chosen


def test_a_retired_procedure_says_so_and_gives_no_date(catalogue: Catalogue, now: datetime) -> None:
    services.procedure_retire(
        procedure=catalogue.death,
        actor=None,
        reason="Quyết định 99/QĐ-UBND",
        at=datetime(2026, 2, 2, 9, 0, tzinfo=TZ),
    )

    html = page("/thu-tuc/1.000656.000.00.00.H44/")

    assert "Thủ tục đã bị bãi bỏ ngày 02/02/2026 (Quyết định 99/QĐ-UBND); không còn nhận hồ sơ." in text(html)
    assert "Ngày hẹn trả kết quả dự kiến" not in html


@pytest.mark.parametrize(
    "path",
    ["/thu-tuc/khong-co/", "/thu-tuc/9.999999.000.00.00.H44/", f"{BIRTH}bieu-mau/khong-co/"],
)
def test_unknown_drafts_and_missing_forms_are_not_found(catalogue: Catalogue, path: str) -> None:
    response = client_for(None).get(path)

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_the_procedure_page_costs_a_fixed_number_of_queries(
    catalogue: Catalogue, now: datetime, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(18):  # procedure, version and its tables, units, calendar
        client_for(None).get(BIRTH)


def test_an_eform_can_be_filled_in_and_printed(catalogue: Catalogue) -> None:
    html = page(f"{BIRTH}bieu-mau/to-khai/")

    assert headings(html)[0] == (1, "Tờ khai")
    assert "Biểu mẫu của thủ tục “Đăng ký khai sinh”. Mẫu tương ứng: Mẫu tờ khai (minh họa)." in text(html)
    assert re.search(r'<label for="eform-full_name">Họ và tên', html)
    assert "In hoặc lưu thành PDF" in html


# --- navigation -----------------------------------------------------------------------------------------


def test_the_navigation_offers_the_catalogue_to_all_and_editing_to_editors(catalogue: Catalogue) -> None:
    def labels(user: Any) -> list[str]:
        return [link.label for link in navigation_for(user, "/")]

    assert "Thủ tục hành chính" in labels(catalogue.citizen)
    assert "Biên tập thủ tục" not in labels(catalogue.citizen)
    assert "Biên tập thủ tục" in labels(catalogue.editor_justice)
    assert "Biên tập thủ tục" in labels(catalogue.admin_province)
    html = page("/thu-tuc/", catalogue.editor_justice)
    assert '<a href="/thu-tuc/" aria-current="page">Thủ tục hành chính</a>' in html
    assert '<a href="/thu-tuc/bien-tap/">Biên tập thủ tục</a>' in html
