"""The API's `Idempotency-Key` records (`motcua.dossiers.idempotency` writes and reads them).

Kept in the database, not in the cache, so that a retry finds the first answer whatever web worker serves
it, after a restart too; the unique constraint on (user, route, key) makes two concurrent duplicates
collide instead of both running.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` of one user on one route, and the first answer given to it.

    `status_code` is None while the first request is still running."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    # The method and the concrete path, e.g. "POST /api/v1/dossiers/<uuid>/receive".
    route = models.CharField(_("route"), max_length=255)
    key = models.CharField(_("idempotency key"), max_length=255)
    # SHA-256 of the canonical request (body, If-Match): another request with the same key is refused.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    # When the request that holds the key started (a stale claim can be taken over).
    started_at = models.DateTimeField(_("started at"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    # The JSON text as first sent, byte for byte (a jsonb column would reorder its keys).
    body = models.TextField(_("response body"), blank=True, default="")
    headers = models.JSONField(_("response headers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "route", "key"], name="idempotency_key_unique"),
            models.CheckConstraint(
                condition=models.Q(status_code__isnull=True)
                | models.Q(status_code__gte=100, status_code__lte=599),
                name="idempotency_status_code_valid",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.route} {self.key}"
