"""The legal deadlines for publishing procedures, tracked on the working calendar (QĐ 766, LEGAL.md §4):

- indicator 1.1: the publication decision is dated no later than 5 working days before the effective
  date of the legal document the version implements (20 for ministries; motcua serves provinces);
- indicator 1.2: the version is posted on the National Database on administrative procedures no later
  than 5 working days after the decision.

Working days are counted on the owner unit's calendar (`worktime.selectors.calendar_for_unit`): "5
working days before" an effective date is the 5th working day before it (a non-working effective date
first rolls to the next working day, which gives the same day), "5 after" a decision the 5th working day
after it.

Which document sets the 1.1 deadline: the legal basis the version marks `governs_publication`, else the
one with the latest effective date. A version owes a 1.1 deadline only when that document is new: the
first version, or a governing document (number or effective date) other than the previous published
version's. An editorial revision of a procedure owes none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import LegalBasis, PostingChannel, Procedure, ProcedureVersion, VersionStatus
from motcua.worktime import Calendar
from motcua.worktime.selectors import calendar_for_unit

# QĐ 766/QĐ-TTg indicator 1.1 (provinces): decision ≤ effective date − 5 working days.
DECISION_LEAD_WORKING_DAYS = 5
# QĐ 766/QĐ-TTg indicator 1.2 (provinces): posted on the national database ≤ decision + 5 working days.
POSTING_WORKING_DAYS = 5


class Indicator:
    DECISION = "1.1"
    POSTING = "1.2"


class DeadlineState:
    ON_TIME = "on_time"  # done by the deadline
    LATE = "late"  # done after the deadline
    OVERDUE = "overdue"  # not done, deadline passed
    PENDING = "pending"  # not done, deadline still ahead


STATE_LABELS = {
    DeadlineState.ON_TIME: _("On time"),
    DeadlineState.LATE: _("Done late"),
    DeadlineState.OVERDUE: _("Overdue"),
    DeadlineState.PENDING: _("Not yet due"),
}


@dataclass(frozen=True, slots=True)
class PublicationDeadline:
    indicator: str
    procedure: Procedure
    version: ProcedureVersion
    # The legal document (1.1) or the decision (1.2) the deadline is counted from, and its date.
    basis: str
    basis_date: date
    deadline: date
    done_on: date | None
    state: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def governing_basis(version: ProcedureVersion) -> LegalBasis | None:
    """The legal document whose effective date sets the version's 1.1 deadline (prefetched bases): the
    one marked, even without a known effective date (then no deadline can be computed), else the latest
    in force."""
    bases = list(version.legal_bases.all())
    marked = [basis for basis in bases if basis.governs_publication]
    if marked:
        return marked[0]
    dated = [basis for basis in bases if basis.effective_on is not None]
    return max(dated, key=lambda basis: (basis.effective_on, basis.position), default=None)


def decision_deadline(calendar: Calendar, effective_on: date) -> date:
    return calendar.add_working_days(effective_on, -DECISION_LEAD_WORKING_DAYS)


def posting_deadline(calendar: Calendar, decision_date: date) -> date:
    return calendar.add_working_days(decision_date, POSTING_WORKING_DAYS)


def _state(done_on: date | None, deadline: date, today: date) -> str:
    if done_on is not None:
        return DeadlineState.ON_TIME if done_on <= deadline else DeadlineState.LATE
    return DeadlineState.OVERDUE if today > deadline else DeadlineState.PENDING


def _versions(procedures: QuerySet[Procedure] | None) -> QuerySet[ProcedureVersion]:
    versions = ProcedureVersion.objects.select_related("procedure__owner_unit").prefetch_related(
        Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position")), "postings"
    )
    if procedures is not None:
        versions = versions.filter(procedure__in=procedures)
    return versions.order_by("procedure__code", "number")


def publication_deadlines(
    *, today: date, procedures: QuerySet[Procedure] | None = None
) -> list[PublicationDeadline]:
    """Every 1.1 and 1.2 deadline of the catalogue (or of `procedures`), with its state on `today`.
    Drafts of retired procedures owe nothing."""
    by_procedure: dict[int, list[ProcedureVersion]] = defaultdict(list)
    for version in _versions(procedures):
        by_procedure[version.procedure_id].append(version)
    calendars: dict[int, Calendar] = {}
    deadlines: list[PublicationDeadline] = []
    for versions in by_procedure.values():
        procedure = versions[0].procedure
        if procedure.owner_unit_id not in calendars:
            calendars[procedure.owner_unit_id] = calendar_for_unit(unit=procedure.owner_unit_id)
        deadlines += _procedure_deadlines(procedure, versions, calendars[procedure.owner_unit_id], today)
    return deadlines


def _procedure_deadlines(
    procedure: Procedure, versions: Iterable[ProcedureVersion], calendar: Calendar, today: date
) -> list[PublicationDeadline]:
    found: list[PublicationDeadline] = []
    previous_basis: tuple[str, date | None] | None = None
    for version in versions:
        published = version.status == VersionStatus.PUBLISHED
        if not published and procedure.retired_at is not None:
            continue
        basis = governing_basis(version)
        key = (basis.number, basis.effective_on) if basis is not None else None
        if basis is not None and basis.effective_on is not None and key != previous_basis:
            deadline = decision_deadline(calendar, basis.effective_on)
            done = version.decision_date if published else None
            found.append(
                PublicationDeadline(
                    Indicator.DECISION,
                    procedure,
                    version,
                    basis.number,
                    basis.effective_on,
                    deadline,
                    done,
                    _state(done, deadline, today),
                )
            )
        if published:
            previous_basis = key
            assert version.decision_date is not None
            deadline = posting_deadline(calendar, version.decision_date)
            posted = sorted(
                posting.posted_on
                for posting in version.postings.all()
                if posting.channel == PostingChannel.NATIONAL_DATABASE
            )
            done = posted[0] if posted else None
            found.append(
                PublicationDeadline(
                    Indicator.POSTING,
                    procedure,
                    version,
                    version.decision_number,
                    version.decision_date,
                    deadline,
                    done,
                    _state(done, deadline, today),
                )
            )
    return found


def publication_overdue(
    *, today: date, procedures: QuerySet[Procedure] | None = None
) -> list[PublicationDeadline]:
    """What is overdue on `today`: decisions not taken and versions not posted past their deadline,
    the longest overdue first."""
    overdue = [
        deadline
        for deadline in publication_deadlines(today=today, procedures=procedures)
        if deadline.state == DeadlineState.OVERDUE
    ]
    return sorted(overdue, key=lambda item: (item.deadline, item.procedure.code, item.indicator))
