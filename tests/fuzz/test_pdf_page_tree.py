"""PDF page trees built to make the page count costly (issue 9): the document check walks the page tree
itself with a budget (`motcua.documents.storage.pdf_page_count`: at most 10,000 pages, 64 levels, no node
reached twice) and refuses beyond it quickly, measured in CPU time (`time.process_time`), which is what a
hostile upload would spend of the server. The full-size files of the fuzzing report are used here: a page
tree 100,000 levels deep (8 MB) and one listing a page 1,000,000 times (6 MB); the HTTP tests in
test_uploads.py send smaller ones.

Run: .venv/bin/python -m pytest -p no:cacheprovider -n 0 tests/fuzz/test_pdf_page_tree.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from motcua.core.errors import ApplicationError
from motcua.documents import storage
from motcua.dossiers.models import Dossier

from . import hostile_files, test_uploads
from .test_uploads import _digitise, _nothing_stored

DAMAGED_PDF = "Tệp có vẻ là PDF nhưng không mở được; tệp đã bị hỏng, hãy quét hoặc xuất lại."
# The fixtures of the upload tests: a received dossier, and what is stored before the test.
dossier = test_uploads.dossier
storage_watch = test_uploads.storage_watch
TOO_MANY_PAGES = "Tệp PDF có hơn 10000 trang; hãy tách thành nhiều tệp."
# CPU seconds a check may cost at most: generous (reading and walking the largest file here takes about half
# a second on the shared 2-core machine); a walk without a budget would have to follow millions of references.
CPU_BUDGET = 3.0


def wide_tree(pages: int, fan: int = 100) -> bytes:
    """A balanced two-level page tree of `pages` distinct pages, `fan` pages under each intermediate node."""
    groups = (pages + fan - 1) // fan
    first_group, first_page = 3, 3 + groups
    objects = [hostile_files.catalog()]
    kids = b" ".join(b"%d 0 R" % (first_group + group) for group in range(groups))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages))
    for group in range(groups):
        numbers = range(first_page + group * fan, first_page + min(pages, (group + 1) * fan))
        kids = b" ".join(b"%d 0 R" % number for number in numbers)
        objects.append(b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (kids, len(numbers)))
    for page in range(pages):
        parent = first_group + page // fan
        objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % parent)
    return hostile_files.pdf(objects)


def shared_nodes(fan: int = 300, levels: int = 3) -> bytes:
    """`levels` page-tree nodes, each listing the next one `fan` times: fan**levels pages (27 million)
    from a file of a few kilobytes, unless a node reached twice is refused."""
    objects = [hostile_files.catalog()]
    for level in range(levels):
        number = level + 2
        objects.append(
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join([b"%d 0 R" % (number + 1)] * fan), fan ** (levels - level))
        )
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (levels + 1))
    return hostile_files.pdf(objects)


def lying_count(claimed: int) -> bytes:
    """One page under a root that claims `claimed` pages."""
    return hostile_files.pdf(
        [hostile_files.catalog(), b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % claimed, hostile_files.PAGE]
    )


def _refusal(data: bytes) -> tuple[str, float]:
    started = time.process_time()
    with pytest.raises(ApplicationError) as caught:
        storage.check_document(data, filename="bom.pdf")
    spent = time.process_time() - started
    assert (caught.value.code, caught.value.fields) == (
        "invalid_file",
        {"file": f"bom.pdf: {caught.value.message}"},
    )
    return caught.value.message, spent


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(lambda: hostile_files.deep_page_tree(100_000), DAMAGED_PDF, id="page-tree-100000-deep"),
        pytest.param(lambda: hostile_files.million_pages(1_000_000), DAMAGED_PDF, id="1000000-pages"),
        pytest.param(shared_nodes, DAMAGED_PDF, id="27-million-pages-through-shared-nodes"),
        pytest.param(hostile_files.cyclic_page_tree, DAMAGED_PDF, id="cyclic-page-tree"),
        pytest.param(lambda: hostile_files.deep_page_tree(65), DAMAGED_PDF, id="page-tree-65-deep"),
        pytest.param(lambda: wide_tree(10_001), TOO_MANY_PAGES, id="10001-distinct-pages"),
    ],
)
def test_a_costly_page_tree_is_refused_within_a_cpu_budget(build: Callable[[], bytes], message: str) -> None:
    data = build()

    refused, spent = _refusal(data)

    assert refused == message
    assert spent < CPU_BUDGET, f"{spent:.2f} s of CPU to refuse {len(data)} bytes"


@pytest.mark.parametrize(
    ("build", "pages"),
    [
        pytest.param(lambda: wide_tree(10_000), 10_000, id="10000-pages"),
        pytest.param(lambda: wide_tree(250, fan=7), 250, id="250-pages-fan-7"),
        pytest.param(lambda: hostile_files.deep_page_tree(64), 1, id="page-tree-64-deep"),
        pytest.param(lambda: lying_count(999_999_999_999), 1, id="root-count-lies-high"),
        pytest.param(lambda: lying_count(0), 1, id="root-count-lies-low"),
    ],
)
def test_the_page_count_is_the_walked_count_within_the_bounds(build: Callable[[], bytes], pages: int) -> None:
    started = time.process_time()

    checked = storage.check_document(build(), filename="to-khai.pdf")

    assert checked == storage.Checked(content_type="application/pdf", page_count=pages)
    assert time.process_time() - started < CPU_BUDGET


def test_more_pages_than_the_limit_are_refused_at_digitisation(
    world: Any,
    dossier: Dossier,
    storage_watch: Any,
) -> None:
    response = _digitise(
        world, dossier, wide_tree(10_001), filename="bom.pdf", content_type="application/pdf"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_file",
        "message": TOO_MANY_PAGES,
        "fields": {"file": f"bom.pdf: {TOO_MANY_PAGES}"},
    }
    _nothing_stored(storage_watch, dossier)


def test_a_million_page_tree_is_refused_at_digitisation_within_a_cpu_budget(
    world: Any,
    dossier: Dossier,
    storage_watch: Any,
) -> None:
    data = hostile_files.million_pages(1_000_000)
    started = time.process_time()

    response = _digitise(world, dossier, data, filename="bom.pdf", content_type="application/pdf")

    assert time.process_time() - started < CPU_BUDGET
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_file",
        "message": DAMAGED_PDF,
        "fields": {"file": f"bom.pdf: {DAMAGED_PDF}"},
    }
    _nothing_stored(storage_watch, dossier)
