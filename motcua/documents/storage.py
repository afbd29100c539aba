"""Document storage: D1's content-addressed `StoredFile`s, on the local file system or on S3.

`store_document` checks what a document must be beyond what `motcua.dossiers.storage` checks (the same
sniffer, `sniff`, reused): only PDF, JPEG, PNG, TIFF and DOCX; a size limit per type; a PDF that opens and
an image whose header tells the truth; the page count, read by walking the PDF page tree with a bounded
budget (`pdf_page_count`: at most `MAX_PDF_PAGES` pages, `MAX_PAGE_TREE_DEPTH` levels, no node reached
twice), so that a small hostile file cannot make the check costly. With `STORAGE_BACKEND=s3` the bytes go
to the S3-compatible bucket (django-storages) under the same content-addressed name; locally they go through
`motcua.dossiers.storage.store_file`. Files are served only through permission-checked views or a
short-lived signed URL (`signed_url`).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.dossiers import storage as dossier_storage
from motcua.dossiers.models import StoredFile
from motcua.dossiers.storage import DOCX, JPEG, PDF, PNG, TIFF, inflation_problem, sniff

MB = 2**20
# Size limits per type: a scanned multi-page PDF or TIFF may be large, a photo or a Word file less so.
MAX_BYTES = {PDF: 20 * MB, TIFF: 20 * MB, JPEG: 10 * MB, PNG: 10 * MB, DOCX: 10 * MB}
TYPE_NAMES = {PDF: "PDF", TIFF: "TIFF", JPEG: "JPEG", PNG: "PNG", DOCX: "DOCX"}
S3 = "s3"
PKCS12 = "application/x-pkcs12"
SIGNED_URL_SALT = "motcua.documents.file"
# Bounds of the page-tree walk (`pdf_page_count`): a scanned dossier document has tens of pages, a real page
# tree is a few levels deep (a balanced tree of 10,000 pages needs about 5); every node is visited once.
MAX_PDF_PAGES = 10_000
MAX_PAGE_TREE_DEPTH = 64
MAX_PAGE_TREE_NODES = 2 * MAX_PDF_PAGES + MAX_PAGE_TREE_DEPTH


@dataclass(frozen=True, slots=True)
class Checked:
    """A document that passed the checks: its content type and page count."""

    content_type: str
    page_count: int


def _problem(message: str, filename: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_file", fields={"file": f"{filename}: {message}"})


class TooManyPages(Exception):
    """The PDF page tree holds more than `MAX_PDF_PAGES` pages."""


def pdf_page_count(data: bytes) -> int | None:
    """The number of pages of a PDF, counted by walking its page tree from the catalog, or None when the
    tree is not a tree: a node reached twice (a cycle, or a node shared to multiply the pages), deeper than
    `MAX_PAGE_TREE_DEPTH`, a kid that is not a reference to a dictionary. Raises `TooManyPages` as soon as
    the walk passes `MAX_PDF_PAGES` pages, so the work is bounded whatever the file claims; the /Count
    entries are not trusted (a file may lie in them) and not read. Parser errors propagate."""
    from pypdf import PdfReader  # noqa: PLC0415 (heavy import, only when checking a PDF)
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject  # noqa: PLC0415

    catalog = PdfReader(io.BytesIO(data), strict=False).trailer["/Root"]
    if not isinstance(catalog, DictionaryObject):
        return None
    stack: list[tuple[Any, int]] = [(catalog.raw_get("/Pages"), 0)]
    seen: set[tuple[int, int]] = set()
    pages = 0
    while stack:
        reference, depth = stack.pop()
        if not isinstance(reference, IndirectObject) or depth > MAX_PAGE_TREE_DEPTH:
            return None
        key = (reference.idnum, reference.generation)
        if key in seen or len(seen) >= MAX_PAGE_TREE_NODES:
            return None
        seen.add(key)
        node = reference.get_object()
        if not isinstance(node, DictionaryObject):
            return None
        if "/Kids" not in node:
            pages += 1
            if pages > MAX_PDF_PAGES:
                raise TooManyPages
            continue
        kids = node["/Kids"]
        if not isinstance(kids, ArrayObject) or len(stack) + len(kids) > MAX_PAGE_TREE_NODES:
            return None
        stack.extend((kid, depth + 1) for kid in kids)
    return pages


def _page_count(data: bytes, content_type: str) -> int | None:
    """The number of pages, or None when the file does not open as what its header says. Raises
    `TooManyPages` for a PDF of more than `MAX_PDF_PAGES` pages."""
    try:
        if content_type == PDF:
            return pdf_page_count(data)
        if content_type == DOCX:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.getinfo("word/document.xml")
            return 1
        from PIL import Image  # noqa: PLC0415

        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return int(getattr(image, "n_frames", 1))
    except TooManyPages:
        raise
    except Exception:  # noqa: BLE001 (any parser failure means the same thing: the file does not open)
        return None


def check_document(data: bytes, *, filename: str) -> Checked:
    """Refuse what is not a document the state can keep: an unknown type (a renamed executable), an
    oversize file, a file that does not open. Raises `ApplicationError` code "invalid_file"."""
    if not data:
        raise _problem(_("The file is empty; choose the file again."), filename)
    content_type = sniff(data[:4096])
    if content_type not in MAX_BYTES:
        raise _problem(
            _(
                "This file is not a PDF, JPEG, PNG, TIFF or Word (DOCX) document; "
                "scan the paper again or send one of these formats."
            ),
            filename,
        )
    limit = MAX_BYTES[content_type]
    if len(data) > limit:
        raise _problem(
            _("The %(type)s file is larger than %(max)d MB; split or compress it.")
            % {"type": TYPE_NAMES[content_type], "max": limit // MB},
            filename,
        )
    if content_type == PDF and (problem := inflation_problem(data, filename)) is not None:
        raise problem
    try:
        pages = _page_count(data, content_type)
    except TooManyPages:
        raise _problem(
            _("The PDF file has more than %(max)d pages; split it into several files.")
            % {"max": MAX_PDF_PAGES},
            filename,
        ) from None
    if not pages:
        raise _problem(
            _("The file looks like %(type)s but cannot be opened; it is damaged, scan or export it again.")
            % {"type": TYPE_NAMES[content_type]},
            filename,
        )
    return Checked(content_type=content_type, page_count=pages)


@cache
def _s3_storage() -> Storage:
    from storages.backends.s3 import S3Storage  # noqa: PLC0415 (only with STORAGE_BACKEND=s3)

    return S3Storage(**s3_options())


def s3_options() -> dict[str, Any]:
    conf = settings.DOCUMENTS
    return {
        "bucket_name": conf["S3_BUCKET"],
        "endpoint_url": conf["S3_ENDPOINT_URL"] or None,
        "access_key": conf["S3_ACCESS_KEY_ID"] or None,
        "secret_key": conf["S3_SECRET_ACCESS_KEY"] or None,
        "region_name": conf["S3_REGION"] or None,
        "querystring_expire": conf["SIGNED_URL_SECONDS"],
        "file_overwrite": False,
        "default_acl": None,
    }


def reset_storage_cache() -> None:
    """Forget the S3 client (tests that change the settings)."""
    _s3_storage.cache_clear()


def store_document(*, content: bytes | IO[bytes], filename: str) -> tuple[StoredFile, Checked]:
    """Check and store a document (deduplicated by SHA-256); the StoredFile and what the checks found."""
    data = content if isinstance(content, bytes) else content.read()
    checked = check_document(data, filename=filename)
    if settings.DOCUMENTS["STORAGE_BACKEND"] != S3:
        return dossier_storage.store_file(content=data, filename=filename), checked
    return store_blob(data, content_type=checked.content_type), checked


def _backend_storage() -> Storage:
    if settings.DOCUMENTS["STORAGE_BACKEND"] == S3:
        return _s3_storage()
    return FileSystemStorage(location=settings.MEDIA_ROOT)


def store_blob(data: bytes, *, content_type: str) -> StoredFile:
    """Store bytes that are not a citizen's document (a PKCS#12 archive) without the document checks,
    content-addressed like every file. Only for what the system itself produces or an administrator sets."""
    sha256 = hashlib.sha256(data).hexdigest()
    existing = StoredFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    name = f"files/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    storage = _backend_storage()
    if not storage.exists(name):
        storage.save(name, ContentFile(data))
    backend = S3 if settings.DOCUMENTS["STORAGE_BACKEND"] == S3 else StoredFile.Backend.LOCAL
    StoredFile.objects.bulk_create(
        [StoredFile(sha256=sha256, size=len(data), content_type=content_type, backend=backend, name=name)],
        ignore_conflicts=True,
    )
    return StoredFile.objects.get(sha256=sha256)


def read_document(stored: StoredFile) -> bytes:
    """The stored bytes, wherever they are."""
    if stored.backend == S3:
        with _s3_storage().open(stored.name, "rb") as handle:
            return bytes(handle.read())
    with dossier_storage.open_file(stored) as handle:
        return handle.read()


def signed_url_seconds() -> int:
    """How long a signed download link lasts (`SIGNED_URL_SECONDS`)."""
    seconds: Any = settings.DOCUMENTS["SIGNED_URL_SECONDS"]
    return int(seconds)


def signed_url(stored: StoredFile, *, filename: str = "") -> str:
    """A short-lived URL for one file (`DOCUMENTS["SIGNED_URL_SECONDS"]`): a presigned S3 URL, or a
    signed token for the local download view. Hand it out only after a permission check."""
    if stored.backend == S3:
        url: Any = _s3_storage().url
        return str(url(stored.name, parameters={"ResponseContentType": stored.content_type}))
    token = signing.dumps({"f": stored.pk, "n": filename}, salt=SIGNED_URL_SALT, compress=True)
    return reverse("documents:signed_file", kwargs={"token": token})


def file_for_token(token: str) -> tuple[StoredFile, str] | None:
    """The file a local signed URL names, or None when the token is forged or expired."""
    try:
        data = signing.loads(token, salt=SIGNED_URL_SALT, max_age=signed_url_seconds())
    except signing.BadSignature:
        return None
    stored = StoredFile.objects.filter(pk=data.get("f")).first()
    return (stored, str(data.get("n") or "")) if stored is not None else None
