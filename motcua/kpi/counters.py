"""The KPI counters and the per-dossier facts they are kept from (docs/KPI.md, "Counters").

- `DossierFact`: one row per dossier, the fold state of its events (`ledger.DossierLedger`) and the instants
  the indicators need (receipt, end, first late instant, e-result, reuse), indexed for the drill-down and
  for the one correction a running period needs (dossiers falling late today).
- `ProcedureDayCounter`: per (competent unit, procedure, receipt day, outcome day) the sums of
  `ledger.COLUMNS`; the receipt columns sit on the row whose outcome day is the receipt day. Every
  dossier indicator of a unit subtree, a procedure or sector filter and a period is a SUM over these rows.
- `UnitDayCounter` and `UnitMonthCounter`: the same without the procedure, by outcome day and by outcome
  month: the rollups that answer a whole subtree over a year from a few rows per unit and day.
- `UnitReceiptMonthCounter` and `UnitReceiptMonthDayCounter`: the same by month of receipt (outcome month,
  outcome day): the receipts of whole months (a year, a quarter, a month) from a few rows per unit and
  month.
- `ProcessedEvent`: the dossier events the consumer counted, written in the same transaction as the
  counters (the outbox delivers at least once: a redelivered event counts once). `recompute` does not
  write them: a fact's `last_sequence` says which events are counted, and the consumer folds only later
  ones.

Writes: `counters_add` applies the difference between a dossier's contributions before and after its new
events to the five counter tables (one upsert statement each, rows touched in key order) and deletes rows
that fell to zero, so that incremental counters and `recompute` hold exactly the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from motcua.kpi import ledger as L

NON_NEGATIVE = reduce(lambda q, column: q & models.Q(**{f"{column}__gte": 0}), L.COLUMNS, models.Q())


def _count(name: Any) -> models.BigIntegerField:
    return models.BigIntegerField(name, default=0)


class CounterColumns(models.Model):
    """The sums every counter row carries (`ledger.COLUMNS`)."""

    received = _count(_("received"))
    online = _count(_("submitted online"))
    fee_bearing = _count(_("with fees or charges"))
    late = _count(_("late (original appointment)"))
    late_apology = _count(_("late (apology's appointment accepted)"))
    completed = _count(_("processing ended"))
    working_minutes = _count(_("working minutes of processing"))
    e_result = _count(_("electronic result issued"))
    digitised = _count(_("digitised"))
    reused = _count(_("reusing digitised data"))

    KEY: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        key = " ".join(str(getattr(self, name)) for name in self.KEY)
        return f"{key}: {self.received} received, {self.late} late"


class ProcedureDayCounter(CounterColumns):
    """Sums for one competent unit, procedure, receipt day and outcome day."""

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("procedure")
    )
    received_day = models.DateField(_("receipt day"))
    day = models.DateField(_("outcome day"))

    KEY = ("unit_id", "received_day", "procedure_id", "day")

    class Meta:
        verbose_name = _("KPI counter per procedure and day")
        verbose_name_plural = _("KPI counters per procedure and day")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "received_day", "procedure", "day"], name="kpi_procedure_day_unique"
            ),
            models.CheckConstraint(condition=NON_NEGATIVE, name="kpi_procedure_day_not_negative"),
            models.CheckConstraint(
                condition=models.Q(day__gte=models.F("received_day")), name="kpi_procedure_day_in_order"
            ),
        ]
        indexes = [models.Index(fields=["procedure", "received_day"], name="kpi_procedure_day_procedure")]


class UnitDayCounter(CounterColumns):
    """Sums for one competent unit, receipt day and outcome day (all procedures)."""

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    received_day = models.DateField(_("receipt day"))
    day = models.DateField(_("outcome day"))

    KEY = ("unit_id", "received_day", "day")

    class Meta:
        verbose_name = _("KPI counter per unit and day")
        verbose_name_plural = _("KPI counters per unit and day")
        constraints = [
            models.UniqueConstraint(fields=["unit", "received_day", "day"], name="kpi_unit_day_unique"),
            models.CheckConstraint(condition=NON_NEGATIVE, name="kpi_unit_day_not_negative"),
            models.CheckConstraint(
                condition=models.Q(day__gte=models.F("received_day")), name="kpi_unit_day_in_order"
            ),
        ]
        # The outcomes of one month up to a day, whatever the receipt day (a period ending mid-month).
        indexes = [models.Index(fields=["unit", "day", "received_day"], name="kpi_unit_day_outcome")]


class UnitMonthCounter(CounterColumns):
    """Sums for one competent unit, receipt day and outcome month (its first day; all procedures)."""

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    received_day = models.DateField(_("receipt day"))
    month = models.DateField(_("outcome month"))

    KEY = ("unit_id", "received_day", "month")

    class Meta:
        verbose_name = _("KPI counter per unit and month")
        verbose_name_plural = _("KPI counters per unit and month")
        constraints = [
            models.UniqueConstraint(fields=["unit", "received_day", "month"], name="kpi_unit_month_unique"),
            models.CheckConstraint(condition=NON_NEGATIVE, name="kpi_unit_month_not_negative"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="kpi_unit_month_first_day"),
        ]


class UnitReceiptMonthCounter(CounterColumns):
    """Sums for one competent unit, receipt month and outcome month (first days; all procedures): the
    receipts of whole months, a few dozen rows per unit and year (a year's index reads these)."""

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    received_month = models.DateField(_("receipt month"))
    month = models.DateField(_("outcome month"))

    KEY = ("unit_id", "received_month", "month")

    class Meta:
        verbose_name = _("KPI counter per unit, receipt month and outcome month")
        verbose_name_plural = _("KPI counters per unit, receipt month and outcome month")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "received_month", "month"], name="kpi_unit_receipt_month_unique"
            ),
            models.CheckConstraint(condition=NON_NEGATIVE, name="kpi_unit_receipt_month_not_negative"),
            models.CheckConstraint(
                condition=models.Q(received_month__day=1, month__day=1),
                name="kpi_unit_receipt_month_first_days",
            ),
        ]


