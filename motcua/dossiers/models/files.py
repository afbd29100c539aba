"""Stored files: content-addressed by SHA-256 (`motcua.dossiers.storage` writes and reads them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """One stored content, whatever its names: uploading the same bytes twice gives the same row."""

    class Backend(models.TextChoices):
        LOCAL = "local", _("Local file system")

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    # Sniffed from the content, not taken from the client.
    content_type = models.CharField(_("content type"), max_length=100)
    backend = models.CharField(_("storage"), max_length=16, choices=Backend.choices, default=Backend.LOCAL)
    # Where the backend keeps it, e.g. "files/ab/cd/abcd…" under MEDIA_ROOT.
    name = models.CharField(_("storage name"), max_length=255)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="stored_file_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} {self.content_type} {self.size}"
