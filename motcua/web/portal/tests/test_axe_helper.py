"""The axe-core helper shared by the browser tests catches serious violations and passes clean pages."""

from typing import Any

import pytest

from motcua.testing.axe import assert_no_serious_violations, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLEAN = """<!doctype html><html lang="vi"><head><title>Trang</title></head>
<body><main><h1>Tiêu đề</h1><label for="q">Tìm</label><input id="q" name="q"></main></body></html>"""
BROKEN = """<!doctype html><html lang="vi"><head><title>Trang</title></head>
<body><main><h1>Tiêu đề</h1><input id="q" name="q"><img src="x.png">
<p style="color:#bbbbbb;background:#ffffff">Chữ mờ</p></main></body></html>"""


def test_a_clean_page_passes(page: Any) -> None:
    page.set_content(CLEAN)

    assert_no_serious_violations(page)


def test_a_page_with_an_unlabelled_field_an_image_without_text_and_low_contrast_fails(page: Any) -> None:
    page.set_content(BROKEN)

    ids = sorted(v["id"] for v in serious_violations(page))
    assert ids == ["color-contrast", "image-alt", "label"]
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_serious_violations(page)
    message = str(failure.value)
    assert "3 serious or critical accessibility violation(s)" in message
    assert "[critical] image-alt" in message
    assert '<img src="x.png">' in message
