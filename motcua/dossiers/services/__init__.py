"""Every change to a dossier: one service per action of issue 5's state table (`intake`, `processing`,
`closing`; the shared guards in `common`).

Each service runs in one transaction: it locks the dossier row (SELECT … FOR UPDATE), checks the expected
version, the state, the actor's role and unit scope, writes the new state, bumps `version`, appends a
`DossierEvent`, writes the audit record and the outbox row `dossier.<kind>` (whose payload is the event;
the notifications and the slips are its consumers, after commit). An illegal transition raises `Conflict`
with code "invalid_state" naming the current state; a stale `expected_version` raises `Conflict`
"stale_version"; a role or unit the actor lacks raises `PermissionDenied`.

`at` (default: now) is the moment of the action; the API never passes it, tests and imports do.
"""

from motcua.dossiers.services.closing import (
    dossier_approve,
    dossier_reject,
    dossier_return_result,
    dossier_stop,
    dossier_withdraw,
)
from motcua.dossiers.services.intake import (
    counter_intake,
    dossier_ask_supplement_at_intake,
    dossier_create,
    dossier_receive,
    dossier_refuse_intake,
    dossier_resubmit,
    dossier_submit,
    intake_guidance_record,
)
from motcua.dossiers.services.processing import (
    dossier_apologize,
    dossier_ask_supplement,
    dossier_forward,
    dossier_reassign,
    dossier_send_back,
    dossier_supplement,
)

__all__ = [
    "counter_intake",
    "dossier_apologize",
    "dossier_approve",
    "dossier_ask_supplement",
    "dossier_ask_supplement_at_intake",
    "dossier_create",
    "dossier_forward",
    "dossier_reassign",
    "dossier_receive",
    "dossier_refuse_intake",
    "dossier_reject",
    "dossier_resubmit",
    "dossier_return_result",
    "dossier_send_back",
    "dossier_stop",
    "dossier_submit",
    "dossier_supplement",
    "dossier_withdraw",
    "intake_guidance_record",
]
