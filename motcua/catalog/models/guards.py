"""Immutability of published versions, enforced by the ORM here and by database triggers
(migration `catalog.0002_immutability_triggers`; docs/adr/0006-catalog-versions.md).

A published version and every row that belongs to it (components, fees, process, e-forms…) refuse every
change through the ORM: `save()`, `delete()`, `QuerySet.update()`, `QuerySet.delete()` and
`bulk_create()` raise `ImmutableVersion`. These checks are not business rules but the integrity
guarantee the whole catalogue rests on (running dossiers point at a version), so they live on the models,
with the database refusing the same writes underneath for anything that bypasses the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import Conflict

if TYPE_CHECKING:
    from motcua.catalog.models.procedures import ProcedureVersion  # noqa: F401 (string annotation below)

PUBLISHED = "published"


class ImmutableVersion(Conflict):
    """An attempt to change or delete a published procedure version or anything belonging to it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "A published version of a procedure cannot be changed or deleted; "
                "start a new draft and publish it instead."
            ),
            code="version_immutable",
        )


def published_version_ids(version_ids: Iterable[int | None]) -> set[int]:
    from motcua.catalog.models.procedures import ProcedureVersion  # noqa: PLC0415 (circular)

    ids = {pk for pk in version_ids if pk is not None}
    if not ids:
        return set()
    return set(ProcedureVersion.objects.filter(pk__in=ids, status=PUBLISHED).values_list("pk", flat=True))


class VersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(status=PUBLISHED).exists():
            raise ImmutableVersion
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status=PUBLISHED).exists():
            raise ImmutableVersion
        return super().delete()

    def published(self) -> VersionQuerySet:
        return self.filter(status=PUBLISHED)


class VersionChildQuerySet(models.QuerySet[Any]):
    def _refuse_if_published(self) -> None:
        if self.filter(version__status=PUBLISHED).exists():
            raise ImmutableVersion

    def update(self, **kwargs: Any) -> int:
        self._refuse_if_published()
        if "version" in kwargs or "version_id" in kwargs:
            target = kwargs.get("version_id", getattr(kwargs.get("version"), "pk", None))
            if published_version_ids([target]):
                raise ImmutableVersion
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_if_published()
        return super().delete()

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        if published_version_ids(obj.version_id for obj in objs):
            raise ImmutableVersion
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[Any], fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        if published_version_ids(obj.version_id for obj in objs) or published_version_ids(
            self.filter(pk__in=[obj.pk for obj in objs]).values_list("version_id", flat=True)
        ):
            raise ImmutableVersion
        return super().bulk_update(objs, fields, *args, **kwargs)


class VersionChild(models.Model):
    """A row that belongs to one procedure version, in a fixed order (`position`, from 1). Each concrete
    model declares its own `version` foreign key (with its own related name)."""

    version_id: int
    position = models.PositiveSmallIntegerField(_("position"))

    objects = VersionChildQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["version", "position"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self) -> None:
        stored = None
        if self.pk is not None and not self._state.adding:
            manager: Any = type(self)._base_manager
            stored = manager.filter(pk=self.pk).values_list("version_id", flat=True).first()
        if published_version_ids([self.version_id, stored]):
            raise ImmutableVersion
