"""CSRF on every page form (issue 9 item 5).

For each kind of person (anonymous, citizen, intake officer, specialist, leader, supervisor, administrator,
catalogue editor, superuser), the site is crawled from the pages they start from, following every link
on this site (pages only: not the API, static files or downloads). Every `<form method="post">` found
must carry Django's CSRF token, and every htmx `hx-post` outside such a form too; then a POST to each
form's action, from the same signed-in browser but without the token, must be refused with the
Vietnamese 403 page.

`test_every_page_is_reached` keeps the crawl honest: every named page of the site is reached by some
crawl, or listed in `NOT_CRAWLED` with the reason. A new page fails it until one or the other.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from motcua.accounts.links import email_verification_tokens, make_link_token, password_reset_tokens
from motcua.accounts.models import Role, User
from motcua.catalog.models import Procedure
from motcua.catalog.services import procedure_create
from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip
from motcua.dossiers.tests.helpers import World, build_world, in_state, make_procedure, make_user, pdf
from motcua.testing.module_world import module_world

CSRF_FIELD = "csrfmiddlewaretoken"
REFUSED = "Biểu mẫu đã hết hạn hoặc được gửi từ một trang khác. Hãy tải lại trang rồi gửi lại."
MAX_PAGES = 120  # per person: the crawl stops there (it reaches far fewer with this world)
SKIPPED_PREFIXES = ("/api/", "/static/", "/media/", "/admin/", "/healthz")
SKIPPED_VIEWS = {
    # Downloads (files, exports): no HTML, no form.
    "catalog:editor_export",
    "kpi:export",
    "portal:component_file",
    "portal:slip_file",
    "portal:result_file",
    "backoffice:component",
    "backoffice:slip",
    "backoffice:signed",
    "backoffice:guidance_slip",
    "documents:signed_file",
    "portal:my_data",  # everything held about the person, as a JSON download
}
# Named pages no crawl reaches, and why (the admin site is Django's own, with its own CSRF protection).
NOT_CRAWLED = {
    "healthz": "a JSON probe for the load balancer, no page",
    "set_language": "POST only: the language switcher's form action (its form is checked on every page)",
    "accounts:logout": "POST only: the sign-out form's action (checked on every page of a signed-in person)",
    "accounts:staff_grant": "POST only: the form on the staff detail page",
    "accounts:staff_deactivate": "POST only: the form on the staff detail page",
    "accounts:grant_revoke": "POST only: the form on the staff detail page",
    "worktime:exception_remove": "POST only: the form on the calendar page",
    "catalog:editor_draft_start": "POST only: the form on the procedure's editor page",
    "backoffice:intake_applicant": "POST only: htmx inside the intake form",
    "backoffice:action": "POST only: the action forms of the dossier page",
    "backoffice:intake_done": "reached only by receiving a dossier (a POST)",
    "backoffice:guidance_done": "reached only by writing a guidance note (a POST)",
    "portal:submit_form_n": "the second e-form of a procedure with several; this one has none",
    "portal:supplement": "POST only: the supplement form on the dossier page",
    "portal:submit_documents": "reached after the e-form step (a POST)",
    "portal:submit_review": "reached after the documents step (a POST)",
    "kpi:timeline": "linked from the drill-down rows, which need KPI facts this world has not",
    "documents:verify": "the QR code's target on a signed result; this world signs nothing",
    **dict.fromkeys(SKIPPED_VIEWS, "a download, no HTML"),
}


E_FORM = {
    "type": "object",
    "properties": {"ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh"}},
    "required": ["ho_ten"],
}

# --- the world --------------------------------------------------------------------------------------------


@dataclass
class Site:
    world: World
    procedure: Procedure
    people: dict[str, User | None]
    seeds: dict[str, list[str]]


def build_site() -> Site:
    world = build_world()
    procedure = make_procedure(world, amount=5, unit="working_days")
    with_eform = make_procedure(world, code="1.001193.000.00.00.H16", eforms={"to_khai": E_FORM})
    dossiers = {
        status: in_state(world, procedure, status)
        for status in (
            Dossier.Status.PROCESSING,
            Dossier.Status.SUBMITTED,
            Dossier.Status.WAITING_SUPPLEMENT,
            Dossier.Status.SUPPLEMENT_AT_INTAKE,
        )
    }
    processing = dossiers[Dossier.Status.PROCESSING]
    received = DossierEvent.objects.get(dossier=processing, kind=DossierEvent.Kind.RECEIVED)
    DossierSlip.objects.create(
        dossier=processing, event=received, form=DossierSlip.Form.RECEIPT, file=pdf("1")
    )
    people: dict[str, User | None] = {
        "anonymous": None,
        "citizen": world.citizen,
        "intake": world.intake_a,
        "specialist": world.specialist_a,
        "leader": world.leader_a,
        "supervisor": make_user("giamsat.tinh", (Role.SUPERVISOR, world.province)),
        "admin": make_user("quantri.tinh", (Role.ADMIN, world.province)),
        "catalog_editor": make_user("bientap.tinh", (Role.CATALOG_EDITOR, world.province)),
        "superuser": world.superuser,
    }
    procedure_create(  # a procedure with a draft: the editor's draft pages
        code="1.000001.000.00.00.H15",
        name="Cấp giấy phép",
        sector=procedure.sector,
        level="commune",
        owner_unit=world.province,
        actor=people["catalog_editor"],
    )
    newcomer = make_user("moi.dangky", kind=User.Kind.CITIZEN)
    public = ["/", "/thu-tuc/", f"/thu-tuc/{procedure.code}/", f"/thu-tuc/{with_eform.code}/", "/tra-cuu/"]
    seeds = {
        "anonymous": [
            *public,
            "/accounts/login/",
            "/accounts/sign-up/",
            "/accounts/sign-up/organisation/",
            "/accounts/password-reset/",
            "/accounts/verify-email/resend/",
            "/accounts/sign-up/sent/",
            "/accounts/password-reset/sent/",
            "/accounts/password-reset/complete/",
            f"/accounts/password-reset/{make_link_token(newcomer, password_reset_tokens)}/",
            f"/accounts/verify-email/{make_link_token(newcomer, email_verification_tokens)}/",
        ],
        "citizen": [
            *public,
            "/ho-so-cua-toi/",
            f"/ho-so-cua-toi/nop/{procedure.code}/",
            *(f"/ho-so-cua-toi/{dossier.public_id}/" for dossier in dossiers.values()),
        ],
        "superuser": [*public, "/staff/", "/can-bo/", "/chi-so/", "/thu-tuc/bien-tap/", "/accounts/staff/"],
    }
    staff = [*public, "/staff/", "/can-bo/", *(f"/can-bo/ho-so/{d.public_id}/" for d in dossiers.values())]
    for name in ("intake", "specialist", "leader", "supervisor", "admin", "catalog_editor"):
        seeds[name] = [*staff, "/chi-so/", "/accounts/staff/", "/worktime/calendar/", "/thu-tuc/bien-tap/"]
    return Site(world=world, procedure=procedure, people=people, seeds=seeds)


@pytest.fixture(scope="module")
def site(django_db_setup: None, django_db_blocker: Any) -> Iterator[Site]:
    yield from module_world(django_db_blocker, build_site)


# --- the crawl --------------------------------------------------------------------------------------------


@dataclass
class Form:
    page: str
    action: str
    method: str
    has_token: bool


class PageParser(HTMLParser):
    """Links, forms (with whether they hold the CSRF field) and hx-post elements outside any form."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self.loose_hx_posts: list[str] = []
        self._open: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form":
            form = {
                "action": attributes.get("action", "") or attributes.get("hx-post", ""),
                "method": "post" if "hx-post" in attributes else attributes.get("method", "get").lower(),
                "token": False,
            }
            self.forms.append(form)
            self._open.append(form)
        elif tag == "input" and attributes.get("name") == CSRF_FIELD and self._open:
            self._open[-1]["token"] = True
        elif "hx-post" in attributes and not self._open:
            # htmx sends the enclosing form's fields (the token among them) with an element's POST.
            self.loose_hx_posts.append(attributes["hx-post"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._open:
            self._open.pop()


@dataclass
class Crawl:
    pages: dict[str, int] = field(default_factory=dict)  # path → status
    views: set[str] = field(default_factory=set)
    forms: list[Form] = field(default_factory=list)
    loose_hx_posts: list[tuple[str, str]] = field(default_factory=list)


def _internal(page: str, href: str) -> str | None:
    url = urlsplit(urljoin(page, href))
    if url.scheme not in {"", "http"} or url.netloc not in {"", "testserver"}:
        return None
    if url.path.startswith(SKIPPED_PREFIXES):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def _view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def crawl(client: Client, seeds: list[str]) -> Crawl:
    found = Crawl()
    queue = deque(seeds)
    seen_paths: set[str] = set()
    while queue and len(found.pages) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        view = _view_name(url)
        if path in seen_paths or view in SKIPPED_VIEWS:
            continue
        seen_paths.add(path)
        response = client.get(url)
        found.pages[url] = response.status_code
        assert response.status_code < 500, url
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        if view:
            found.views.add(view)
        parser = PageParser()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = _internal(url, href)
            if target is not None:
                queue.append(target)
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            found.forms.append(Form(url, urlsplit(action).path, form["method"], form["token"]))
        found.loose_hx_posts += [(url, target) for target in parser.loose_hx_posts]
    return found


PEOPLE = [
    "anonymous",
    "citizen",
    "intake",
    "specialist",
    "leader",
    "supervisor",
    "admin",
    "catalog_editor",
    "superuser",
]
_crawls: dict[str, Crawl] = {}


def crawled(site: Site, person: str) -> Crawl:
    if person not in _crawls:
        client = Client(enforce_csrf_checks=True)
        user = site.people[person]
        if user is not None:
            client.force_login(user)
        _crawls[person] = crawl(client, site.seeds[person])
    return _crawls[person]


# --- the tests --------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_every_post_form_carries_the_token_and_is_refused_without_it(site: Site, person: str) -> None:
    found = crawled(site, person)
    posts = [form for form in found.forms if form.method == "post"]

    assert [f"{form.page} → {form.action}" for form in posts if not form.has_token] == []
    assert found.loose_hx_posts == []
    assert posts, "a signed-in page always has at least the sign-out or language form"

    client = Client(enforce_csrf_checks=True)
    user = site.people[person]
    if user is not None:
        client.force_login(user)
    client.get("/")  # the CSRF cookie, as a browser would hold it: only the form field is missing
    refused: dict[str, int] = {}
    for action in sorted({form.action for form in posts}):
        response = client.post(action, {"next": "/"})
        refused[action] = response.status_code
        if response.status_code == 403:
            assert REFUSED in response.content.decode(), action
    assert {action: status for action, status in refused.items() if status != 403} == {}


def test_every_page_is_reached(site: Site, db: Any) -> None:
    """Every named page (outside the admin site and the API) is reached by some crawl above, or listed in
    NOT_CRAWLED with its reason."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if pattern.namespace not in {"admin", "api"}:
                    yield from names(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    reached = set().union(*(crawled(site, person).views for person in PEOPLE))
    every = set(names(get_resolver().url_patterns))

    assert sorted(every - reached - set(NOT_CRAWLED)) == []
    assert sorted(reached & set(NOT_CRAWLED)) == []  # a listed page that is reached: take it off the list


def test_the_parser_finds_a_form_without_its_token_and_a_loose_hx_post() -> None:
    parser = PageParser()
    parser.feed(
        '<form method="post" action="/a/"><input name="csrfmiddlewaretoken" value="x"></form>'
        '<form method="POST" action="/b/"><input name="q"></form>'
        '<form hx-post="/c/"></form><form method="get" action="/d/"></form>'
        '<button hx-post="/e/">Gửi</button><a href="/f/">f</a>'
    )

    assert [(form["action"], form["method"], form["token"]) for form in parser.forms] == [
        ("/a/", "post", True),
        ("/b/", "post", False),
        ("/c/", "post", False),
        ("/d/", "get", False),
    ]
    assert (parser.loose_hx_posts, parser.links) == (["/e/"], ["/f/"])
