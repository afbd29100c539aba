"""The authorisation matrix (issue 9 item 5): every API operation × every kind of caller, one expected
status per cell.

The operations are read from the API's own OpenAPI schema at test time: an operation without a row in
`MATRIX` fails `test_every_operation_has_a_row`, so a new endpoint cannot ship without saying who may
call it. Each row calls the operation the way its rightful caller would, with a VALID body (django-ninja
validates the body before the handler runs, so an invalid one would answer 422 and never reach the
permission check).

The callers (columns, in this order):

    anonymous     no credentials
    owner         the citizen who owns the dossier / data store / token of the row
    citizen       another citizen
    officer_b     the row's role (intake officer, specialist, leader, administrator) at commune B
    officer_a     the same role at commune A, where the row's dossier or account lives
    supervisor    a supervisor of the whole province
    integrator    an integration account (the national portal's), `integrator` role on the province

House rules the cells follow: no credentials → 401; a dossier, token, account or store item the caller
may not see → 404, as for one that does not exist; a caller who sees it but may not act → 403.

The world is built once for the module (in a transaction rolled back at the end); every cell runs in its
own savepoint, so an allowed action never leaks into the next cell. Time is frozen at Monday 7/12/2026
15:00 (Asia/Ho_Chi_Minh), the moment the dossiers' histories end.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from reportlab.pdfgen import canvas

from motcua.accounts.models import Role, RoleGrant, User
from motcua.accounts.services import api_token_create
from motcua.api.api import api
from motcua.catalog.models import Procedure
from motcua.documents.models import DataStoreItem
from motcua.documents.services import store_upload
from motcua.dossiers import services
from motcua.dossiers.api import upload_token
from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip
from motcua.dossiers.tests.helpers import (
    ITEMS,
    PASSWORD,
    REASON,
    World,
    at,
    build_world,
    in_state,
    make_procedure,
    make_user,
    pdf,
)
from motcua.testing.module_world import module_world

SUBJECTS = ("anonymous", "owner", "citizen", "officer_b", "officer_a", "supervisor", "integrator")
NOW = at(7, 15)
S = Dossier.Status
PREFIX = "/api/v1"


# --- the world --------------------------------------------------------------------------------------------


@dataclass
class Matrix:
    """`World` plus what the rows name: dossiers per state, a store item, tokens, grants."""

    world: World
    procedure: Procedure
    supervisor: User
    integrator: User
    admin_a: User
    admin_b: User
    supervisor_b: User
    dossiers: dict[str, Dossier]
    store_item: DataStoreItem
    owner_token_id: int
    grant_id: int
    bearer: dict[int, str] = field(default_factory=dict)  # user id → token

    def officer(self, role: str, side: str) -> User:
        w = self.world
        people = {
            ("intake", "a"): w.intake_a,
            ("intake", "b"): w.intake_b,
            ("specialist", "a"): w.specialist_a,
            ("specialist", "b"): w.specialist_b,
            ("leader", "a"): w.leader_a,
            ("leader", "b"): w.leader_b,
            ("admin", "a"): self.admin_a,
            ("admin", "b"): self.admin_b,
            ("supervisor", "a"): w.supervisor_a,
            ("supervisor", "b"): self.supervisor_b,
        }
        return people[(role, side)]

    def subject(self, name: str, role: str) -> User | None:
        return {
            "anonymous": None,
            "owner": self.world.citizen,
            "citizen": self.world.other_citizen,
            "officer_b": self.officer(role, "b") if role else self.world.intake_b,
            "officer_a": self.officer(role, "a") if role else self.world.intake_a,
            "supervisor": self.supervisor,
            "integrator": self.integrator,
        }[name]


def real_pdf(text: str) -> bytes:
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pageCompression=0)
    sheet.drawString(100, 700, text)
    sheet.showPage()
    sheet.save()
    return out.getvalue()


def at_approval(world: World, procedure: Procedure) -> Dossier:
    dossier = in_state(world, procedure, S.PROCESSING)
    return services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))


def build_matrix() -> Matrix:
    world = build_world()
    procedure = make_procedure(world, amount=5, unit="working_days")
    User.objects.filter(pk__in=[world.citizen.pk, world.other_citizen.pk]).update(email_verified_at=NOW)
    admin_a = make_user("quantri.a", (Role.ADMIN, world.commune_a))
    admin_b = make_user("quantri.b", (Role.ADMIN, world.commune_b))
    supervisor_b = make_user("giamsat.b", (Role.SUPERVISOR, world.commune_b))
    supervisor = make_user("giamsat.tinh", (Role.SUPERVISOR, world.province))
    integrator = make_user("tichhop.dvcqg", (Role.INTEGRATOR, world.province), kind=User.Kind.INTEGRATOR)
    dossiers = {
        "draft": in_state(world, procedure, S.DRAFT),
        "submitted": in_state(world, procedure, S.SUBMITTED),
        "supplement_at_intake": in_state(world, procedure, S.SUPPLEMENT_AT_INTAKE),
        "processing": in_state(world, procedure, S.PROCESSING),
        "at_approval": at_approval(world, procedure),
        "waiting_supplement": in_state(world, procedure, S.WAITING_SUPPLEMENT),
        "resolved": in_state(world, procedure, S.RESOLVED),
    }
    received = DossierEvent.objects.get(dossier=dossiers["processing"], kind=DossierEvent.Kind.RECEIVED)
    DossierSlip.objects.get_or_create(
        dossier=dossiers["processing"],
        form=DossierSlip.Form.RECEIPT,
        event=received,
        defaults={"file": pdf("slip")},
    )
    store_item = store_upload(
        actor=world.citizen, content=real_pdf("CCCD"), filename="cccd.pdf", title="Căn cước công dân"
    )
    owner_token, _secret = api_token_create(actor=world.citizen, owner=world.citizen, name="owner's")
    grant = RoleGrant.objects.get(user=world.specialist_a2)
    matrix = Matrix(
        world=world,
        procedure=procedure,
        supervisor=supervisor,
        integrator=integrator,
        admin_a=admin_a,
        admin_b=admin_b,
        supervisor_b=supervisor_b,
        dossiers=dossiers,
        store_item=store_item,
        owner_token_id=owner_token.pk,
        grant_id=grant.pk,
    )
    people = [world.citizen, world.other_citizen, supervisor, integrator, admin_a, admin_b, supervisor_b]
    people += [world.intake_a, world.intake_b, world.specialist_a, world.specialist_b]
    people += [world.leader_a, world.leader_b, world.supervisor_a]
    for person in people:
        _token, secret = api_token_create(actor=person, owner=person, name="matrix")
        matrix.bearer[person.pk] = secret
    return matrix


@pytest.fixture(scope="module")
def matrix(django_db_setup: None, django_db_blocker: Any) -> Iterator[Matrix]:
    """Built once, inside a transaction that the module's end rolls back (each test's own transaction is
    a savepoint within it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: NOW)
        yield from module_world(django_db_blocker, build_matrix)


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: Any) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    cache.clear()  # rate limits (lookup, sign-up, log-in) start afresh in every cell


