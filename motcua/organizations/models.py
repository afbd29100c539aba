"""Organisation units: the tree of agencies after the 2025 two-tier reform (LEGAL.md §9)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# Each level of the materialised path is the unit's primary key written with this many digits.
# Digits only, so that the subtree range query orders the same under every database collation
# (docs/adr/0004-unit-tree.md).
PATH_STEP = 8
PATH_MAX_LENGTH = 255
# The deepest tree the path column can hold (31 levels; real trees have fewer than 8).
MAX_DEPTH = PATH_MAX_LENGTH // PATH_STEP - 1
# The largest primary key one path segment can hold.
MAX_UNIT_ID = 10**PATH_STEP - 1
# Paths of rows being written start with this character until their final path is known.
PLACEHOLDER_PREFIX = "~"

# NQ 203/2025/QH15, Law 72/2025/QH15: two-tier local government from 1 July 2025; the district level exists
# only in data from before that day (LEGAL.md §9).
TWO_TIER_REFORM_DATE = datetime.date(2025, 7, 1)


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree_of(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and every unit below it: one indexed range scan on `path`, on both databases."""
        return self.filter(path__gte=unit.path, path__lt=path_upper_bound(unit.path))

    def ancestors_of(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and every unit above it, root first."""
        return self.filter(path__in=path_prefixes(unit.path)).order_by("depth")


def path_segment(unit_id: int) -> str:
    """One level of a path: the primary key, zero-padded to PATH_STEP digits."""
    if not 0 < unit_id <= MAX_UNIT_ID:
        raise ValueError(f"unit id {unit_id} does not fit in a {PATH_STEP}-digit path segment")
    return f"{unit_id:0{PATH_STEP}d}"


def path_prefixes(path: str) -> list[str]:
    """The paths of the unit and of its ancestors, root first."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def path_upper_bound(path: str) -> str:
    """The smallest digit string above `path` and every descendant path: the exclusive end of the subtree.

    Normally the last segment plus one (…00000009 → …00000010). A last segment of 99999999 cannot grow
    without spilling into the parent's segment (…0001|99999999 + 1 = …0002|00000000, which would let the
    next root sort inside the range), so it is followed by nines longer than any stored path instead.
    """
    head, last = path[:-PATH_STEP], int(path[-PATH_STEP:])
    if last < MAX_UNIT_ID:
        return f"{head}{last + 1:0{PATH_STEP}d}"
    return path + "9" * (PATH_MAX_LENGTH + 1 - len(path))


class Unit(models.Model):
    """An agency or unit (cơ quan, đơn vị): people's committee, department, public-service centre…"""

    class Level(models.TextChoices):
        CENTRAL = "central", _("Central")
        PROVINCE = "province", _("Province")
        # Kept only for data before 1 July 2025 (NQ 203/2025/QH15 abolished the district tier).
        DISTRICT = "district", _("District (before 1 July 2025)")
        COMMUNE = "commune", _("Commune")

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("People's committee")
        DEPARTMENT = "department", _("Department")
        VERTICAL_AGENCY = "vertical_agency", _("Vertical agency")
        SERVICE_CENTER = "service_center", _("Public administrative service centre")
        RECEPTION_POINT = "reception_point", _("Reception point")
        OTHER = "other", _("Other")

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(_("tree path"), max_length=PATH_MAX_LENGTH, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)
    # The key other systems and import files know the unit by; stable across exports and moves.
    external_key = models.CharField(
        _("external key"),
        max_length=64,
        unique=True,
        help_text=_("The key import and export files use for this unit."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    # Name and short name folded to lower case without diacritics, so that "phu tho" finds "Phú Thọ".
    search_text = models.CharField(_("search text"), max_length=400, blank=True, editable=False)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        verbose_name=_("replaced by"),
        help_text=_("The unit that took over after a merger."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="unit_not_its_own_parent"
            ),
            models.CheckConstraint(
                condition=~models.Q(replaced_by=models.F("pk")), name="unit_not_replaced_by_itself"
            ),
            models.CheckConstraint(condition=~models.Q(external_key=""), name="unit_external_key_not_empty"),
        ]
        indexes = [models.Index(fields=["parent", "path"], name="unit_parent_path")]

    def __str__(self) -> str:
        return self.name


class AgencyCode(models.Model):
    """An agency electronic identifier (mã định danh điện tử, QĐ 20/2020/QĐ-TTg) with its validity.

    Codes were re-issued after the 2025 mergers, so a unit may hold several over time; the dossier code
    uses the one valid on the receipt date (LEGAL.md §2). Both ends of the validity are inclusive days.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="codes", verbose_name=_("unit"))
    # QĐ 20/2020/QĐ-TTg Art 4: at most 35 characters (LEGAL.md §2).
    code = models.CharField(_("code"), max_length=35)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )

    class Meta:
        verbose_name = _("agency code")
        verbose_name_plural = _("agency codes")
        ordering = ["unit", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="agency_code_unique_start"),
            models.UniqueConstraint(fields=["unit", "valid_from"], name="agency_code_one_start_per_unit"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="agency_code_dates_in_order",
            ),
            # A unit holds at most one open-ended code, and an open-ended code belongs to one unit.
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(valid_to__isnull=True),
                name="agency_code_one_open_per_unit",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(valid_to__isnull=True), name="agency_code_open_once"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class UnitImport(models.Model):
    """One import of a units file: what came in and from which file. Its audit record says who and when."""

    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    units_created = models.PositiveIntegerField(_("units created"))
    codes_created = models.PositiveIntegerField(_("codes created"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit import")
        verbose_name_plural = _("unit imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.file_name
