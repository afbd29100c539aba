"""The public pages render in Vietnamese by default and in English when the person chooses it."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import path
from django.views.defaults import server_error

from motcua.config.urls import urlpatterns as project_urls
from motcua.web.tests.conftest import World, page_html

pytestmark = pytest.mark.django_db


def test_home_is_in_vietnamese_by_default(client: Client) -> None:
    response = client.get("/")

    html = page_html(response)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "<h1>Thủ tục hành chính của tỉnh và các xã, phường</h1>" in html
    assert '<a class="button" href="/accounts/login/">Đăng nhập</a>' in html
    assert '<a href="/accounts/sign-up/">Đăng ký tài khoản công dân</a>' in html
    assert '<a href="/accounts/sign-up/organisation/">Đăng ký tài khoản tổ chức</a>' in html
    assert '<a href="/api/v1/docs">Tài liệu API</a>' in html
    assert '<a href="/healthz">Kiểm tra tình trạng hệ thống</a>' in html
    assert 'aria-pressed="true">Tiếng Việt</button>' in html
    assert 'aria-pressed="false">English</button>' in html


def test_home_is_in_english_when_the_language_cookie_says_so(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = page_html(client.get("/"))

    assert '<html lang="en">' in html
    assert "<h1>Administrative procedures of the province and its communes</h1>" in html
    assert '<a class="button" href="/accounts/login/">Sign in</a>' in html
    assert 'aria-pressed="true">English</button>' in html
    assert "Thủ tục hành chính của tỉnh" not in html


def test_choosing_english_sets_the_cookie_and_returns_to_the_page(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in page_html(client.get("/"))


def test_home_for_a_signed_in_citizen_greets_them_and_hides_staff_links(client: Client, world: World) -> None:
    client.force_login(world.citizen)

    html = page_html(client.get("/"))

    assert "Bạn đang đăng nhập với tên Nguyễn Văn An." in html
    assert '<span class="who">Nguyễn Văn An</span>' in html
    assert 'class="who-unit"' not in html
    assert "/staff/" not in html
    assert "/admin/" not in html


def test_missing_page_is_a_vietnamese_404(client: Client) -> None:
    response = client.get("/khong-co-trang-nay/")

    html = page_html(response)
    assert response.status_code == 404
    assert '<html lang="vi">' in html
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert "Không có trang nào tại địa chỉ /khong-co-trang-nay/." in html
    assert '<a class="button" href="/">Về trang chủ</a>' in html


def test_404_shows_the_address_quoted_and_escaped(client: Client) -> None:
    html = page_html(client.get('/<script>alert(1)</script>/?q="><script>alert(2)</script>'))

    assert "<script>alert" not in html
    assert "tại địa chỉ /%3Cscript%3Ealert%281%29%3C/script%3E/." in html
    # The language switch sends the person back to the same address, kept encoded.
    assert 'name="next" type="hidden" value="/%3Cscript%3Ealert(1)%3C/script%3E/?q=%22%3E%3Cscript' in html


def test_missing_page_in_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page_html(response)


def test_missing_api_route_stays_a_json_problem(client: Client) -> None:
    response = client.get("/api/v1/no-such-route")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _explode(request: Any) -> Any:
    raise RuntimeError("boom")


urlpatterns = [path("explode/", _explode), *project_urls]


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_is_a_vietnamese_500_page() -> None:
    client = Client(raise_request_exception=False)

    response = client.get("/explode/")

    html = page_html(response)
    assert response.status_code == 500
    assert '<html lang="vi">' in html
    assert "<h1>Lỗi máy chủ</h1>" in html
    assert "Vui lòng thử lại sau ít phút" in html
    assert "boom" not in html


def test_the_500_page_queries_nothing(rf: Any, django_assert_num_queries: Any) -> None:
    # The database may be what failed: the page must render without it.
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "<h1>Lỗi máy chủ</h1>" in response.content.decode()