# --- the rows ---------------------------------------------------------------------------------------------

Body = Callable[[Matrix, "User | None"], Any]
Values = Callable[[Matrix], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    """One way to call one operation. `path` is the schema's path template below /api/v1; `expect` has
    one status per subject, in `SUBJECTS` order; `role` is the officers' role for this row; `target`
    the dossier of `{public_id}`; `params`, `query` and `body` fill the rest (the body may depend on the
    caller); `multipart`: a PDF in the field "file"; `if_match`: the dossier's current version."""

    name: str
    method: str
    path: str
    expect: tuple[int, int, int, int, int, int, int]
    role: str = ""
    target: str = "processing"
    params: Values | None = None
    query: Values | None = None
    body: Body | None = None
    multipart: bool = False
    if_match: bool = False


def _uploads(m: Matrix, user: User | None) -> dict[str, Any]:
    """A valid components body: an upload token of `user` (any string for anonymous, refused first)."""
    token = upload_token(stored=pdf("added"), user=user, filename="them.pdf") if user else "x"
    return {"components": [{"name": "Giấy chứng sinh", "upload": token}]}


def _counter_intake(m: Matrix, user: User | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure": m.procedure.code,
        "channel": "direct",
        "receive": True,
        "receiving_unit": m.world.centre_a.pk,
        "return_method": "counter",
        "components": [],
        "applicant": {
            "name": "Lê Văn Cường",
            "identifier": "025085009999",
            "address": "Thôn 3, xã Ea Kar",
            "phone": "0987654321",
        },
    }
    if user is not None and user.kind in {User.Kind.CITIZEN, User.Kind.ORGANIZATION}:
        del body["applicant"]  # an applicant's account applies in its own name
    return body


def _online_draft(m: Matrix, user: User | None) -> dict[str, Any]:
    return _counter_intake(m, user) | {"channel": "online", "receive": False}


def _sign_up(m: Matrix, user: User | None) -> dict[str, Any]:
    return {
        "personal_id": "025090007777",
        "full_name": "Phạm Văn Dũng",
        "email": "dung@example.vn",
        "phone": "0911222333",
        "password": "mot-mat-khau-dai-2026",
    }


def _grant(m: Matrix, user: User | None) -> dict[str, Any]:
    return {"user_id": m.world.specialist_a2.pk, "role": "leader", "unit_id": m.world.commune_a.pk}


def _lookup(m: Matrix, user: User | None) -> dict[str, Any]:
    dossier = m.dossiers["processing"]
    return {"code": dossier.code, "secret": dossier.lookup_secret}


def _unit_a(m: Matrix) -> dict[str, Any]:
    return {"unit": m.world.commune_a.pk, "period": "2026-12"}


def _book(m: Matrix) -> dict[str, Any]:
    return {"unit": m.world.centre_a.pk, "date_from": "2026-12-01", "date_to": "2026-12-31"}


def _due(m: Matrix) -> dict[str, Any]:
    return {"start": "2026-12-07T09:00:00+07:00", "amount": "5", "time_unit": "working_days"}


def _given(**body: Any) -> Body:
    return lambda m, user: body


def _fixed(**values: Any) -> Values:
    return lambda m: values


def _code(m: Matrix) -> dict[str, Any]:
    return {"code": m.procedure.code}


def _store_item(m: Matrix) -> dict[str, Any]:
    return {"public_id": m.store_item.public_id}


def _reuse(m: Matrix, user: User | None) -> dict[str, Any]:
    return {"item": str(m.store_item.public_id)}


def _reassign(m: Matrix, user: User | None) -> dict[str, Any]:
    return {"assignee": m.world.specialist_a2.pk}


D = "/dossiers/{public_id}"
DOC = "/documents/dossiers/{public_id}"
SUPPLEMENT = _given(items=ITEMS, reason=REASON)
APOLOGY = _given(reason="Cần xác minh", new_appointment="2026-12-21T17:00:00+07:00")
# Recurring rows of statuses (anonymous, owner, citizen, officer_b, officer_a, supervisor, integrator):
PUBLIC = (200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = (401, 200, 200, 200, 200, 200, 200)
CREATED = (401, 201, 201, 201, 201, 201, 201)
READ = (401, 200, 404, 404, 200, 200, 404)  # a dossier of commune A: its owner, A's staff, the province
OWNER_ACTS = (401, 200, 404, 404, 403, 403, 404)  # the supervisor and A's officers see it, may not act
OFFICER_ACTS = (401, 403, 404, 404, 200, 403, 404)  # the owner sees it, may not act
OWN_ONLY = (401, 200, 404, 404, 404, 404, 404)
OWN_DELETE = (401, 204, 404, 404, 404, 404, 404)
ADMIN_A = (401, 404, 404, 404, 200, 404, 404)  # an account of commune A: only A's administrator sees it
QUEUE = (401, 403, 403, 200, 200, 403, 403)  # one's own queue in a role one holds
KPI = (401, 403, 403, 403, 200, 200, 403)

# fmt: off
MATRIX: list[Row] = [
    # --- accounts ---------------------------------------------------------------------------------------
    Row("me", "GET", "/accounts/me", SIGNED_IN),
    Row("token create", "POST", "/accounts/tokens", CREATED, body=_given(name="mới")),
    Row("token list", "GET", "/accounts/tokens", SIGNED_IN),
    Row("token obtain", "POST", "/accounts/tokens/obtain", (201,) * 7,
        body=_given(identifier="congdan.an", password=PASSWORD)),
    Row("token revoke", "DELETE", "/accounts/tokens/{token_id}", OWN_DELETE, role="admin",
        params=lambda m: {"token_id": m.owner_token_id}),
    Row("user list", "GET", "/accounts/users", SIGNED_IN, role="admin"),
    Row("deactivate", "POST", "/accounts/users/{user_id}/deactivate", ADMIN_A, role="admin",
        params=lambda m: {"user_id": m.world.specialist_a2.pk}),
    Row("grant", "POST", "/accounts/grants", (401, 404, 404, 404, 201, 404, 404), role="admin",
        body=_grant),
    Row("grant revoke", "DELETE", "/accounts/grants/{grant_id}", (401, 404, 404, 404, 204, 404, 404),
        role="admin", params=lambda m: {"grant_id": m.grant_id}),
    Row("sign-up", "POST", "/accounts/sign-up", (201,) * 7, body=_sign_up),
    # --- public reference data ------------------------------------------------------------------------
    Row("units", "GET", "/units", PUBLIC),
    Row("unit", "GET", "/units/{unit_id}", PUBLIC, params=lambda m: {"unit_id": m.world.commune_a.pk}),
    Row("due", "GET", "/worktime/due", PUBLIC, query=_due),
    Row("procedures", "GET", "/procedures", PUBLIC),
    Row("procedure", "GET", "/procedures/{code}", PUBLIC, params=_code),
    Row("expected due", "GET", "/procedures/{code}/expected-due", PUBLIC, params=_code),
    # --- dossiers: create, search, queues, files --------------------------------------------------------
    Row("counter intake at A", "POST", "/dossiers", (401, 403, 403, 403, 201, 403, 403), role="intake",
        body=_counter_intake),
    Row("online draft", "POST", "/dossiers", (401, 201, 201, 403, 403, 403, 403), role="intake",
        body=_online_draft),
    Row("search", "GET", "/dossiers", SIGNED_IN, role="specialist"),
    Row("queue", "GET", "/dossiers/queue", QUEUE, role="intake", query=_fixed(role="intake_officer")),
    Row("queue counts", "GET", "/dossiers/queue/counts", QUEUE, role="intake",
        query=_fixed(role="intake_officer")),
    Row("upload", "POST", "/dossiers/uploads", CREATED, multipart=True),
    Row("tracking book of A", "GET", "/dossiers/tracking-book", (401, 403, 403, 403, 200, 200, 403),
        role="intake", query=_book),
    Row("public lookup", "POST", "/dossiers/lookup", PUBLIC, body=_lookup),
    # --- one dossier: reads --------------------------------------------------------------------------
    Row("read", "GET", D, READ, role="specialist"),
    Row("events", "GET", D + "/events", READ, role="specialist"),
    Row("slips", "GET", D + "/slips", READ, role="specialist"),
    Row("slip 01", "GET", D + "/slips/{number}", READ, role="specialist", params=_fixed(number="01")),
    Row("file", "GET", D + "/components/{position}/file", READ, role="specialist",
        params=_fixed(position=1)),
    Row("read a draft", "GET", D, OWN_ONLY, role="intake", target="draft"),  # staff see no online draft
    # --- one dossier: actions -------------------------------------------------------------------------
    Row("submit", "POST", D + "/submit", OWN_ONLY, role="intake", target="draft", if_match=True),
    Row("receive", "POST", D + "/receive", OFFICER_ACTS, role="intake", target="submitted", if_match=True),
    Row("ask supplement at intake", "POST", D + "/ask_supplement_at_intake", OFFICER_ACTS, role="intake",
        target="submitted", if_match=True, body=SUPPLEMENT),
    Row("resubmit", "POST", D + "/resubmit", OWNER_ACTS, role="intake", target="supplement_at_intake",
        if_match=True, body=_uploads),
    Row("refuse intake", "POST", D + "/refuse_intake", OFFICER_ACTS, role="intake", target="submitted",
        if_match=True, body=_given(reason=REASON)),
    Row("forward", "POST", D + "/forward", OFFICER_ACTS, role="specialist", if_match=True, body=_given()),
    Row("send back", "POST", D + "/send_back", OFFICER_ACTS, role="leader", target="at_approval",
        if_match=True, body=_given(note="Thẩm định lại")),
    Row("reassign", "POST", D + "/reassign", (401, 403, 404, 404, 200, 200, 404), role="leader",
        if_match=True, body=_reassign),
    Row("ask supplement", "POST", D + "/ask_supplement", OFFICER_ACTS, role="specialist", if_match=True,
        body=SUPPLEMENT),
    Row("supplement", "POST", D + "/supplement", OWNER_ACTS, role="specialist",
        target="waiting_supplement", if_match=True, body=_uploads),
    Row("apologize", "POST", D + "/apologize", OFFICER_ACTS, role="leader", if_match=True, body=APOLOGY),
    Row("reject", "POST", D + "/reject", OFFICER_ACTS, role="leader", if_match=True,
        body=_given(reason=REASON)),
    Row("approve", "POST", D + "/approve", OFFICER_ACTS, role="leader", target="at_approval",
        if_match=True, body=_given(result_note="Giấy khai sinh")),
    Row("return result", "POST", D + "/return_result", OFFICER_ACTS, role="intake", target="resolved",
        if_match=True, body=_given(method="counter")),
    Row("stop", "POST", D + "/stop", OFFICER_ACTS, role="intake", if_match=True,
        body=_given(reason="Đề nghị dừng")),
    Row("withdraw", "POST", D + "/withdraw", OWNER_ACTS, role="intake", target="submitted", if_match=True,
        body=_given(reason="Không cần nữa")),
    # --- KPI of commune A (the forecast and the lists name applicants: not for administrators) ----------
    Row("index", "GET", "/kpi/index", KPI, role="leader", query=_unit_a),
    Row("index, administrators", "GET", "/kpi/index", KPI, role="admin", query=_unit_a),
    Row("dossiers behind 2.1", "GET", "/kpi/index/{indicator}/dossiers", KPI, role="leader",
        params=_fixed(indicator="2.1"), query=_unit_a),
    Row("forecast", "GET", "/kpi/forecast", KPI, role="leader", query=_unit_a),
    Row("forecast, administrators", "GET", "/kpi/forecast", (401, 403, 403, 403, 403, 200, 403),
        role="admin", query=_unit_a),
    Row("ranking", "GET", "/kpi/ranking", KPI, role="leader", query=_unit_a),
    # --- documents: the owner's data store --------------------------------------------------------------
    Row("store", "GET", "/documents/store", SIGNED_IN),
    Row("store candidates", "GET", "/documents/store/candidates", SIGNED_IN,
        query=_fixed(document_type="CCCD")),
    Row("store item link", "GET", "/documents/store/{public_id}/url", OWN_ONLY, params=_store_item),
    Row("store item delete", "DELETE", "/documents/store/{public_id}", OWN_DELETE, params=_store_item),
    # --- documents: a submitted dossier's components (the applicant, or an intake officer of A) ---------
    Row("reuse candidates", "GET", DOC + "/candidates", (401, 200, 404, 404, 200, 403, 404),
        role="intake", target="submitted"),
    Row("reuse", "POST", DOC + "/reuse", (401, 201, 404, 404, 201, 403, 404), role="intake",
        target="submitted", body=_reuse),
    Row("digitise", "POST", DOC + "/digitise", (401, 403, 404, 404, 201, 403, 404), role="intake",
        target="submitted", multipart=True),
    Row("digitisation missing", "GET", DOC + "/digitisation-missing", READ, role="intake",
        target="submitted"),
]
# fmt: on


CELLS = [
    pytest.param(row, subject, expected, id=f"{row.name} | {subject}")
    for row in MATRIX
    for subject, expected in zip(SUBJECTS, row.expect, strict=True)
]


# --- the calls --------------------------------------------------------------------------------------------


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def call(m: Matrix, row: Row, user: User | None) -> Any:
    dossier = m.dossiers.get(row.target)
    values: dict[str, Any] = {"public_id": dossier.public_id} if dossier and "{public_id}" in row.path else {}
    values |= row.params(m) if row.params else {}
    url = PREFIX + row.path.format(**values)
    if row.query:
        url += "?" + urlencode(row.query(m))
    headers = {"Authorization": f"Bearer {m.bearer[user.pk]}"} if user is not None else {}
    if row.if_match:
        assert dossier is not None
        headers["If-Match"] = f'"{Dossier.objects.get(pk=dossier.pk).version}"'
    client = Client()
    if row.multipart:
        data, kind = _multipart({}, "to-khai.pdf", real_pdf("Tờ khai"))
        return client.generic(row.method, url, data, content_type=kind, headers=headers)
    data = b"" if row.body is None else json.dumps(row.body(m, user)).encode()
    return client.generic(row.method, url, data, content_type="application/json", headers=headers)


def operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


# --- the tests --------------------------------------------------------------------------------------------


def test_every_operation_has_a_row() -> None:
    """A new endpoint fails here until the matrix says who may call it (and a removed one, until its
    rows go)."""
    rows = {(row.method, PREFIX + row.path) for row in MATRIX}

    assert sorted(operations() - rows) == []
    assert sorted(rows - operations()) == []


def test_the_matrix_size() -> None:
    assert (len(operations()), len(MATRIX), len(CELLS)) == (56, 60, 420)


DENIAL_CODES = {401: {"not_authenticated"}, 403: {"permission_denied"}}


def _state(m: Matrix, row: Row) -> tuple[str, int, int] | None:
    """The acted-on dossier's status, version and number of events (None for other rows)."""
    if not row.if_match:
        return None
    dossier = Dossier.objects.get(pk=m.dossiers[row.target].pk)
    return (dossier.status, dossier.version, dossier.events.count())


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "subject", "expected"), CELLS)
def test_cell(matrix: Matrix, row: Row, subject: str, expected: int) -> None:
    user = matrix.subject(subject, row.role)
    before = _state(matrix, row)

    response = call(matrix, row, user)

    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == expected, content[:500]
    after = _state(matrix, row)
    if expected >= 400:
        body = json.loads(content)
        assert set(body) >= {"code", "message", "fields"}, body
        if expected in DENIAL_CODES:
            assert body["code"] in DENIAL_CODES[expected], body
        else:
            assert body["code"].endswith("not_found"), body
        assert after == before  # a refused action changed nothing
    elif before is not None:
        assert after is not None
        assert (after[1], after[2]) == (before[1] + 1, before[2] + 1)  # one new version, one event