class UnitReceiptMonthDayCounter(CounterColumns):
    """Sums for one competent unit, receipt month and outcome day (all procedures): the outcomes of the
    judged month up to its judged day, for the receipts of whole months."""

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    received_month = models.DateField(_("receipt month"))
    day = models.DateField(_("outcome day"))

    KEY = ("unit_id", "received_month", "day")

    class Meta:
        verbose_name = _("KPI counter per unit, receipt month and outcome day")
        verbose_name_plural = _("KPI counters per unit, receipt month and outcome day")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "received_month", "day"], name="kpi_unit_receipt_month_day_unique"
            ),
            models.CheckConstraint(condition=NON_NEGATIVE, name="kpi_unit_receipt_month_day_not_negative"),
            models.CheckConstraint(
                condition=models.Q(received_month__day=1), name="kpi_unit_receipt_month_day_first_day"
            ),
        ]
        indexes = [models.Index(fields=["unit", "day"], name="kpi_unit_receipt_month_day_out")]


class DossierFact(models.Model):
    """One dossier as the KPI engine knows it: its events folded (`ledger.DossierLedger`)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="kpi_fact",
        verbose_name=_("dossier"),
    )
    last_sequence = models.PositiveIntegerField(_("last event counted"))
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("competent unit")
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("procedure")
    )
    channel = models.CharField(_("channel"), max_length=1)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_day = models.DateField(_("receipt day"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    apology_appointment_at = models.DateTimeField(_("apology's appointment"), null=True, blank=True)
    # [[requested_at, completed_at or null], ...] of the supplement requests during processing.
    waits = models.JSONField(_("supplement waits"), default=list, blank=True)
    requests = models.PositiveSmallIntegerField(_("supplement requests during processing"), default=0)
    second_request_at = models.DateTimeField(_("second supplement request at"), null=True, blank=True)
    end_state = models.CharField(_("end state"), max_length=32, blank=True)
    ended_at = models.DateTimeField(_("processing ended at"), null=True, blank=True)
    end_day = models.DateField(_("end day"), null=True, blank=True)
    working_minutes = models.PositiveIntegerField(_("working minutes of processing"), null=True, blank=True)
    e_result_at = models.DateTimeField(_("electronic result at"), null=True, blank=True)
    e_result_day = models.DateField(_("electronic result (day)"), null=True, blank=True)
    digitised_at = models.DateTimeField(_("digitised at"), null=True, blank=True)
    digitised_day = models.DateField(_("digitised (day)"), null=True, blank=True)
    reused_at = models.DateTimeField(_("first reused component at"), null=True, blank=True)
    reused_day = models.DateField(_("first reused component (day)"), null=True, blank=True)
    fees_due_vnd = models.PositiveBigIntegerField(_("fees due (VND)"), default=0)
    components = models.JSONField(_("components"), default=dict, blank=True)
    # The first instant 2.1 judges the dossier late (ledger.late_instant). Every `*_day` is the local day
    # of its instant, never before the receipt day: the day the dossier's counters carry it on.
    late_at = models.DateTimeField(_("late from"), null=True, blank=True)
    late_day = models.DateField(_("late from (day)"), null=True, blank=True)
    late_apology_at = models.DateTimeField(_("late from (apology accepted)"), null=True, blank=True)
    late_apology_day = models.DateField(_("late from (day, apology accepted)"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier KPI facts")
        verbose_name_plural = _("dossier KPI facts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received_at__isnull=True, received_day__isnull=True)
                | models.Q(received_at__isnull=False, received_day__isnull=False),
                name="kpi_fact_received_day_iff_received",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True, end_day__isnull=True, end_state="")
                | (models.Q(ended_at__isnull=False, end_day__isnull=False) & ~models.Q(end_state="")),
                name="kpi_fact_end_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(late_at__isnull=True) | models.Q(received_at__isnull=False),
                name="kpi_fact_late_only_when_received",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "received_day"], name="kpi_fact_unit_received"),
            models.Index(fields=["received_at", "dossier"], name="kpi_fact_received_at"),
            # The running period's correction (facts.py): the dossiers of a subtree falling late later
            # today, read from the index alone (after a vacuum), one query per column.
            models.Index(
                fields=["late_day", "late_at"], include=["unit", "received_day"], name="kpi_fact_late_pending"
            ),
            models.Index(
                fields=["late_apology_day", "late_apology_at"],
                include=["unit", "received_day"],
                name="kpi_fact_late_apology_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.last_sequence}"


class ProcessedEvent(models.Model):
    """A dossier event the outbox consumer counted (its idempotence; `recompute` leaves these as they are)."""

    event = models.OneToOneField(
        "dossiers.DossierEvent",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("event"),
    )

    class Meta:
        verbose_name = _("counted dossier event")
        verbose_name_plural = _("counted dossier events")

    def __str__(self) -> str:
        return str(self.event_id)


# --- ledger ↔ row ------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def ledger_from_fact(fact: DossierFact) -> L.DossierLedger:
    return L.DossierLedger(
        dossier_id=fact.dossier_id,
        unit_id=fact.unit_id,
        procedure_id=fact.procedure_id,
        channel=fact.channel,
        last_sequence=fact.last_sequence,
        received_at=fact.received_at,
        clock_started_at=fact.clock_started_at,
        appointment_at=fact.appointment_at,
        apology_appointment_at=fact.apology_appointment_at,
        waits=[(L.parse_moment(start), L.parse_moment(end)) for start, end in fact.waits],  # type: ignore[misc]
        requests=fact.requests,
        second_request_at=fact.second_request_at,
        end_state=fact.end_state,
        ended_at=fact.ended_at,
        working_minutes=fact.working_minutes,
        e_result_at=fact.e_result_at,
        reused_at=fact.reused_at,
        fees_due_vnd=fact.fees_due_vnd,
        components=dict(fact.components),
    )


def fact_values(ledger: L.DossierLedger) -> dict[str, Any]:
    """{attribute name: value} of the `DossierFact` row holding the ledger and the instants it implies."""
    late_at = ledger.late_at(accept_apology=False)
    # Without an apology's appointment both judge against the original one (recompute calls this per
    # dossier: what it saves counts).
    late_apology_at = (
        late_at if ledger.apology_appointment_at is None else ledger.late_at(accept_apology=True)
    )
    received_day = ledger.received_day

    def day(moment: datetime | None) -> date | None:  # ledger.outcome_day, the receipt day read once
        found = L.local_day(moment)
        if found is None or received_day is None:
            return found
        return max(found, received_day)

    return {
        "dossier_id": ledger.dossier_id,
        "last_sequence": ledger.last_sequence,
        "unit_id": ledger.unit_id,
        "procedure_id": ledger.procedure_id,
        "channel": ledger.channel,
        "received_at": ledger.received_at,
        "received_day": received_day,
        "clock_started_at": ledger.clock_started_at,
        "appointment_at": ledger.appointment_at,
        "apology_appointment_at": ledger.apology_appointment_at,
        "waits": [[_iso(start), _iso(end)] for start, end in ledger.waits],
        "requests": ledger.requests,
        "second_request_at": ledger.second_request_at,
        "end_state": ledger.end_state,
        "ended_at": ledger.ended_at,
        "end_day": day(ledger.ended_at),
        "working_minutes": ledger.working_minutes,
        "e_result_at": ledger.e_result_at,
        "e_result_day": day(ledger.e_result_at),
        "digitised_at": ledger.digitised_at,
        "digitised_day": day(ledger.digitised_at),
        "reused_at": ledger.reused_at,
        "reused_day": day(ledger.reused_at),
        "fees_due_vnd": ledger.fees_due_vnd,
        "components": ledger.components,
        "late_at": late_at,
        "late_day": day(late_at),
        "late_apology_at": late_apology_at,
        "late_apology_day": day(late_apology_at),
    }


def fact_from_ledger(ledger: L.DossierLedger, fact: DossierFact | None = None) -> DossierFact:
    """`fact` (or a new row) holding the ledger and the instants derived from it."""
    fact = fact or DossierFact(dossier_id=ledger.dossier_id)
    for name, value in fact_values(ledger).items():
        setattr(fact, name, value)
    return fact


FACT_FIELDS = [
    f.name for f in DossierFact._meta.concrete_fields if f.name != "dossier"
]  # what a fold rewrites


# --- counter writes ----------------------------------------------------------------------------------

Delta = dict[tuple[Any, ...], dict[str, int]]


def contribution_delta(before: L.DossierLedger | None, after: L.DossierLedger) -> Delta:
    """{(unit, receipt day, procedure, outcome day): {column: change}} from `before` to `after`."""
    delta: Delta = defaultdict(dict)
    for ledger, sign in ((before, -1), (after, 1)):
        if ledger is None:
            continue
        received_day = ledger.received_day
        for (day, column), amount in L.contributions(ledger).items():
            key = (ledger.unit_id, received_day, ledger.procedure_id, day)
            row = delta[key]
            row[column] = row.get(column, 0) + sign * amount
    return {key: {c: v for c, v in row.items() if v} for key, row in delta.items() if any(row.values())}


def _month(day: date) -> date:
    return day.replace(day=1)


def rollups(delta: Mapping[tuple[Any, ...], Mapping[str, int]]) -> tuple[Delta, Delta, Delta, Delta]:
    """The same changes keyed for `UnitDayCounter`, `UnitMonthCounter`, `UnitReceiptMonthCounter` and
    `UnitReceiptMonthDayCounter`."""
    tables: tuple[Delta, Delta, Delta, Delta] = (
        defaultdict(dict),
        defaultdict(dict),
        defaultdict(dict),
        defaultdict(dict),
    )
    for (unit_id, received_day, _procedure_id, day), row in delta.items():
        received_month = _month(received_day)
        keys = (
            (unit_id, received_day, day),
            (unit_id, received_day, _month(day)),
            (unit_id, received_month, _month(day)),
            (unit_id, received_month, day),
        )
        for target, key in zip(tables, keys, strict=True):
            for column, value in row.items():
                target[key][column] = target[key].get(column, 0) + value
    by_day, by_month, by_receipt_month, by_receipt_month_day = (
        {key: {c: v for c, v in row.items() if v} for key, row in table.items() if any(row.values())}
        for table in tables
    )
    return by_day, by_month, by_receipt_month, by_receipt_month_day


def _upsert(
    model: type[CounterColumns],
    key_fields: tuple[str, ...],
    delta: Mapping[tuple[Any, ...], Mapping[str, int]],
) -> None:
    """Add `delta` to `model`'s rows, then delete the rows that fell to zero.

    Rows that only grow: one INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.24 and PostgreSQL). Rows that lose
    something exist already (a dossier only takes back what it added): an UPDATE each, since the database
    checks a row's CHECK constraints (no negative sum) on the proposed insert before the conflict."""
    keys = sorted(delta)  # rows touched in one order: no deadlock between two consumers
    shrinking = [key for key in keys if any(value < 0 for value in delta[key].values())]
    growing = [key for key in keys if key not in set(shrinking)]
    manager = model._default_manager
    for key in shrinking:
        where = dict(zip(key_fields, key, strict=True))
        changes = {column: F(column) + value for column, value in delta[key].items()}
        if manager.filter(**where).update(**changes) != 1:
            raise RuntimeError(f"{model.__name__} {key}: no row to take {dict(delta[key])} from")
    if growing:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = [*key_fields, *L.COLUMNS]
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        params: list[Any] = []
        for key in growing:
            adapted = [
                connection.ops.adapt_datefield_value(part) if isinstance(part, date) else part for part in key
            ]
            params += [*adapted, *(delta[key].get(column, 0) for column in L.COLUMNS)]
        # Identifiers come from the model's metadata, never from input; every value is a parameter.
        sql = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608
            + ", ".join([placeholders] * len(growing))
            + f" ON CONFLICT ({', '.join(quote(c) for c in key_fields)}) DO UPDATE SET "
            + ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in L.COLUMNS)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    if shrinking:
        zero = dict.fromkeys(L.COLUMNS, 0)
        where_any = reduce(or_, (models.Q(**dict(zip(key_fields, key, strict=True))) for key in shrinking))
        manager.filter(where_any, **zero).delete()


