"""Search at scale: the demo catalogue mixed with 10,000 synthetic procedures whose names share its words
(every real procedure named with "khai sinh" appears many times over). One test: loading takes a while."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure, ProcedureSearchTerm
from motcua.catalog.queries import procedures_page
from motcua.catalog.tests.pages_fixtures import BIRTH_CODE, demo_fixture  # noqa: F401 (fixture "demo")
from motcua.catalog.tests.synthetic import BIRTH_NEIGHBOURS, load_synthetic_catalogue
from motcua.organizations.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

OWNERS = ("tuphap", "xaydung", "nnmt", "taichinh", "yte", "vanphu", "thanhba")


def test_birth_registration_comes_first_among_ten_thousand(
    demo: dict[str, Procedure], province: dict[str, Unit], django_assert_num_queries: Any
) -> None:
    load_synthetic_catalogue(count=10_000, owners=[province[key] for key in OWNERS])
    assert Procedure.objects.filter(latest_version__isnull=False).count() == 10_016
    assert ProcedureSearchTerm.objects.values("procedure").distinct().count() == 10_016

    for q in ("khai sinh", "KHAI SINH", "đăng ký khai sinh", "dang ky khai sinh", "khai si"):
        page = procedures_page(q=q, limit=20)
        assert page.items[0].code == BIRTH_CODE, q
        # Its neighbours follow: every other name on the first page holds both words.
        assert all("khai sinh" in procedure.name.lower() for procedure in page.items), q

    # 190 neighbours hold "khai sinh" besides the demo's three. A procedure needs three words of "đăng ký
    # khai sinh" to be listed: the thousand and more "đăng ký …" procedures are not.
    assert procedures_page(q="khai sinh").count == 193
    assert procedures_page(q="đăng ký khai sinh").count == 217
    assert procedures_page(q="đăng ký").count > 1000

    found = {
        procedure.name
        for offset in (0, 100)
        for procedure in procedures_page(q="khai sinh", offset=offset, limit=100).items
    }
    assert set(BIRTH_NEIGHBOURS) <= found

    with django_assert_num_queries(2):  # the ranked matches, the page's procedures
        procedures_page(q="cấp giấy phép xây dựng", limit=20)
