"""Vietnamese-aware search: folding, the index rows, ranking on the demo catalogue, visibility, upkeep."""

from datetime import date
from typing import Any

import pytest

from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureSearchTerm, SearchField
from motcua.catalog.queries import procedures_page
from motcua.catalog.search import (
    name_word_count,
    parse_query,
    phrases,
    prefix_upper_bound,
    procedure_terms,
    search_index_procedure,
    search_reindex,
)
from motcua.catalog.tests.pages_fixtures import (  # noqa: F401 (fixtures "catalogue", "demo")
    BIRTH_CODE,
    Catalogue,
    catalogue_fixture,
    demo_fixture,
    publish,
)

pytestmark = pytest.mark.django_db


def names(q: str, **filters: Any) -> list[str]:
    return [procedure.name for procedure in procedures_page(q=q, **filters).items]


# --- text ---------------------------------------------------------------------------------------------


def test_words_are_folded_and_punctuation_breaks_phrases() -> None:
    assert phrases("Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh") == [
        ["cap", "ban", "sao", "trich", "luc", "ho", "tich"],
        ["ban", "sao", "giay", "khai", "sinh"],
    ]
    assert phrases("ĐĂNG KÝ   Khai Sinh") == [["dang", "ky", "khai", "sinh"]]
    assert phrases(" ,; ") == []


def test_a_name_gives_its_words_and_adjacent_pairs_other_texts_theirs() -> None:
    assert procedure_terms("Đăng ký khai sinh", ["Hộ tịch"]) == {
        (SearchField.NAME_WORD, "dang"),
        (SearchField.NAME_WORD, "ky"),
        (SearchField.NAME_WORD, "khai"),
        (SearchField.NAME_WORD, "sinh"),
        (SearchField.NAME_PAIR, "dang ky"),
        (SearchField.NAME_PAIR, "ky khai"),
        (SearchField.NAME_PAIR, "khai sinh"),
        (SearchField.OTHER_WORD, "ho"),
        (SearchField.OTHER_WORD, "tich"),
        (SearchField.OTHER_PAIR, "ho tich"),
    }


def test_the_name_length_leaves_out_a_leading_thu_tuc() -> None:
    assert name_word_count("Thủ tục đăng ký khai sinh") == 4
    assert name_word_count("Đăng ký khai sinh") == 4
    assert name_word_count("Đăng ký lại khai sinh") == 5
    assert name_word_count("Thủ tục") == 0


@pytest.mark.parametrize(
    ("prefix", "upper"),
    [("khai", "khaj"), ("khaz", "khb"), ("a9", "aa"), ("x", "y"), ("khai si", "khai sj"), ("zz", None)],
)
def test_a_prefix_range_stays_in_the_folded_alphabet(prefix: str, upper: str | None) -> None:
    assert prefix_upper_bound(prefix) == upper


def test_a_query_keeps_distinct_words_and_matches_its_last_word_as_a_prefix() -> None:
    query = parse_query("Đăng ký  KHAI sinh đăng")
    assert query is not None
    assert (query.words, query.prefix_last, query.min_match) == (("dang", "ky", "khai", "sinh"), True, 3)
    assert query.pairs() == [("dang ky", False), ("ky khai", False), ("khai sinh", True)]
    one_letter = parse_query("khai s")
    assert one_letter is not None and one_letter.prefix_last is False
    assert parse_query(" - ; ") is None


# --- ranking on the demo catalogue --------------------------------------------------------------------


@pytest.mark.parametrize("q", ["khai sinh", "KHAI SINH", "đăng ký khai sinh", "Đăng Ký Khai Sinh", "khai si"])
def test_birth_registration_comes_first(demo: dict[str, Procedure], q: str) -> None:
    page = procedures_page(q=q)

    assert page.items[0].code == BIRTH_CODE


def test_the_whole_ranking_of_khai_sinh(demo: dict[str, Procedure]) -> None:
    assert names("khai sinh") == [
        "Thủ tục đăng ký khai sinh",
        "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        "Liên thông điện tử: đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế, "
        "cấp thẻ căn cước cho trẻ em dưới 6 tuổi",
    ]
    # The phrase bonus puts the linked procedure, whose name holds the whole phrase, before a procedure
    # that shares three words of four; "khai tử" still shows (60 % of the words).
    assert names("đăng ký khai sinh") == [
        "Thủ tục đăng ký khai sinh",
        "Liên thông điện tử: đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế, "
        "cấp thẻ căn cước cho trẻ em dưới 6 tuổi",
        "Thủ tục đăng ký khai tử",
    ]


