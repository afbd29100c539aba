"""Clients of the dossier API for the API, HTTP and concurrency tests.

`Api(user)` talks to the application in-process (Django's test client); `HttpApi(base_url, user)` talks to
a running server over real HTTP (urllib, as an outside client would). Both authenticate with a bearer
token of `user` (anonymous when None) and answer `Answer(status, headers, body)`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.test import Client
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.accounts.services import api_token_create
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import World, make_user

BASE = "/api/v1/dossiers"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def body(self) -> Any:
        return json.loads(self.content) if self.content else None

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def code(self) -> str:
        """The problem's code (4xx), asserting that the body is a JSON problem."""
        body = self.body
        assert set(body) >= {"code", "message", "fields"}, body
        return str(body["code"])


def token_for(user: User) -> str:
    _token, secret = api_token_create(actor=user, owner=user, name="tests")
    return secret


def multipart(field: str, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _path(path: str, params: dict[str, Any] | None) -> str:
    if not params:
        return path
    return f"{path}?{urlencode(params, doseq=True)}"


class Api:
    """The dossier API as `user`, in-process."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.client = Client()
        self.auth = {"Authorization": f"Bearer {token_for(user)}"} if user is not None else {}

    def _answer(self, response: Any) -> Answer:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return Answer(response.status_code, {k.lower(): v for k, v in response.items()}, content)

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Answer:
        return self._answer(self.client.get(_path(path, params), headers={**self.auth, **headers}))

    def post(self, path: str, body: Any = None, **headers: str) -> Answer:
        data = b"" if body is None else json.dumps(body)
        return self._answer(
            self.client.post(
                path, data=data, content_type="application/json", headers={**self.auth, **headers}
            )
        )

    def upload(
        self, content: bytes, filename: str = "to-khai.pdf", content_type: str = "application/pdf"
    ) -> Answer:
        body, kind = multipart("file", filename, content, content_type)
        return self._answer(
            self.client.generic("POST", f"{BASE}/uploads", body, content_type=kind, headers=self.auth)
        )

    # --- conveniences -------------------------------------------------------------------------------
    def read(self, dossier: Dossier | str) -> Answer:
        return self.get(f"{BASE}/{_id(dossier)}")

    def act(
        self, dossier: Dossier | str, action: str, body: Any = None, *, version: Any = None, **headers: str
    ) -> Answer:
        """POST the action with If-Match = `version` (default: the dossier's current version)."""
        if version is None:
            version = Dossier.objects.get(public_id=_id(dossier)).version
        if version is not False:
            headers = {"If-Match": f'"{version}"', **headers}
        return self.post(f"{BASE}/{_id(dossier)}/{action}", body, **headers)


class HttpApi(Api):
    """The dossier API as `user`, over real HTTP against a running server (`base_url`)."""

    def __init__(self, base_url: str, user: User | None) -> None:
        super().__init__(user)
        self.base_url = base_url.rstrip("/")

    def _send(self, method: str, path: str, data: bytes | None, headers: dict[str, str]) -> Answer:
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers={**self.auth, **headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Answer(
                    response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
                )
        except urllib.error.HTTPError as error:
            return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Answer:
        return self._send(
            "GET", _path(path, params), None, {k.replace("_", "-"): v for k, v in headers.items()}
        )

    def post(self, path: str, body: Any = None, **headers: str) -> Answer:
        data = b"" if body is None else json.dumps(body).encode()
        return self._send(
            "POST",
            path,
            data,
            {"Content-Type": "application/json", **{k.replace("_", "-"): v for k, v in headers.items()}},
        )

    def upload(
        self, content: bytes, filename: str = "to-khai.pdf", content_type: str = "application/pdf"
    ) -> Answer:
        body, kind = multipart("file", filename, content, content_type)
        return self._send("POST", f"{BASE}/uploads", body, {"Content-Type": kind})


def _id(dossier: Dossier | str) -> str:
    return str(dossier.public_id) if isinstance(dossier, Dossier) else str(dossier)


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def pdf_bytes(text: str = "") -> bytes:
    """A small PDF, its content made unique by `text`."""
    return PDF + text.encode() + b"\n"


class FrozenClock:
    """`django.utils.timezone.now` held at a moment the test moves (the live server's threads see it too)."""

    def __init__(self, monkeypatch: Any, moment: datetime) -> None:
        self.moment = moment
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def set(self, moment: datetime) -> None:
        self.moment = moment


def freeze(monkeypatch: Any, moment: datetime) -> FrozenClock:
    return FrozenClock(monkeypatch, moment)


def province_supervisor(world: World) -> User:
    """A supervisor on the whole province (sees every commune's dossiers)."""
    return make_user("giamsat.tinh", (Role.SUPERVISOR, world.province))


def dossier_payload(world: World, procedure: Procedure, /, **changes: Any) -> dict[str, Any]:
    """A counter dossier for a walk-in at commune A's centre (the body of POST /api/v1/dossiers)."""
    return {
        "procedure": procedure.code,
        "channel": "direct",
        "receiving_unit": world.centre_a.pk,
        "return_method": "counter",
        "applicant": {
            "name": "Lê Văn Cường",
            "identifier": "025085009999",
            "address": "Thôn 3, xã Ea Kar",
            "phone": "0987654321",
        },
        "components": [],
        **changes,
    }
