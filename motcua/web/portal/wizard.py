"""The submission wizard's state, kept in the applicant's session between its steps.

One entry per procedure code: the version it was started on (a new version in force starts afresh), the
receiving unit and the way of return, the e-forms' answers, and for each required document either a file
already uploaded (a `StoredFile` the applicant sent, by primary key) or a document of their data store (by
public id). Files are stored as soon as they are sent, so a validation error elsewhere never loses them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import StoredFile

SESSION_KEY = "portal_submission"
SUPPLEMENT_KEY = "portal_supplement"


@dataclass
class Upload:
    file_id: int
    filename: str

    def stored(self) -> StoredFile | None:
        return StoredFile.objects.filter(pk=self.file_id).first()


@dataclass
class Submission:
    version_id: int
    # Names this submission: the service gives back the first dossier when the same one is sent twice.
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    receiving_unit: int | None = None
    return_method: str = ""
    form_data: dict[str, Any] = field(default_factory=dict)
    forms_done: list[str] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)  # required document pk → upload
    reused: dict[str, str] = field(default_factory=dict)  # required document pk → store item public id

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version_id,
            "key": self.key,
            "receiving_unit": self.receiving_unit,
            "return_method": self.return_method,
            "form_data": self.form_data,
            "forms_done": self.forms_done,
            "uploads": {key: [u.file_id, u.filename] for key, u in self.uploads.items()},
            "reused": self.reused,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Submission:
        return cls(
            version_id=int(data["version"]),
            key=str(data.get("key") or uuid.uuid4()),
            receiving_unit=data.get("receiving_unit"),
            return_method=str(data.get("return_method", "")),
            form_data=dict(data.get("form_data", {})),
            forms_done=list(data.get("forms_done", [])),
            uploads={key: Upload(int(v[0]), str(v[1])) for key, v in data.get("uploads", {}).items()},
            reused=dict(data.get("reused", {})),
        )

    def placed(self) -> bool:
        return self.receiving_unit is not None and bool(self.return_method)


def load(session: SessionBase, code: str, version: ProcedureVersion) -> Submission:
    """The submission of `code` in progress, or a fresh one (also when another version is now in force)."""
    stored = session.get(SESSION_KEY, {}).get(code)
    if isinstance(stored, dict):
        try:
            submission = Submission.from_json(stored)
        except (KeyError, TypeError, ValueError, IndexError):
            submission = None
        if submission is not None and submission.version_id == version.pk:
            return submission
    return Submission(version_id=version.pk)


def save(session: SessionBase, code: str, submission: Submission) -> None:
    everything = dict(session.get(SESSION_KEY, {}))
    everything[code] = submission.as_json()
    session[SESSION_KEY] = everything


def forget(session: SessionBase, code: str) -> None:
    everything = dict(session.get(SESSION_KEY, {}))
    everything.pop(code, None)
    session[SESSION_KEY] = everything


def supplement_uploads(session: SessionBase, dossier_key: str) -> dict[str, Upload]:
    stored = session.get(SUPPLEMENT_KEY, {}).get(dossier_key, {})
    try:
        return {key: Upload(int(v[0]), str(v[1])) for key, v in stored.items()}
    except (AttributeError, TypeError, ValueError, IndexError):
        return {}


def save_supplement_uploads(session: SessionBase, dossier_key: str, uploads: dict[str, Upload]) -> None:
    everything = dict(session.get(SUPPLEMENT_KEY, {}))
    if uploads:
        everything[dossier_key] = {key: [u.file_id, u.filename] for key, u in uploads.items()}
    else:
        everything.pop(dossier_key, None)
    session[SUPPLEMENT_KEY] = everything
