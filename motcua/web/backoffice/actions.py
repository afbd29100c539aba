"""The actions of the dossier page: what each one asks for and which service it calls.

Each handler reads the posted fields, resolves what the person named (an assignee, a file, a moment) and
calls exactly one service of `motcua.dossiers.services` or `motcua.documents.services`; the services
decide every rule and raise `ApplicationError` with a message per field, which the page shows next to
the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import ApplicationError
from motcua.documents import services as documents
from motcua.dossiers import services
from motcua.dossiers.inputs import ComponentInput
from motcua.dossiers.models import Dossier
from motcua.dossiers.storage import store_file
from motcua.web.backoffice.selectors import user_get


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    confirm: Promise  # the text of the confirmation button
    fields: tuple[str, ...]
    perform: Callable[[Dossier, Any, int, QueryDict, MultiValueDict[str, Any]], Any]
    danger: bool = False
    multipart: bool = False


def items_of(text: str) -> list[str]:
    """One item per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_moment(text: str, field: str) -> dt.datetime:
    """A local date and time from <input type="datetime-local"> (the service checks it is later)."""
    try:
        moment = dt.datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise ApplicationError(
            _("Correct the fields marked."),
            code="invalid",
            fields={field: _("Give a date and time, e.g. 15/12/2026 16:00.")},
        ) from None
    return timezone.make_aware(moment) if moment.utcoffset() is None else moment


def uploaded_components(
    files: MultiValueDict[str, Any], field: str, *, provenance: str
) -> list[ComponentInput]:
    """Every file posted under `field` stored and named as a component (its file name)."""
    components = []
    for upload in files.getlist(field):
        name = (upload.name or "").rsplit("/", 1)[-1][:255]
        stored = store_file(content=upload, filename=name, content_type=upload.content_type or "")
        components.append(ComponentInput(name=name, provenance=provenance, file=stored, filename=name))
    if not components:
        raise ApplicationError(
            _("Correct the fields marked."), code="required", fields={field: _("Attach at least one file.")}
        )
    return components


def _assignee(data: QueryDict, *, required: bool) -> Any:
    raw = (data.get("assignee") or "").strip()
    if not raw and not required:
        return None
    person = user_get(user_id=raw)
    if person is None:
        raise ApplicationError(
            _("Correct the fields marked."),
            code="invalid_assignee",
            fields={"assignee": _("Choose someone who holds the step's role in its unit.")},
        )
    return person


def _receive(d: Dossier, actor: Any, v: int, data: QueryDict, files: MultiValueDict[str, Any]) -> Any:
    return services.dossier_receive(dossier=d, actor=actor, expected_version=v)


