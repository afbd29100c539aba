"""Content-addressed file storage for uploads and slips (local file system under MEDIA_ROOT).

A file is stored once per content, under its SHA-256 (`files/ab/cd/abcd…`); storing the same bytes
again returns the same `StoredFile`. The type is sniffed from the content, never taken from the client;
only the formats dossiers use are accepted. The documents issue adds S3 and the citizen's data store
behind the same two functions.

Files are written before the row that names them: if the transaction rolls back, an orphan file stays
on disk, harmless (the next upload of the same bytes reuses it).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zlib
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.dossiers.models import StoredFile

MAX_BYTES = 20 * 1024 * 1024
CHUNK = 1024 * 1024
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = (PDF, JPEG, PNG, TIFF, DOCX, XLSX)
# What a client may claim for any content: we sniff it anyway.
NEUTRAL_CLAIMS = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-pdf": PDF}


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, among the accepted ones (None otherwise)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        # Office Open XML: a zip whose first entries name the part folders.
        if b"word/" in head:
            return DOCX
        if b"xl/" in head:
            return XLSX
    return None


def _root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _name_for(sha256: str) -> str:
    return f"files/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _problem(message: str, filename: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_file", fields={"file": f"{filename}: {message}"})


# A PDF's compressed streams may expand to at most this much (or INFLATION_RATIO times the file, if more):
# a flate-compressed blank scan expands ~1000 times, a decompression bomb (1 MB → 1 GB) far more in total.
INFLATION_FLOOR = 256 * 2**20
INFLATION_RATIO = 32
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_INFLATE_CHUNK = 16 * 1024


def inflates_beyond(data: bytes, budget: int) -> bool:
    """Whether the zlib (FlateDecode) streams of a PDF expand to more than `budget` bytes in all, measured
    piecewise (never more than ~16 MB held at once) and stopping as soon as the budget is spent."""
    view, total = memoryview(data), 0
    for match in _STREAM_START.finditer(data):
        inflater, position = zlib.decompressobj(), match.end()
        while not inflater.eof and position < len(data):
            try:
                total += len(inflater.decompress(view[position : position + _INFLATE_CHUNK]))
            except zlib.error:  # not a flate stream (a JPEG scan, plain text): nothing to measure
                break
            if total > budget:
                return True
            position += _INFLATE_CHUNK
    return False


def inflation_problem(data: bytes, filename: str) -> ApplicationError | None:
    """The refusal of a PDF whose streams expand beyond the budget for its size (a decompression bomb)."""
    if not inflates_beyond(data, max(INFLATION_FLOOR, INFLATION_RATIO * len(data))):
        return None
    return _problem(
        _(
            "The PDF file expands to far more data than a document of its size holds; "
            "export or scan it again."
        ),
        filename,
    )


def store_file(*, content: bytes | IO[bytes], filename: str, content_type: str = "") -> StoredFile:
    """Store `content` (deduplicated by SHA-256) after checking its sniffed type and its size; an
    `ApplicationError` (code "invalid_file") says what is wrong. `content_type` is the client's claim:
    refused when it names another type than the content's."""
    stream: IO[bytes] = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    root = _root()
    (root / "files").mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    handle, temporary = tempfile.mkstemp(dir=root / "files", prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise _problem(
                        _("The file is larger than %(max)d MB; split or compress it.")
                        % {"max": MAX_BYTES // 2**20},
                        filename,
                    )
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise _problem(_("The file is empty; choose the file again."), filename)
        sniffed = sniff(head)
        if sniffed is None:
            raise _problem(_("Send a PDF, JPEG, PNG or TIFF scan, or a Word or Excel file."), filename)
        claimed = ALIASES.get(content_type.strip().lower(), content_type.strip().lower())
        if claimed not in NEUTRAL_CLAIMS and claimed != sniffed:
            raise _problem(
                _("The file was sent as %(claimed)s but its content is %(actual)s.")
                % {"claimed": claimed, "actual": sniffed},
                filename,
            )
        if sniffed == PDF and (problem := inflation_problem(Path(temporary).read_bytes(), filename)):
            raise problem
        sha256 = digest.hexdigest()
        name = _name_for(sha256)
        target = root / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            Path(temporary).replace(target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    StoredFile.objects.bulk_create(
        [StoredFile(sha256=sha256, size=size, content_type=sniffed, name=name)], ignore_conflicts=True
    )
    return StoredFile.objects.get(sha256=sha256)


def open_file(stored: StoredFile) -> IO[bytes]:
    """The stored bytes, as a binary file open for reading (the caller closes it), wherever they are: the
    documents app keeps files in an S3-compatible bucket when `DOCUMENTS["STORAGE_BACKEND"]` says so."""
    if stored.backend != StoredFile.Backend.LOCAL:
        from motcua.documents.storage import read_document  # noqa: PLC0415 (documents builds on this module)

        return io.BytesIO(read_document(stored))
    return (_root() / stored.name).open("rb")