def test_words_of_other_fields_match_after_the_name(demo: dict[str, Procedure]) -> None:
    # "hộ tịch" is the sector of the civil-status procedures and a word of one name only.
    found = names("hộ tịch")

    assert found[0] == "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh"
    assert set(found[1:]) == {
        "Thủ tục đăng ký khai sinh",
        "Thủ tục đăng ký kết hôn",
        "Thủ tục đăng ký khai tử",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
    }


def test_a_code_finds_its_procedures_exactly(demo: dict[str, Procedure]) -> None:
    assert [p.code for p in procedures_page(q="2.000815").items] == [
        "2.000815.000.00.00.H44",
        "2.000815.000.00.00.H44.02",
    ]
    assert [p.code for p in procedures_page(q=BIRTH_CODE).items] == [BIRTH_CODE]
    assert procedures_page(q="9.999999").count == 0


def test_nothing_matches_an_unknown_word(demo: dict[str, Procedure]) -> None:
    page = procedures_page(q="tàu vũ trụ")

    assert (page.count, page.items) == (0, [])


def test_filters_apply_to_the_search(demo: dict[str, Procedure]) -> None:
    # Two province-level procedures hold "cấp": one in its name, one in its sector ("Sát hạch, cấp giấy
    # phép lái xe"); the name comes first.
    assert names("cấp", level="province") == [
        "Cấp Phiếu Lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam, "
        "người Việt Nam đang cư trú ở nước ngoài",
        "Đổi giấy phép lái xe",
    ]


def test_a_search_costs_two_queries(demo: dict[str, Procedure], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):  # the ranked matches, the page's procedures
        page = procedures_page(q="đăng ký khai sinh", limit=2)

    assert page.count == 3


# --- visibility and upkeep ----------------------------------------------------------------------------


def test_a_draft_is_not_indexed_and_never_found(catalogue: Catalogue) -> None:
    assert not ProcedureSearchTerm.objects.filter(procedure=catalogue.draft_only).exists()
    assert "Đăng ký khai sinh lưu động" not in names("khai sinh lưu động")


def test_a_retired_procedure_disappears_at_once_without_reindexing(catalogue: Catalogue) -> None:
    services.procedure_retire(procedure=catalogue.death, actor=None, reason="Quyết định 99/QĐ-UBND")

    assert names("khai tử") == []
    assert names("khai tử", include_retired=True) == ["Đăng ký khai tử"]


def test_publishing_reindexes_through_the_outbox(
    catalogue: Catalogue, django_capture_on_commit_callbacks: Any
) -> None:
    draft = services.draft_start(procedure=catalogue.marriage, actor=None)
    services.draft_update(version=draft, actor=None, name="Đăng ký kết hôn có yếu tố nước ngoài")
    assert names("nước ngoài") == []  # a draft changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, number="16/QĐ-UBND", effective_from=date(2026, 2, 1))

    assert names("kết hôn nước ngoài") == ["Đăng ký kết hôn có yếu tố nước ngoài"]


def test_rebuilding_a_procedure_gives_the_same_rows(catalogue: Catalogue) -> None:
    def rows() -> list[tuple[int, str, int]]:
        return list(
            ProcedureSearchTerm.objects.filter(procedure=catalogue.birth)
            .order_by("field", "term")
            .values_list("field", "term", "name_words")
        )

    before = rows()
    written = search_index_procedure(procedure_id=catalogue.birth.pk)

    assert rows() == before
    # The name, the sector ("Hộ tịch") and the result ("Giấy khai sinh"), words and adjacent pairs.
    assert [(field, term) for field, term, _words in before] == [
        (SearchField.NAME_WORD, "dang"),
        (SearchField.NAME_WORD, "khai"),
        (SearchField.NAME_WORD, "ky"),
        (SearchField.NAME_WORD, "sinh"),
        (SearchField.NAME_PAIR, "dang ky"),
        (SearchField.NAME_PAIR, "khai sinh"),
        (SearchField.NAME_PAIR, "ky khai"),
        (SearchField.OTHER_WORD, "giay"),
        (SearchField.OTHER_WORD, "ho"),
        (SearchField.OTHER_WORD, "khai"),
        (SearchField.OTHER_WORD, "sinh"),
        (SearchField.OTHER_WORD, "tich"),
        (SearchField.OTHER_PAIR, "giay khai"),
        (SearchField.OTHER_PAIR, "ho tich"),
        (SearchField.OTHER_PAIR, "khai sinh"),
    ]
    assert {words for _field, _term, words in before} == {4}
    assert written == 15
    assert search_reindex(procedures=Procedure.objects.filter(pk=catalogue.birth.pk)) == 15
    assert search_index_procedure(procedure_id=catalogue.draft_only.pk) == 0
