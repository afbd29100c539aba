"""Schemathesis against the served `/api/v1/openapi.json`, over the demo province, as every role.

Every operation of the schema gets a few generated requests that fit it (positive) and a few that do not
(negative), as anonymous and with each role's bearer token. Path identifiers are often replaced by real
ones of the demo data, so that requests reach the rules behind the 404s. The assertions hold for every
response: never a 5xx; every 4xx is a JSON problem (motcua/core/errors.py) with a `code` and a Vietnamese
`message`. Seeds are fixed (derandomize): a run is reproducible, and the time box is max_examples.

Run: .venv/bin/python -m pytest -p no:cacheprovider -n 0 tests/fuzz/test_schemathesis.py
"""

import json
import os
import re
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from motcua.accounts.models import ApiToken, RoleGrant, User
from motcua.catalog.models import Procedure
from motcua.documents.models import DataStoreItem
from motcua.dossiers.models import Dossier
from motcua.organizations.models import Unit

from .conftest import ROLES, DemoTokens

pytestmark = pytest.mark.slow

# Per operation, per role and per mode (392 operation × role pairs: 56 operations, 7 roles): the CI time
# box. FUZZ_MAX_EXAMPLES raises it for a deeper local hunt.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "3"))
# A letter only Vietnamese (among the two catalogues) writes: the message was translated.
VIETNAMESE = re.compile(r"[À-ỹĐđ]")


def _real_identifiers(fuzzing_owners: set[int]) -> dict[str, list[Any]]:
    """Identifiers of the demo data, by the name of the path parameter that takes them. The fuzzing
    accounts and their tokens are left out, so that a generated DELETE does not sign a role out."""
    return {
        "public_id": [
            str(value)
            for value in [
                *Dossier.objects.order_by("pk").values_list("public_id", flat=True)[:40],
                *DataStoreItem.objects.order_by("pk").values_list("public_id", flat=True)[:10],
            ]
        ],
        "code": list(Procedure.objects.order_by("pk").values_list("code", flat=True)[:20]),
        "unit_id": list(Unit.objects.order_by("pk").values_list("pk", flat=True)),
        "user_id": list(
            User.objects.exclude(pk__in=fuzzing_owners).order_by("pk").values_list("pk", flat=True)
        ),
        "grant_id": list(
            RoleGrant.objects.exclude(user__in=fuzzing_owners).order_by("pk").values_list("pk", flat=True)
        ),
        "token_id": list(
            ApiToken.objects.exclude(owner__in=fuzzing_owners).order_by("pk").values_list("pk", flat=True)
        ),
        "position": [1, 2, 3],
        "number": ["01", "02", "03", "04", "05", "06", "07", "1", "2"],
    }


def _with_real_ids(strategy: Any, path_names: list[str], real: dict[str, list[Any]]) -> Any:
    """The operation's cases, where each known path parameter is, half of the time, a real identifier."""
    choices = {name: real[name] for name in path_names if real.get(name)}
    if not choices:
        return strategy

    def substitute(pair: tuple[Any, dict[str, Any]]) -> Any:
        case, replacements = pair
        if case.path_parameters is not None:
            for name, value in replacements.items():
                if value is not None:
                    case.path_parameters[name] = value
        return case

    replacements = st.fixed_dictionaries(
        {name: st.one_of(st.none(), st.sampled_from(values)) for name, values in choices.items()}
    )
    return st.tuples(strategy, replacements).map(substitute)


def _problem_defect(response: Any) -> str | None:
    """What is wrong with a response, or None: a 5xx, or a 4xx that is not a Vietnamese JSON problem."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status < 400:
        return None
    content_type = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    if not content_type.startswith("application/json"):
        return f"{status} answered as {content_type or 'no content type'}, not a JSON problem"
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"{status} with a body that is not JSON"
    if not isinstance(body, dict):
        return f"{status} with a JSON body that is not an object"
    code, message = body.get("code"), body.get("message")
    if not isinstance(code, str) or not code:
        return f"{status} problem without a code: {body}"
    if not isinstance(message, str) or not VIETNAMESE.search(message):
        return f"{status} problem without a Vietnamese message: {body}"
    return None


def _fuzz_operation(
    operation: Any,
    *,
    base_url: str,
    headers: dict[str, str],
    session: requests.Session,
    real: dict[str, list[Any]],
    mode: GenerationMode,
) -> list[str]:
    """Run the operation's generated cases; the defects found, one line each, with a curl to replay."""
    defects: list[str] = []
    path_names = [parameter.name for parameter in operation.path_parameters]
    strategy = _with_real_ids(operation.as_strategy(generation_mode=mode), path_names, real)

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        # A role is its token alone: no cookie of an earlier answer (a sign-in) may stand in for it.
        session.cookies.clear()
        response = case.call(base_url=base_url, headers=headers, session=session, timeout=60)
        defect = _problem_defect(response)
        if defect is not None:
            curl = case.as_curl_command(headers={"Authorization": "Bearer …"} if headers else None)
            defects.append(f"{operation.label} [{mode.value}]: {defect}\n    {curl}")

    try:
        run()
    except Unsatisfiable:
        # No request can break the schema here (every string fits a free-text path parameter): the
        # positive cases cover the operation.
        assert mode is GenerationMode.NEGATIVE, operation.label
    return defects


def test_no_server_error_and_every_4xx_is_a_problem_for_every_role(
    live_server: Any, demo_tokens: DemoTokens
) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", timeout=60)
    operations = [result.ok() for result in schema.get_all_operations()]
    fuzzing_owners = set(ApiToken.objects.filter(name="fuzz").values_list("owner_id", flat=True))
    real = _real_identifiers(fuzzing_owners)
    defects: list[str] = []
    tried = 0
    with requests.Session() as session:
        for role in ROLES:
            for operation in operations:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    found = _fuzz_operation(
                        operation,
                        base_url=live_server.url,
                        headers=demo_tokens.for_role(role),
                        session=session,
                        real=real,
                        mode=mode,
                    )
                    defects.extend(f"{role}: {line}" for line in found)
                tried += 1

    assert tried == len(ROLES) * len(operations) > 0
    assert defects == [], "\n".join(defects)
