"""Security headers on pages, the API and the API documentation (issue 9): the Content-Security-Policy,
no framing, no MIME sniffing, same-origin referrers."""

import pytest
from django.conf import settings
from django.test import Client

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/thu-tuc/", "/tra-cuu/", "/accounts/login/", "/api/v1/docs", "/api/v1/procedures", "/nowhere/"],
)
def test_every_response_carries_the_headers(client: Client, url: str) -> None:
    response = client.get(url)

    assert settings.CONTENT_SECURITY_POLICY == POLICY
    assert response["Content-Security-Policy"] == POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_no_page_template_holds_an_inline_script_or_handler() -> None:
    """The policy forbids them; the browser tests also fail on any violation Chromium reports."""
    from pathlib import Path

    import motcua

    root = Path(motcua.__file__).parent
    offending = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for marker in (" onclick=", " onsubmit=", " onchange=", " onload=", " hx-on", "javascript:"):
            if marker in text:
                offending.append(f"{template.relative_to(root)}: {marker.strip()}")
        for chunk in text.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            if "src=" not in head and "application/json" not in head:
                offending.append(f"{template.relative_to(root)}: inline <script>")
    assert offending == []


def test_no_template_comment_spans_lines() -> None:
    """`{# … #}` ends on its line in Django; a longer one is printed on the page (use {% comment %})."""
    from pathlib import Path

    import motcua

    root = Path(motcua.__file__).parent
    unclosed = [
        f"{template.relative_to(root)}:{number}"
        for template in root.rglob("templates/**/*.html")
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert unclosed == []
