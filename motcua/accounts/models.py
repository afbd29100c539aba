"""Users (citizens, organisations, staff), roles granted on a unit subtree, API tokens."""

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from motcua.accounts.validators import validate_personal_id, validate_phone, validate_tax_code

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: "User | AnonymousUser") -> "UserQuerySet":
        """Accounts `user` may see: staff administrators see the staff granted in their subtree, everyone
        sees themselves, superusers see all. See `motcua.accounts.scoping.users_visible_to`."""
        from motcua.accounts.scoping import users_visible_to  # noqa: PLC0415 (scoping imports models)

        return users_visible_to(self, user)


class MotcuaUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """Every person or system that signs in: citizen, organisation, staff, integrator."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ORGANIZATION = "organization", _("Organisation")
        STAFF = "staff", _("Staff")
        INTEGRATOR = "integrator", _("Integrated system")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    # Personal ID number (số định danh cá nhân, CCCD): 12 digits. Never logged (ND 13/2023).
    personal_id = models.CharField(
        _("personal ID number"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_personal_id],
    )
    # Organisations: tax code (mã số thuế), 10 digits or 10 + "-" + 3 for branches.
    tax_code = models.CharField(
        _("tax code"), max_length=14, null=True, blank=True, unique=True, validators=[validate_tax_code]
    )
    # Organisations: the legal representative (người đại diện theo pháp luật) named at sign-up.
    representative = models.CharField(_("legal representative"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=500, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    # Part of the session hash: raising it ends every session of the account at its next request.
    session_generation = models.PositiveIntegerField(_("session generation"), default=0, editable=False)

    objects: ClassVar[MotcuaUserManager] = MotcuaUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # The backend signs people in by e-mail address too: one account per address.
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def _get_session_auth_hash(self, secret: Any = None) -> str:
        # Django keeps a session only while this hash matches the one stored at sign-in; adding the
        # generation lets `staff_deactivate` end every session without tracking session keys.
        return salted_hmac(
            "motcua.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    CATALOG_EDITOR = "catalog_editor", _("Catalogue editor")
    ADMIN = "admin", _("Administrator")
    INTEGRATOR = "integrator", _("Integrator")


STAFF_ROLES = frozenset(Role) - {Role.CITIZEN}


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self) -> "RoleGrantQuerySet":
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    """A staff role on a unit; it covers the unit's whole subtree. Revoked, never deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="grants", verbose_name=_("unit")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_grant_per_user_role_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API. The secret is shown once; only its SHA-256 hash is stored.

    The token reads `mc_<prefix>_<secret>`: the prefix finds the row, the hash of the whole token proves
    it. A plain SHA-256 suffices because the secret is 256 random bits, not a password a person chose.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (mc_{self.prefix}_…)"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_usable(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at
