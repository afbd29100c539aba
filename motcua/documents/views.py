"""Public pages: the verification page a QR code leads to, and short-lived signed downloads."""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.documents import signing
from motcua.documents.forms import VerifyUploadForm
from motcua.documents.selectors import signed_document_public
from motcua.documents.services import trust_roots
from motcua.documents.storage import file_for_token, read_document

logger = logging.getLogger(__name__)
MAX_UPLOAD = 20 * 2**20


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Whether the issued document's signatures are valid and the document unchanged; a visitor may also
    upload the copy they hold to check it is this document, unchanged."""
    document = signed_document_public(public_id=public_id)
    if document is None:
        raise Http404
    roots = trust_roots()
    try:
        stored = read_document(document.file)
    except OSError:
        # The stored file is gone: nothing to vouch for (logged for the operators, shown as not valid).
        logger.error("documents_signed_file_missing", extra={"document": str(document.public_id)})
        stored = b""
    unchanged = hashlib.sha256(stored).hexdigest() == document.file.sha256
    result = signing.verify(stored, trust_roots_pem=roots)
    form = VerifyUploadForm()
    upload = None
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"]
            if data.size > MAX_UPLOAD:
                form.add_error(
                    "file", _("The file is larger than %(max)d MB.") % {"max": MAX_UPLOAD // 2**20}
                )
            else:
                content = data.read()
                upload = {
                    "same": hashlib.sha256(content).hexdigest() == document.file.sha256,
                    "verification": signing.verify(content, trust_roots_pem=roots),
                }
    return render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "valid": result.valid and unchanged,
            "verification": result,
            "form": form,
            "upload": upload,
        },
        status=200 if form.is_valid() or request.method == "GET" else 400,
    )


def signed_file(request: HttpRequest, token: str) -> FileResponse:
    """A file named by a short-lived signed token (handed out only after a permission check)."""
    found = file_for_token(token)
    if found is None:
        raise Http404
    stored, filename = found
    from io import BytesIO  # noqa: PLC0415

    response = FileResponse(
        BytesIO(read_document(stored)),
        content_type=stored.content_type,
        as_attachment=True,
        filename=filename or stored.sha256[:16],
    )
    response["Cache-Control"] = "private, no-store"
    return response
