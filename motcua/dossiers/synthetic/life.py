"""One dossier's life, played as the services would have played it, as rows (a pure function of the
seed and the dossier's number)."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import hmac
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from motcua.accounts.models import Role
from motcua.catalog.models import (
    ProcessAction,
)
from motcua.dossiers.codes import format_code
from motcua.dossiers.deadlines import ONLINE_RECEIPT_WORKING_HOURS
from motcua.dossiers.models import (
    EVENT_SCHEMA_VERSION,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStep,
    SupplementRequest,
)
from motcua.dossiers.models.dossier import (
    _LOOKUP_HASH_SALT,
    _LOOKUP_SALT,
    LOOKUP_SECRET_ALPHABET,
    LOOKUP_SECRET_LENGTH,
)
from motcua.dossiers.synthetic.world import (
    ABANDON_RATE,
    APOLOGY_RATE,
    ASSIGNED_RATE,
    BATCH,
    COMPANY,
    DRAFT_RATE,
    EMAIL_RATE,
    INTAKE_DELAY_MEAN,
    LATE_RATE,
    ORGANISATION_RATE,
    OUTSIDE_HOURS,
    REASON_APOLOGY,
    REASON_REFUSE,
    REASON_REJECT,
    REASON_STOP,
    REASON_WITHDRAW,
    REFUSE_RATE,
    REJECT_RATE,
    REPRESENTATIVE_RATE,
    RESULT_NOTE,
    REUSE_RATE,
    S_ABANDON,
    S_ADDRESS,
    S_APOLOGY,
    S_APOLOGY_EXTRA,
    S_ASSIGN,
    S_CHANNEL,
    S_COMBO,
    S_CONTACT,
    S_CREATED,
    S_DAY,
    S_DELAY,
    S_DELAY2,
    S_DRAFT,
    S_END,
    S_FRACTION,
    S_GIVEN,
    S_ID,
    S_INTAKE,
    S_ITEMS,
    S_LATE,
    S_MIDDLE,
    S_ORGANISATION,
    S_OUTSIDE,
    S_PERSON,
    S_POSTMARK,
    S_REPRESENTATIVE,
    S_RETURN,
    S_RETURN_DELAY,
    S_REUSE,
    S_STEPS,
    S_STOP_AT,
    S_SUPPLEMENT,
    S_SUPPLEMENT_ABANDON,
    S_SUPPLEMENT_AT,
    S_SUPPLEMENT_WAIT,
    S_TIME,
    S_WAIT,
    SLOTS,
    STOP_RATE,
    SUPPLEMENT_AT_INTAKE_RATE,
    SUPPLEMENT_RATE,
    SUPPLEMENTS,
    Combo,
    UnitInfo,
    World,
    person_name,
    weighted,
)
from motcua.worktime import Calendar, Clock, TimeUnit
from motcua.worktime.calendar import TZ

Status = Dossier.Status
Kind = DossierEvent.Kind
Outcome = DossierStep.Outcome
Provenance = DossierComponent.Provenance

# --- one dossier's life -------------------------------------------------------------------------------------


@dataclass
class Intake:
    """What the first pass needs: the combo, the channel and the moment and unit of receipt."""

    combo: Combo
    channel: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    postmarked_at: dt.datetime | None
    received_at: dt.datetime | None


@dataclass
class Life:
    """Every row of one dossier, as the services would have written them."""

    dossier: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    supplements: list[dict[str, Any]] = field(default_factory=list)
    apologies: list[dict[str, Any]] = field(default_factory=list)
    coordinating: list[int] = field(default_factory=list)


# Primary keys per dossier reserved for each table (a block per batch, so that batches built in parallel
# give the same keys as built in order): a dossier has at most this many rows of the table.
KEYS_PER_DOSSIER = {"dossier": 1, "step": 32, "supplement": 2, "apology": 1}


class Ids:
    """The primary keys of one batch: block `batch` of each table's keys from `bases` (the first free
    key of each table when the run started)."""

    def __init__(self, bases: dict[str, int], batch: int) -> None:
        self.next = {name: bases[name] + batch * BATCH * per for name, per in KEYS_PER_DOSSIER.items()}
        self.end = {name: start + BATCH * KEYS_PER_DOSSIER[name] for name, start in self.next.items()}

    def take(self, table: str) -> int:
        value = self.next[table]
        if value >= self.end[table]:
            raise RuntimeError(f"more than {KEYS_PER_DOSSIER[table]} {table} rows per dossier")
        self.next[table] = value + 1
        return value


def _timeliness(finished: dt.datetime, due: dt.datetime | None) -> str:
    """`deadlines.timeliness` (Form 06: early, on time, late) in the project's time zone, without Django's
    per-call lookup of the current time zone (this runs millions of times)."""
    if due is None:
        return DossierStep.Timeliness.ON_TIME
    if finished > due:
        return DossierStep.Timeliness.LATE
    if finished.astimezone(TZ).date() < due.astimezone(TZ).date():
        return DossierStep.Timeliness.EARLY
    return DossierStep.Timeliness.ON_TIME


class LookupHasher:
    """`hash_lookup_secret(derive_lookup_secret(public_id))` with the two HMAC keys derived once (Django's
    `salted_hmac` derives its key again on every call)."""

    def __init__(self) -> None:
        secret = settings.SECRET_KEY.encode()
        self.derive_key = hashlib.sha256(_LOOKUP_SALT.encode() + secret).digest()
        self.hash_key = hashlib.sha256(_LOOKUP_HASH_SALT.encode() + secret).digest()

    def __call__(self, public_id: uuid.UUID) -> str:
        digest = hmac.new(self.derive_key, str(public_id).encode(), hashlib.sha256).digest()
        size = len(LOOKUP_SECRET_ALPHABET)
        secret = "".join(LOOKUP_SECRET_ALPHABET[byte % size] for byte in digest[:LOOKUP_SECRET_LENGTH])
        return hmac.new(self.hash_key, secret.encode(), hashlib.sha256).hexdigest()


class Player:
    """Plays the life of dossiers in a world (pure: the same (seed, index) gives the same life)."""

    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.seed = seed
        self.until = world.until
        self.weights = world.weights.tolist()
        self.lookup_hash = LookupHasher()

    # -- intake ------------------------------------------------------------------------------------------
    def intake(self, u: list[float]) -> Intake:
        world = self.world
        combo = world.combos[min(bisect.bisect_right(self.weights, u[S_COMBO]), len(world.combos) - 1)]
        channel = weighted(combo.channels, u[S_CHANNEL])
        calendar = combo.receiving.calendar
        day = world.start.date() + dt.timedelta(days=int(u[S_DAY] * world.days) + 1)
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=TZ)
        if channel == Dossier.Channel.ONLINE and u[S_OUTSIDE] < OUTSIDE_HOURS:
            submitted = midnight + dt.timedelta(minutes=int(u[S_TIME] * 1440))
        else:
            if not calendar.is_working_day(day):
                midnight = dt.datetime.combine(
                    calendar.first_working_moment(midnight).date(), dt.time(0), tzinfo=TZ
                )
            base = calendar.position(midnight)
            submitted = calendar.moment_at(base + 1 + int(u[S_TIME] * (calendar.day_minutes - 1)))
        if submitted > self.until:
            submitted = self.until - dt.timedelta(minutes=1 + int(u[S_TIME] * 600))
        created = submitted - dt.timedelta(minutes=int(u[S_CREATED] * 90)) if channel == "2" else submitted
        postmarked = None
        if channel == Dossier.Channel.POSTAL:
            postmarked = submitted - dt.timedelta(hours=20 + int(u[S_POSTMARK] * 60))
        if (
            channel == Dossier.Channel.ONLINE
            and self.until - submitted < dt.timedelta(days=2)
            and u[S_DRAFT] < DRAFT_RATE
        ):
            return Intake(combo, channel, created, None, postmarked, None)
        if channel == Dossier.Channel.DIRECT:
            return Intake(combo, channel, created, submitted, postmarked, submitted)
        decided = self._decision(combo, submitted, u[S_DELAY])
        if decided > self.until or u[S_INTAKE] < REFUSE_RATE:
            return Intake(combo, channel, created, submitted, postmarked, None)
        if u[S_INTAKE] < REFUSE_RATE + SUPPLEMENT_AT_INTAKE_RATE:
            resubmitted = self._after_working_minutes(calendar, decided, 240 + int(u[S_WAIT] * 2160))
            if resubmitted > self.until or u[S_ABANDON] < ABANDON_RATE:
                return Intake(combo, channel, created, submitted, postmarked, None)
            received = self._decision(combo, resubmitted, u[S_DELAY2])
            return Intake(
                combo, channel, created, submitted, postmarked, received if received <= self.until else None
            )
        return Intake(combo, channel, created, submitted, postmarked, decided)

    @staticmethod
    def _after_working_minutes(calendar: Calendar, moment: dt.datetime, minutes: int) -> dt.datetime:
        return calendar.moment_at(calendar.position(moment) + max(1, minutes))

    def _decision(self, combo: Combo, moment: dt.datetime, draw: float) -> dt.datetime:
        delay = 5 + int(-math.log(1.0 - draw) * INTAKE_DELAY_MEAN)
        return self._after_working_minutes(combo.receiving.calendar, moment, min(delay, 2400))

    # -- the whole life ------------------------------------------------------------------------------------
    def life(self, index: int, u: list[float], code: tuple[str, dt.date, int] | None, ids: Ids) -> Life:
        intake = self.intake(u)
        return _LifeBuilder(self, index=index, u=u, intake=intake, code=code, ids=ids).build()


class _LifeBuilder:
    """Builds the rows of one dossier by playing its actions in order, up to the world's end moment."""

    def __init__(
        self,
        player: Player,
        *,
        index: int,
        u: list[float],
        intake: Intake,
        code: tuple[str, dt.date, int] | None,
        ids: Ids,
    ) -> None:
        self.player, self.u, self.intake, self.code, self.ids = player, u, intake, code, ids
        self.combo = intake.combo
        self.until = player.until
        self.pk = ids.take("dossier")
        public_id = uuid.UUID(
            bytes=hashlib.blake2b(f"{player.seed}:{index}:{self.pk}".encode(), digest_size=16).digest()
        )
        self.dossier: dict[str, Any] = {}
        self.life = Life(self.dossier)
        self.status = ""
        self.version = 0
        self.open: list[dict[str, Any]] = []
        self.assign_draw = 0
        self.public_id = public_id

    # helpers ------------------------------------------------------------------------------------------------
    def event(
        self, kind: str, at: dt.datetime, actor: int | None, data: dict[str, Any], to_status: str
    ) -> None:
        """Append an event. Moments stay datetimes in `data`: `rows.dumps` writes them as the services'
        `isoformat()` strings when the row is laid out (one encoding instead of two)."""
        self.life.events.append(
            {
                "dossier_id": self.pk,
                "sequence": len(self.life.events) + 1,
                "kind": kind,
                "at": at,
                "actor_id": actor,
                "from_status": self.status,
                "to_status": to_status,
                "data": data,
                "schema_version": EVENT_SCHEMA_VERSION,
            }
        )
        self.status = to_status
        self.version += 1
        self.dossier["updated_at"] = at

    def person(self, info: UnitInfo, role: str) -> int:
        draw = self.u[S_ASSIGN + self.assign_draw % (SLOTS - S_ASSIGN)]
        self.assign_draw += 1
        return info.person(role, draw)

    def step_row(
        self, index: int, unit: UnitInfo, started: dt.datetime, assignee: int | None
    ) -> dict[str, Any]:
        step = self.combo.plan[index]
        budget = step.budget_minutes
        due = unit.calendar.due(started, budget, TimeUnit.WORKING_MINUTES) if budget else None
        row = {
            "id": self.ids.take("step"),
            "dossier_id": self.pk,
            "sequence": len(self.life.steps) + 1,
            "process_step_id": step.process_step_id,
            "key": step.key,
            "name": step.name,
            "role": step.role,
            "unit_id": unit.id,
            "assignee_id": assignee,
            "budget_minutes": budget,
            "started_at": started,
            "due_at": due,
            "finished_at": None,
            "finished_by_id": None,
            "outcome": "",
            "timeliness": "",
            "note": "",
            "_index": index,
        }
        self.life.steps.append(row)
        self.open.append(row)
        return row

    def finish(self, row: dict[str, Any], outcome: str, actor: int | None, at: dt.datetime) -> None:
        row["finished_at"] = max(at, row["started_at"])
        row["finished_by_id"] = actor
        row["outcome"] = outcome
        row["timeliness"] = _timeliness(row["finished_at"], row["due_at"])
        self.open.remove(row)

    @staticmethod
    def step_data(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "sequence": row["sequence"],
            "key": row["key"],
            "name": row["name"],
            "role": row["role"],
            "unit": row["unit_id"],
            "assignee": row["assignee_id"],
            "started_at": row["started_at"],
            "due_at": row["due_at"],
            "finished_at": row["finished_at"],
            "outcome": row["outcome"],
            "timeliness": row["timeliness"],
        }

    def open_steps(self, indexes: Iterable[int], at: dt.datetime, assign: bool) -> list[dict[str, Any]]:
        opened = []
        for index in indexes:
            step = self.combo.plan[index]
            for unit in self.combo.steps[index]:
                assignee = None
                if assign and self.u[S_ASSIGN + self.assign_draw % (SLOTS - S_ASSIGN)] < ASSIGNED_RATE:
                    assignee = self.person(unit, step.role)
                else:
                    self.assign_draw += 1
                opened.append(self.step_row(index, unit, at, assignee))
        return opened

    def successors(self, index: int) -> list[int]:
        key = self.combo.plan[index].key
        return [i for i, step in enumerate(self.combo.plan) if key in step.after]

    def ready(self, index: int) -> bool:
        """A joining step opens once every step it follows was forwarded and none is still open."""
        step = self.combo.plan[index]
        for key in step.after:
            visits = [row for row in self.life.steps if row["key"] == key]
            if not visits or any(row["outcome"] == "" for row in visits):
                return False
        return not any(row["key"] == step.key and row["outcome"] == "" for row in self.life.steps)

    # the life ---------------------------------------------------------------------------------------------
    def build(self) -> Life:
        self.create()
        if self.intake.submitted_at is None:
            return self.close()
        self.submit()
        if self.intake.channel == Dossier.Channel.DIRECT:
            self.receive(self.intake.submitted_at)
            return self.process()
        if self.intake.received_at is None:
            return self.unreceived()
        if self.u[S_INTAKE] < REFUSE_RATE + SUPPLEMENT_AT_INTAKE_RATE:
            decided = self.player._decision(self.combo, self.intake.submitted_at, self.u[S_DELAY])
            self.supplement_at_intake(decided)
            resubmitted = self.player._after_working_minutes(
                self.combo.receiving.calendar, decided, 240 + int(self.u[S_WAIT] * 2160)
            )
            self.resubmit(resubmitted)
        self.receive(self.intake.received_at)
        return self.process()

    def create(self) -> None:
        u, combo, intake = self.u, self.combo, self.intake
        online = intake.channel == Dossier.Channel.ONLINE
        organisation = combo.organisations and (not combo.citizens or u[S_ORGANISATION] < ORGANISATION_RATE)
        account: int | None = None
        if online:
            pool = self.player.world.organisations if organisation else self.player.world.citizens
            account, name, identifier, address, phone, email = pool[int(u[S_PERSON] * len(pool)) % len(pool)]
        else:
            name = person_name(u[S_PERSON], u[S_MIDDLE], u[S_GIVEN])
            if organisation:
                name = f"{COMPANY[int(u[S_MIDDLE] * len(COMPANY))]} {name.split()[-1]}"
                identifier = f"26{int(u[S_ID] * 10**8):08d}"
            else:  # CCCD layout: province of birth, sex and century, year of birth, serial (all fictitious)
                province = ("025", "026", "017")[int(u[S_ID] * 3)]
                born = f"{int(u[S_MIDDLE] * 4)}{int(u[S_GIVEN] * 100):02d}"
                identifier = f"{province}{born}{int(u[S_ID] * 10**9) % 10**6:06d}"
            place = combo.receiving.name.rsplit(" công ", 1)[-1]
            address = f"Thôn {1 + int(u[S_ADDRESS] * 12)}, {place}"[:500]
            phone = f"09{int(u[S_CONTACT] * 10**8):08d}"
            email = f"nguoinop{int(u[S_CONTACT] * 10**6):06d}@example.vn" if u[S_CONTACT] < EMAIL_RATE else ""
        return_method = weighted(combo.returns, u[S_RETURN])
        creator = account if online else self.person(combo.receiving, Role.INTAKE_OFFICER)
        self.creator = creator
        self.account = account
        representative = None
        if u[S_REPRESENTATIVE] < REPRESENTATIVE_RATE:
            representative = {
                "name": person_name(u[S_MIDDLE], u[S_GIVEN], u[S_PERSON]),
                "identifier": "",
                "address": address,
                "phone": phone,
                "email": "",
                "authorisation": "Giấy ủy quyền có chứng thực",
            }
        self.dossier.update(
            {
                "id": self.pk,
                "public_id": self.public_id,
                "code": None,
                "code_agency": "",
                "code_day": None,
                "code_sequence": None,
                "lookup_secret_hash": "",
                "status": Status.DRAFT,
                "stop_kind": "",
                "channel": intake.channel,
                "return_method": return_method,
                "procedure_id": combo.version.procedure_id,
                "procedure_version_id": None,
                "applicant_id": account,
                "applicant_kind": Dossier.ApplicantKind.ORGANIZATION
                if organisation
                else Dossier.ApplicantKind.CITIZEN,
                "applicant_name": name,
                "applicant_identifier": identifier,
                "applicant_address": address,
                "applicant_phone": phone,
                "applicant_email": email,
                "representative": representative,
                "receiving_unit_id": combo.receiving.id,
                "competent_unit_id": combo.competent.id,
                "form_data": {},
                "fees_due_vnd": 0,
                "current_step_id": None,
                "assignee_id": None,
                "created_by_id": creator,
                "created_at": intake.created_at,
                "updated_at": intake.created_at,
                "submitted_at": None,
                "system_received_at": None,
                "postmarked_at": intake.postmarked_at,
                "receive_due_at": None,
                "received_late": False,
                "received_at": None,
                "received_by_id": None,
                "clock_started_at": None,
                "appointment_at": None,
                "due_at": None,
                "resolved_at": None,
                "returned_at": None,
                "stopped_at": None,
                "ended_at": None,
                "end_reason": "",
                "result_note": "",
                "result_returned_by": "",
                "version": 1,
            }
        )
        self.life.coordinating = [info.id for info in combo.coordinating]
        provenance = Provenance.UPLOADED if online else Provenance.DIGITISED_AT_INTAKE
        documents: list[tuple[int | None, str]] = list(combo.documents) or [(None, "Tờ khai")]
        for position, (document, document_name) in enumerate(documents, start=1):
            reused = online and u[S_REUSE] < REUSE_RATE and position == 1
            self.life.components.append(
                self.component(
                    position=position,
                    document=document,
                    name=document_name,
                    provenance=Provenance.REUSED if reused else provenance,
                    at=intake.created_at,
                    actor=creator,
                    request=None,
                )
            )
        self.event(
            Kind.CREATED,
            intake.created_at,
            creator,
            {
                "channel": intake.channel,
                "procedure_code": combo.version.procedure.code,
                "receiving_unit": combo.receiving.id,
                "competent_unit": combo.competent.id,
                "return_method": return_method,
                "applicant_kind": self.dossier["applicant_kind"],
                "has_account": account is not None,
                "has_representative": representative is not None,
                "postmarked_at": intake.postmarked_at,
                "components": [self.component_data(row) for row in self.life.components],
            },
            Status.DRAFT,
        )
        self.version = 0  # creating is not an action: the first action makes version 2

    def component(
        self,
        *,
        position: int,
        document: int | None,
        name: str,
        provenance: str,
        at: dt.datetime,
        actor: int | None,
        request: int | None,
    ) -> dict[str, Any]:
        files = self.player.world.files
        reused = provenance == Provenance.REUSED
        # Scattered over the pool (the same file in many dossiers, not the same files side by side).
        file_id, sha256 = files[(self.pk * 7919 + position * 104729) % len(files)]
        return {
            "dossier_id": self.pk,
            "position": position,
            "required_document_id": document,
            "name": name,
            "provenance": provenance,
            "file_id": None if reused else file_id,
            "_sha256": None if reused else sha256,
            "filename": "" if reused else "tai-lieu.pdf",
            "source_component_id": None,
            "reference": f"CSDLQGDC:{self.dossier['applicant_identifier']}" if reused else "",
            "supplement_request_id": request,
            "added_at": at,
            "added_by_id": actor,
        }

    @staticmethod
    def component_data(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "position": row["position"],
            "name": row["name"],
            "provenance": row["provenance"],
            "required_document": row["required_document_id"],
            "sha256": row["_sha256"],
            "reused_from": None,
            "reference": row["reference"],
        }

    def submit(self) -> None:
        intake, combo, at = self.intake, self.combo, self.intake.submitted_at
        assert at is not None
        receive_due = None
        if intake.channel == Dossier.Channel.ONLINE:
            receive_due = combo.receiving.calendar.due(
                at, ONLINE_RECEIPT_WORKING_HOURS, TimeUnit.WORKING_HOURS
            )
        self.dossier.update(
            {
                "procedure_version_id": combo.version.pk,
                "fees_due_vnd": combo.fees[intake.channel],
                "submitted_at": at,
                "system_received_at": at,
                "receive_due_at": receive_due,
            }
        )
        self.event(
            Kind.SUBMITTED,
            at,
            self.creator,
            {
                "procedure_version": combo.version.number,
                "channel": intake.channel,
                "submitted_at": at,
                "system_received_at": at,
                "receive_due_at": receive_due,
                "coordinating_units": sorted(self.life.coordinating),
                "fees_due_vnd": combo.fees[intake.channel],
                "components": [self.component_data(row) for row in self.life.components],
            },
            Status.SUBMITTED,
        )

    def unreceived(self) -> Life:
        """Online or postal, not received: waiting, refused, or given up after a supplement request."""
        u, submitted = self.u, self.intake.submitted_at
        assert submitted is not None
        decided = self.player._decision(self.combo, submitted, u[S_DELAY])
        if decided > self.until:
            return self.close()
        officer = self.person(self.combo.receiving, Role.INTAKE_OFFICER)
        if u[S_INTAKE] < REFUSE_RATE:
            self.dossier.update({"ended_at": decided, "end_reason": REASON_REFUSE})
            self.event(
                Kind.REFUSED_AT_INTAKE,
                decided,
                officer,
                {"reason": REASON_REFUSE, "end_status": Status.REFUSED_AT_INTAKE},
                Status.REFUSED_AT_INTAKE,
            )
            return self.close()
        if u[S_INTAKE] < REFUSE_RATE + SUPPLEMENT_AT_INTAKE_RATE:
            request = self.supplement_at_intake(decided)
            resubmitted = self.player._after_working_minutes(
                self.combo.receiving.calendar, decided, 240 + int(u[S_WAIT] * 2160)
            )
            if resubmitted > self.until:
                return self.close()
            if u[S_ABANDON] < ABANDON_RATE:
                self.stop(resubmitted, withdraw=self.account is not None, open_request=request)
                return self.close()
            self.resubmit(resubmitted)
            return self.close()  # received after the end moment
        return self.close()

    def supplement_at_intake(self, at: dt.datetime) -> dict[str, Any]:
        items, reason = SUPPLEMENTS[int(self.u[S_ITEMS] * len(SUPPLEMENTS))]
        officer = self.person(self.combo.receiving, Role.INTAKE_OFFICER)
        request = {
            "id": self.ids.take("supplement"),
            "dossier_id": self.pk,
            "phase": SupplementRequest.Phase.INTAKE,
            "items": items,
            "reason": reason,
            "requested_at": at,
            "requested_by_id": officer,
            "completed_at": None,
            "completed_by_id": None,
            "due_before": None,
            "due_after": None,
        }
        self.life.supplements.append(request)
        self.event(
            Kind.SUPPLEMENT_REQUESTED_AT_INTAKE,
            at,
            officer,
            {"request": request["id"], "items": items, "reason": reason},
            Status.SUPPLEMENT_AT_INTAKE,
        )
        return request

    def resubmit(self, at: dt.datetime) -> None:
        request = self.life.supplements[-1]
        actor = (
            self.account
            if self.account is not None
            else self.person(self.combo.receiving, Role.INTAKE_OFFICER)
        )
        request["completed_at"], request["completed_by_id"] = at, actor
        added = self.component(
            position=len(self.life.components) + 1,
            document=None,
            name=request["items"][0],
            provenance=Provenance.UPLOADED if self.account else Provenance.DIGITISED_AT_INTAKE,
            at=at,
            actor=actor,
            request=request["id"],
        )
        self.life.components.append(added)
        receive_due = None
        if self.intake.channel == Dossier.Channel.ONLINE:
            receive_due = self.combo.receiving.calendar.due(
                at, ONLINE_RECEIPT_WORKING_HOURS, TimeUnit.WORKING_HOURS
            )
        self.dossier.update({"system_received_at": at, "receive_due_at": receive_due})
        self.event(
            Kind.RESUBMITTED,
            at,
            actor,
            {
                "request": request["id"],
                "system_received_at": at,
                "receive_due_at": receive_due,
                "form_data_changed": False,
                "components": [self.component_data(added)],
            },
            Status.SUBMITTED,
        )

    def receive(self, at: dt.datetime) -> None:
        combo, dossier = self.combo, self.dossier
        assert self.code is not None
        agency, day, sequence = self.code
        officer = self.person(combo.receiving, Role.INTAKE_OFFICER)
        calendar = combo.competent.calendar
        if dossier["channel"] == Dossier.Channel.POSTAL and dossier["postmarked_at"] is not None:
            start, rule = calendar.first_working_moment(dossier["postmarked_at"]), "postmark"
        elif dossier["channel"] == Dossier.Channel.ONLINE:
            start, rule = calendar.first_working_moment(dossier["system_received_at"]), "system_receipt"
        else:
            start, rule = calendar.first_working_moment(at), "receipt"
        amount, unit = combo.limits[dossier["channel"]]
        counted_from = start
        cutoff = combo.version.cutoff_time
        if cutoff is not None:
            cut_day = calendar.add_working_days(start, 0, cutoff=cutoff)
            if cut_day != start.astimezone(TZ).date():
                counted_from = calendar.first_working_moment(
                    dt.datetime.combine(cut_day, dt.time(0), tzinfo=TZ)
                )
        appointment = calendar.due(counted_from, amount, unit, combo.version.time_limit_convention)
        late = bool(dossier["receive_due_at"] and at > dossier["receive_due_at"])
        dossier.update(
            {
                "code": format_code(agency, day, sequence),
                "code_agency": agency,
                "code_day": day,
                "code_sequence": sequence,
                "lookup_secret_hash": self.player.lookup_hash(self.public_id),
                "received_at": at,
                "received_by_id": officer,
                "received_late": late,
                "clock_started_at": start,
                "appointment_at": appointment,
                "due_at": appointment,
            }
        )
        opened: list[dict[str, Any]] = []
        for index, step in enumerate(combo.plan):
            if step.after:
                continue
            if ProcessAction.RECEIVE in step.actions:
                for row in self.open_steps([index], at, assign=False):
                    row["assignee_id"] = officer
                    self.finish(row, Outcome.FORWARDED, officer, at)
                opened += self.open_steps(
                    [i for i in self.successors(index) if self.ready(i)], at, assign=True
                )
            else:
                opened += self.open_steps([index], at, assign=True)
        self.sync_current()
        self.event(
            Kind.RECEIVED,
            at,
            officer,
            {
                "code": dossier["code"],
                "channel": dossier["channel"],
                "received_at": at,
                "receive_due_at": dossier["receive_due_at"],
                "received_late": late,
                "clock_started_at": start,
                "clock_start_rule": rule,
                "appointment_at": appointment,
                "due_at": appointment,
                "time_limit": {
                    "amount": str(combo.version.time_limit_amount),
                    "unit": combo.version.time_limit_unit,
                    "convention": combo.version.time_limit_convention,
                    "supplement_clock": combo.version.supplement_clock,
                },
                "steps": [self.step_data(row) for row in opened],
            },
            Status.PROCESSING,
        )

    def sync_current(self) -> None:
        single = self.open[0] if len(self.open) == 1 else None
        self.dossier["current_step_id"] = single["id"] if single else None
        self.dossier["assignee_id"] = single["assignee_id"] if single else None

    def process(self) -> Life:
        """From receipt to the end: the steps one after the other in the order of the plan, the
        supplement request, the apology, then approval (or rejection, or a stop), and the return."""
        u, combo, dossier = self.u, self.combo, self.dossier
        calendar = combo.competent.calendar
        received = dossier["received_at"]
        p_received = calendar.position(received)
        p_start = calendar.position(dossier["clock_started_at"])
        budget = max(60, calendar.position(dossier["due_at"]) - p_start)
        late = u[S_LATE] < LATE_RATE
        fraction = (1.02 + 0.6 * u[S_FRACTION]) if late else (0.2 + 0.75 * u[S_FRACTION])
        p_end = max(p_received + 15, p_start + int(fraction * budget))
        # Durations of the steps before the result (jittered budgets, scaled to end at p_end).
        middle = [
            i
            for i, step in enumerate(combo.plan)
            if ProcessAction.RETURN_RESULT not in step.actions
            and not (not step.after and ProcessAction.RECEIVE in step.actions)
        ]
        weights = {
            i: max(1, combo.plan[i].budget_minutes or 60) * (0.5 + u[S_STEPS + i % 12]) for i in middle
        }
        finish_at: dict[int, float] = {}
        for i in middle:  # the plan's order puts a step after the steps it follows
            before = [
                finish_at.get(j, p_received)
                for j, step in enumerate(combo.plan)
                if step.key in combo.plan[i].after
            ]
            finish_at[i] = max(before or [p_received]) + weights[i]
        longest = max(finish_at.values(), default=p_received) - p_received
        scale = (p_end - p_received) / longest if longest else 1.0
        planned: dict[int, int] = {}
        for i in middle:  # scaled, and still each after the steps it follows
            before = [
                planned[j]
                for j, step in enumerate(combo.plan)
                if step.key in combo.plan[i].after and j in planned
            ]
            planned[i] = int(
                max(
                    p_received + max(1, int((finish_at[i] - p_received) * scale)),
                    max(before, default=p_received) + 1,
                )
            )
        # A supplement request during the first appraisal step pauses everything after it.
        pause: tuple[int, int] | None = None
        supplement = combo.supplement_step
        if (
            supplement is not None
            and supplement in planned
            and u[S_SUPPLEMENT] < SUPPLEMENT_RATE
            and combo.version.max_supplement_requests
        ):
            begin = p_received + int((planned[supplement] - p_received) * (0.2 + 0.6 * u[S_SUPPLEMENT_AT]))
            waited = 240 + int(u[S_SUPPLEMENT_WAIT] * 2400)
            pause = (begin, begin + waited)
            planned = {i: position + (waited if position >= begin else 0) for i, position in planned.items()}
        stop_at: int | None = None
        end_kind = Kind.APPROVED
        if u[S_END] < REJECT_RATE:
            end_kind = Kind.REJECTED
        elif u[S_END] < REJECT_RATE + STOP_RATE:
            end_kind = Kind.STOPPED
            stop_at = p_received + 1 + int((max(planned.values(), default=p_end) - p_received) * u[S_STOP_AT])
        apology_at: int | None = None
        if late and u[S_APOLOGY] < APOLOGY_RATE:
            candidate = calendar.position(dossier["due_at"]) - calendar.day_minutes - 240
            if candidate > p_received and (pause is None or candidate < pause[0] or candidate > pause[1]):
                apology_at = candidate
        # Play the moments in order.
        moments: list[tuple[int, int, str, Any]] = []
        for i, position in planned.items():
            moments.append((position, 2, "finish", i))
        if pause is not None:
            moments += [(pause[0], 1, "ask", None), (pause[1], 1, "supplemented", None)]
        if apology_at is not None:
            moments.append((apology_at, 0, "apology", None))
        if stop_at is not None:
            moments.append((stop_at, 0, "stop", None))
        moments.sort(key=lambda item: (item[0], item[1], item[3] if item[3] is not None else -1))
        until = self.until
        for position, _order, what, index in moments:
            at = calendar.moment_at(position)
            if at > until:
                return self.close()
            if what == "stop":
                self.stop(at, withdraw=False, open_request=None)
                return self.close()
            if what == "apology":
                if not self.apologize(at, calendar, planned):
                    continue
            elif what == "ask":
                self.ask_supplement(at, index_of=supplement)
                if u[S_SUPPLEMENT_ABANDON] < ABANDON_RATE:
                    gave_up = calendar.moment_at(position + 15 * calendar.day_minutes)
                    if gave_up <= until:
                        self.stop(gave_up, withdraw=False, open_request=self.life.supplements[-1])
                    return self.close()
            elif what == "supplemented":
                self.supplemented(at, calendar)
            elif not self.step_done(index, at, end_kind):
                return self.close()
            if self.status in (Status.REJECTED, Status.RETURNED, Status.STOPPED):
                return self.close()
        if self.status == Status.RESOLVED:
            self.hand_over(calendar)
        return self.close()

    def step_done(self, index: int, at: dt.datetime, end_kind: str) -> bool:
        """The step finishes: forwarded, or at the approval step approved or rejected."""
        combo = self.combo
        rows = [row for row in self.open if row["_index"] == index]
        if not rows:
            return True  # a joining step not opened (a branch not taken)
        step = combo.plan[index]
        if step.key in combo.approvals:
            row = rows[0]
            leader = row["assignee_id"] or self.person(combo.steps[index][0], step.role)
            if end_kind == Kind.REJECTED:
                self.reject(at, leader)
            else:
                self.approve(at, leader, row)
            return True
        for row in rows:
            actor = row["assignee_id"] or self.person(combo.steps[index][0], step.role)
            self.finish(row, Outcome.FORWARDED, actor, at)
            following = [i for i in self.successors(index) if self.ready(i)]
            opened = self.open_steps(following, at, assign=True)
            self.sync_current()
            self.event(
                Kind.FORWARDED,
                at,
                actor,
                {
                    "from_step": self.step_data(row),
                    "to_steps": [self.step_data(r) for r in opened],
                    "timeliness": row["timeliness"],
                    "note": "",
                },
                Status.PROCESSING,
            )
        return True

    def ask_supplement(self, at: dt.datetime, index_of: int | None) -> None:
        rows = [row for row in self.open if row["_index"] == index_of] or self.open[:1]
        specialist = (rows[0]["assignee_id"] if rows else None) or self.person(
            self.combo.competent, Role.SPECIALIST
        )
        items, reason = SUPPLEMENTS[int(self.u[S_ITEMS] * len(SUPPLEMENTS))]
        calendar = self.combo.competent.calendar
        used = calendar.working_minutes_between(self.dossier["clock_started_at"], at)
        left = calendar.working_minutes_between(at, self.dossier["due_at"])
        request = {
            "id": self.ids.take("supplement"),
            "dossier_id": self.pk,
            "phase": SupplementRequest.Phase.PROCESSING,
            "items": items,
            "reason": reason,
            "requested_at": at,
            "requested_by_id": specialist,
            "completed_at": None,
            "completed_by_id": None,
            "due_before": self.dossier["due_at"],
            "due_after": None,
        }
        self.life.supplements.append(request)
        self.event(
            Kind.SUPPLEMENT_REQUESTED,
            at,
            specialist,
            {
                "request": request["id"],
                "number": 1,
                "items": items,
                "reason": reason,
                "clock_mode": self.combo.version.supplement_clock,
                "due_before": self.dossier["due_at"],
                "used_minutes": used,
                "left_minutes": left,
            },
            Status.WAITING_SUPPLEMENT,
        )

    def supplemented(self, at: dt.datetime, calendar: Calendar) -> None:
        request = self.life.supplements[-1]
        actor = (
            self.account
            if self.account is not None
            else self.person(self.combo.receiving, Role.INTAKE_OFFICER)
        )
        request["completed_at"], request["completed_by_id"] = at, actor
        due_before = self.dossier["due_at"]
        amount, unit = self.combo.limits[self.dossier["channel"]]
        clock = Clock(
            calendar,
            self.dossier["clock_started_at"],
            amount,
            unit,
            self.combo.version.time_limit_convention,
            [(request["requested_at"], at)],
            self.combo.version.supplement_clock,
        )
        due_after = clock.at(at).due
        if self.life.apologies:  # after an apology its appointment moves by the wait only
            due_after = calendar.moment_at(
                calendar.position(due_before) + calendar.working_minutes_between(request["requested_at"], at)
            )
        request["due_after"] = due_after
        waited = calendar.working_minutes_between(request["requested_at"], at)
        for row in self.open:
            if row["due_at"] is not None:
                row["due_at"] = calendar.moment_at(calendar.position(row["due_at"]) + waited)
        added = self.component(
            position=len(self.life.components) + 1,
            document=None,
            name=request["items"][0],
            provenance=Provenance.UPLOADED if self.account else Provenance.DIGITISED_AT_INTAKE,
            at=at,
            actor=actor,
            request=request["id"],
        )
        self.life.components.append(added)
        self.dossier["due_at"] = due_after
        self.event(
            Kind.SUPPLEMENTED,
            at,
            actor,
            {
                "request": request["id"],
                "requested_at": request["requested_at"],
                "waited_working_minutes": waited,
                "due_before": due_before,
                "due_after": due_after,
                "form_data_changed": False,
                "components": [self.component_data(added)],
            },
            Status.PROCESSING,
        )

    def apologize(self, at: dt.datetime, calendar: Calendar, planned: dict[int, int]) -> bool:
        """Form 04, at least one working day before the due moment, once."""
        due = self.dossier["due_at"]
        left = calendar.working_minutes_between(at, due)
        if left < calendar.day_minutes or self.status not in (Status.PROCESSING, Status.WAITING_SUPPLEMENT):
            return False
        last = max(planned.values(), default=calendar.position(due))
        extra = max(calendar.day_minutes, last - calendar.position(due)) + int(
            self.u[S_APOLOGY_EXTRA] * 3 * calendar.day_minutes
        )
        new = calendar.moment_at(calendar.position(due) + extra)
        leader = self.person(self.combo.competent, Role.LEADER)
        apology = {
            "id": self.ids.take("apology"),
            "dossier_id": self.pk,
            "reason": REASON_APOLOGY,
            "previous_appointment": self.dossier["appointment_at"],
            "previous_due": due,
            "new_appointment": new,
            "issued_at": at,
            "issued_by_id": leader,
        }
        self.life.apologies.append(apology)
        self.dossier["appointment_at"] = self.dossier["due_at"] = new
        self.event(
            Kind.APOLOGIZED,
            at,
            leader,
            {
                "apology": apology["id"],
                "reason": REASON_APOLOGY,
                "previous_appointment": apology["previous_appointment"],
                "previous_due": due,
                "new_appointment": new,
                "left_minutes": left,
            },
            self.status,
        )
        return True

    def reject(self, at: dt.datetime, leader: int) -> None:
        closed = list(self.open)
        for row in closed:
            self.finish(row, Outcome.REJECTED, leader, at)
        self.sync_current()
        self.dossier.update({"ended_at": at, "end_reason": REASON_REJECT})
        self.event(
            Kind.REJECTED,
            at,
            leader,
            {
                "reason": REASON_REJECT,
                "steps": [self.step_data(r) for r in closed],
                "end_status": Status.REJECTED,
            },
            Status.REJECTED,
        )

    def approve(self, at: dt.datetime, leader: int, row: dict[str, Any]) -> None:
        combo, dossier = self.combo, self.dossier
        self.finish(row, Outcome.APPROVED, leader, at)
        electronic = dossier["return_method"] == Dossier.ReturnMethod.ELECTRONIC
        opened: list[dict[str, Any]] = []
        if not electronic:
            returning = [
                i
                for i in self.successors(row["_index"])
                if ProcessAction.RETURN_RESULT in combo.plan[i].actions
            ]
            opened = self.open_steps(returning, at, assign=False)
        self.sync_current()
        dossier.update({"resolved_at": at, "ended_at": at, "result_note": RESULT_NOTE})
        self.event(
            Kind.APPROVED,
            at,
            leader,
            {
                "result_note": RESULT_NOTE,
                "resolved_at": at,
                "appointment_at": dossier["appointment_at"],
                "due_at": dossier["due_at"],
                "timeliness": _timeliness(at, dossier["due_at"]),
                "step": self.step_data(row),
                "to_steps": [self.step_data(r) for r in opened],
                "end_status": Status.RESOLVED,
            },
            Status.RESOLVED,
        )
        if electronic:
            self.returned(at, None, Dossier.ReturnMethod.ELECTRONIC)

    def hand_over(self, calendar: Calendar) -> None:
        resolved = self.dossier["resolved_at"]
        at = calendar.moment_at(
            calendar.position(resolved) + 30 + int(self.u[S_RETURN_DELAY] * 3 * calendar.day_minutes)
        )
        if at > self.until:
            return
        method = self.dossier["return_method"]
        self.returned(at, self.person(self.combo.receiving, Role.INTAKE_OFFICER), method)

    def returned(self, at: dt.datetime, actor: int | None, method: str) -> None:
        closed = list(self.open)
        for row in closed:
            self.finish(row, Outcome.RETURNED, actor, at)
        self.sync_current()
        self.dossier.update({"returned_at": at, "result_returned_by": method})
        self.event(
            Kind.RETURNED,
            at,
            actor,
            {
                "method": method,
                "returned_at": at,
                "automatic": actor is None,
                "steps": [self.step_data(r) for r in closed],
                "end_status": Status.RETURNED,
            },
            Status.RETURNED,
        )

    def stop(self, at: dt.datetime, *, withdraw: bool, open_request: dict[str, Any] | None) -> None:
        """Stopped at the applicant's request (Form 05), or withdrawn by the applicant."""
        if withdraw and self.status not in (
            Status.SUBMITTED,
            Status.SUPPLEMENT_AT_INTAKE,
            Status.WAITING_SUPPLEMENT,
        ):
            withdraw = False
        actor = self.account if withdraw else self.person(self.combo.receiving, Role.INTAKE_OFFICER)
        closed = list(self.open)
        for row in closed:
            self.finish(row, Outcome.STOPPED, actor, at)
        self.sync_current()
        reason = REASON_WITHDRAW if withdraw else REASON_STOP
        kind = Dossier.StopKind.WITHDRAWN if withdraw else Dossier.StopKind.STOPPED
        self.dossier.update(
            {
                "stop_kind": kind,
                "stopped_at": at,
                "ended_at": self.dossier["ended_at"] or at,
                "end_reason": reason,
            }
        )
        self.event(
            Kind.WITHDRAWN if withdraw else Kind.STOPPED,
            at,
            actor,
            {
                "reason": reason,
                "stop_kind": kind,
                "steps": [self.step_data(r) for r in closed],
                "end_status": Status.STOPPED,
            },
            Status.STOPPED,
        )

    def close(self) -> Life:
        self.dossier["status"] = self.status
        self.dossier["version"] = max(1, self.version + 1) if self.life.events else 1
        for row in self.life.steps:
            row.pop("_index", None)
        return self.life