def counters_add(delta: Mapping[tuple[Any, ...], Mapping[str, int]]) -> None:
    """Apply a contribution delta (`contribution_delta`) to the five counter tables."""
    by_day, by_month, by_receipt_month, by_receipt_month_day = rollups(delta)
    _upsert(ProcedureDayCounter, ProcedureDayCounter.KEY, delta)
    _upsert(UnitDayCounter, UnitDayCounter.KEY, by_day)
    _upsert(UnitMonthCounter, UnitMonthCounter.KEY, by_month)
    _upsert(UnitReceiptMonthCounter, UnitReceiptMonthCounter.KEY, by_receipt_month)
    _upsert(UnitReceiptMonthDayCounter, UnitReceiptMonthDayCounter.KEY, by_receipt_month_day)


COUNTER_MODELS: tuple[type[CounterColumns], ...] = (
    ProcedureDayCounter,
    UnitDayCounter,
    UnitMonthCounter,
    UnitReceiptMonthCounter,
    UnitReceiptMonthDayCounter,
)


def counter_rows(model: type[CounterColumns]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Every row of a counter table, {key: sums} (the comparison of `recompute` with the incremental run)."""
    key_fields = model.KEY
    return {
        tuple(row[: len(key_fields)]): tuple(row[len(key_fields) :])
        for row in model._default_manager.values_list(*key_fields, *L.COLUMNS)
    }


def all_counter_rows() -> dict[str, dict[tuple[Any, ...], tuple[int, ...]]]:
    return {model.__name__: counter_rows(model) for model in COUNTER_MODELS}


def fact_rows(dossier_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    rows = DossierFact.objects.order_by("dossier_id")
    if dossier_ids is not None:
        rows = rows.filter(dossier_id__in=list(dossier_ids))
    return {row["dossier_id"]: row for row in rows.values("dossier_id", *FACT_FIELDS)}
