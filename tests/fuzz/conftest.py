"""Fixtures of the bad-input suite: the demo province in the live server's database and a bearer token for
each role (docs/adr/0005-auth.md)."""

from dataclasses import dataclass

import pytest

from motcua.accounts.models import User
from motcua.accounts.services import api_token_create
from motcua.demo.data import EMAIL_DOMAIN, load_demo

# The dossier world of the documents tests, for the upload tests.
from motcua.documents.tests.conftest import _demo_passphrase, documented, world  # noqa: F401

# The demo account that plays each role (README.md, "Demo accounts"); anonymous sends no token.
ROLE_ACCOUNTS = {
    "citizen": f"congdan.an@{EMAIL_DOMAIN}",
    "intake_officer": f"tiepnhan.tinh@{EMAIL_DOMAIN}",
    "specialist": f"chuyenvien.tuphap@{EMAIL_DOMAIN}",
    "leader": f"lanhdao.tuphap@{EMAIL_DOMAIN}",
    "supervisor": f"giamsat.tinh@{EMAIL_DOMAIN}",
    "integrator": f"tichhop.dvcqg@{EMAIL_DOMAIN}",
}
ROLES = ["anonymous", *ROLE_ACCOUNTS]


@dataclass(frozen=True)
class DemoTokens:
    """Authorization headers per role, over the demo data loaded in the test database."""

    headers: dict[str, dict[str, str]]

    def for_role(self, role: str) -> dict[str, str]:
        return self.headers[role]


@pytest.fixture
def demo_tokens(transactional_db: None) -> DemoTokens:
    load_demo()
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role, email in ROLE_ACCOUNTS.items():
        owner = User.objects.get(email=email)
        _token, secret = api_token_create(actor=owner, owner=owner, name="fuzz")
        headers[role] = {"Authorization": f"Bearer {secret}"}
    return DemoTokens(headers=headers)