def _ask_supplement_at_intake(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_ask_supplement_at_intake(
        dossier=d,
        actor=actor,
        items=items_of(data.get("items", "")),
        reason=data.get("reason", ""),
        expected_version=v,
    )


def _refuse_intake(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_refuse_intake(
        dossier=d, actor=actor, reason=data.get("reason", ""), expected_version=v
    )


def _resubmit(d: Dossier, actor: Any, v: int, data: QueryDict, files: MultiValueDict[str, Any]) -> Any:
    components = uploaded_components(files, "files", provenance="digitised_at_intake")
    return services.dossier_resubmit(dossier=d, actor=actor, components=components, expected_version=v)


def _supplement(d: Dossier, actor: Any, v: int, data: QueryDict, files: MultiValueDict[str, Any]) -> Any:
    components = uploaded_components(files, "files", provenance="digitised_at_intake")
    return services.dossier_supplement(dossier=d, actor=actor, components=components, expected_version=v)


def _forward(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_forward(
        dossier=d,
        actor=actor,
        to_step=(data.get("to_step") or "").strip() or None,
        assignee=_assignee(data, required=False),
        note=data.get("note", ""),
        expected_version=v,
    )


def _send_back(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_send_back(dossier=d, actor=actor, note=data.get("note", ""), expected_version=v)


def _reassign(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_reassign(
        dossier=d, actor=actor, assignee=_assignee(data, required=True), expected_version=v
    )


def _ask_supplement(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_ask_supplement(
        dossier=d,
        actor=actor,
        items=items_of(data.get("items", "")),
        reason=data.get("reason", ""),
        expected_version=v,
    )


def _apologize(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_apologize(
        dossier=d,
        actor=actor,
        reason=data.get("reason", ""),
        new_appointment=parse_moment(data.get("new_appointment", ""), "new_appointment"),
        expected_version=v,
    )


def _reject(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_reject(dossier=d, actor=actor, reason=data.get("reason", ""), expected_version=v)


def _approve(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_approve(
        dossier=d, actor=actor, result_note=data.get("result_note", ""), expected_version=v
    )


def _return_result(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_return_result(
        dossier=d, actor=actor, method=data.get("method", ""), expected_version=v
    )


def _stop(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    return services.dossier_stop(dossier=d, actor=actor, reason=data.get("reason", ""), expected_version=v)


def _prepare_result(d: Dossier, actor: Any, v: int, data: QueryDict, files: MultiValueDict[str, Any]) -> Any:
    upload = files.get("result")
    title = (data.get("title") or "").strip()
    fields = {}
    if upload is None:
        fields["result"] = _("Attach the result as a PDF file.")
    if not title:
        fields["title"] = _("Give the title of the result, e.g. the certificate's name.")
    if fields:
        raise ApplicationError(_("Correct the fields marked."), code="required", fields=fields)
    assert upload is not None
    return documents.result_prepare(
        dossier=d, actor=actor, pdf=upload.read(), title=title, leader_signs=data.get("leader_signs") == "on"
    )


def _sign_result(d: Dossier, actor: Any, v: int, data: QueryDict, files: Any) -> Any:
    draft = getattr(d, "result_draft", None)
    if draft is None:
        raise ApplicationError(_("No result has been attached to this dossier."), code="no_result")
    return documents.result_draft_issue(draft=draft, actor=actor)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "receive",
            gettext_lazy("Receive the dossier"),
            gettext_lazy("Receive and issue the receipt"),
            (),
            _receive,
        ),
        Action(
            "ask_supplement_at_intake",
            gettext_lazy("Ask for a supplement before receipt"),
            gettext_lazy("Send the supplement request"),
            ("items", "reason"),
            _ask_supplement_at_intake,
        ),
        Action(
            "refuse_intake",
            gettext_lazy("Refuse the dossier"),
            gettext_lazy("Refuse with these reasons"),
            ("reason",),
            _refuse_intake,
            danger=True,
        ),
        Action(
            "resubmit",
            gettext_lazy("Record the completed dossier"),
            gettext_lazy("Record the added papers"),
            ("files",),
            _resubmit,
            multipart=True,
        ),
        Action(
            "supplement",
            gettext_lazy("Record the applicant's supplement"),
            gettext_lazy("Record the added papers"),
            ("files",),
            _supplement,
            multipart=True,
        ),
        Action(
            "forward",
            gettext_lazy("Forward"),
            gettext_lazy("Forward to the next step"),
            ("to_step", "assignee", "note"),
            _forward,
        ),
        Action(
            "send_back",
            gettext_lazy("Send back"),
            gettext_lazy("Send back to the previous step"),
            ("note",),
            _send_back,
        ),
        Action(
            "reassign",
            gettext_lazy("Reassign"),
            gettext_lazy("Give the step to this person"),
            ("assignee",),
            _reassign,
        ),
        Action(
            "ask_supplement",
            gettext_lazy("Ask for a supplement"),
            gettext_lazy("Send the supplement request"),
            ("items", "reason"),
            _ask_supplement,
        ),
        Action(
            "prepare_result",
            gettext_lazy("Attach the result"),
            gettext_lazy("Attach the result to sign"),
            ("title", "result", "leader_signs"),
            _prepare_result,
            multipart=True,
        ),
        Action(
            "approve",
            gettext_lazy("Approve and sign"),
            gettext_lazy("Approve and sign the result"),
            ("result_note",),
            _approve,
        ),
        Action(
            "reject",
            gettext_lazy("Reject"),
            gettext_lazy("Reject with these reasons"),
            ("reason",),
            _reject,
            danger=True,
        ),
        Action(
            "apologize",
            gettext_lazy("Apologise and set a new appointment"),
            gettext_lazy("Send the apology"),
            ("reason", "new_appointment"),
            _apologize,
        ),
        Action(
            "return_result",
            gettext_lazy("Return the result"),
            gettext_lazy("Record the return"),
            ("method",),
            _return_result,
        ),
        Action(
            "sign_result",
            gettext_lazy("Sign the result"),
            gettext_lazy("Sign and issue the result"),
            (),
            _sign_result,
        ),
        Action(
            "stop",
            gettext_lazy("Stop the dossier"),
            gettext_lazy("Stop at the applicant's request"),
            ("reason",),
            _stop,
            danger=True,
        ),
    )
}
