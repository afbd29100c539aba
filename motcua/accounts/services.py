"""Writes on accounts: sign-up, e-mail verification, password reset, staff, role grants, API tokens.

Every service takes keyword arguments, runs in one transaction, guards first, and leaves one audit record
per change (`motcua.core.audit`); the password hash never enters an audit record, nor does the personal
ID number (data minimisation: the audit says who signed up, the account holds the number).
"""

import logging
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts import emails
from motcua.accounts.links import (
    email_verification_tokens,
    password_reset_tokens,
    user_from_link_token,
)
from motcua.accounts.models import STAFF_ROLES, ApiToken, Role, RoleGrant, User
from motcua.accounts.permissions import APPLICANT_KINDS, GRANTABLE_KINDS, forget_grants
from motcua.accounts.validators import (
    normalize_personal_id,
    normalize_phone,
    normalize_tax_code,
    validate_personal_id,
    validate_phone,
    validate_tax_code,
)
from motcua.core.audit import audit_log, snapshot
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.organizations.models import Unit

logger = logging.getLogger(__name__)

USER_AUDIT_FIELDS = [
    "username",
    "kind",
    "full_name",
    "email",
    "phone",
    "tax_code",
    "representative",
    "is_active",
    "email_verified_at",
    "session_generation",
]
TOKEN_AUDIT_FIELDS = ["owner", "name", "prefix", "created_at", "expires_at", "revoked_at"]
TOKEN_MAX_DAYS = 366
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,149}$")

INVALID_FIELDS = _("Some fields are not valid; correct them and try again.")
REQUIRED = _("This field is required.")


# --- helpers ----------------------------------------------------------------------------------------------


def _check_fields(checks: Mapping[str, tuple[Callable[[Any], Any], Any]]) -> None:
    """Run each field's validator; raise one ApplicationError listing every field in error."""
    errors: dict[str, Any] = {}
    for name, (validator, value) in checks.items():
        try:
            validator(value)
        except ValidationError as error:
            errors[name] = " ".join(str(message) for message in error.messages)
    if errors:
        raise ApplicationError(INVALID_FIELDS, code="validation_error", status=422, fields=errors)


def _required(value: str) -> None:
    if not (value or "").strip():
        raise ValidationError(REQUIRED, code="required")


def _required_email(value: str) -> None:
    _required(value)
    try:
        validate_email(value)
    except ValidationError as error:
        raise ValidationError(
            _("Enter a valid e-mail address, for example ten.ban@example.vn."), code="invalid_email"
        ) from error


def _password_for(user: User) -> Callable[[str], None]:
    def check(password: str) -> None:
        _required(password)
        validate_password(password, user)

    return check


def _normalize_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip())


def _home_unit_id(user: User) -> int | None:
    """The unit whose audit chain records changes to the account: its first active grant's unit."""
    return (
        RoleGrant.objects.active()
        .filter(user=user)
        .order_by("granted_at", "pk")
        .values_list("unit_id", flat=True)
    ).first()


def _user_snapshot(user: User) -> dict[str, Any]:
    return snapshot(user, USER_AUDIT_FIELDS)


def _account_exists() -> Conflict:
    # Says that some account holds one of the identifiers, not which one nor whose.
    return Conflict(
        _(
            "An account already uses this identifier or e-mail address. Sign in, or reset your "
            "password if you have forgotten it."
        ),
        code="account_exists",
    )


def _create_applicant(user: User, password: str) -> User:
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as error:  # a concurrent sign-up took the identifier or the address
        raise _account_exists() from error
    audit_log(actor=user, action="sign_up", obj=user, before=None, after=_user_snapshot(user))
    emails.after_commit(emails.send_email_verification, user)
    logger.info("account_signed_up", extra={"user_id": user.pk, "kind": user.kind})
    return user


# --- self sign-up -----------------------------------------------------------------------------------------


@transaction.atomic
def citizen_sign_up(*, personal_id: str, full_name: str, email: str, phone: str, password: str) -> User:
    """Open a citizen's account; it signs in once the e-mail address is verified."""
    personal_id = normalize_personal_id(personal_id)
    email, phone, full_name = _normalize_email(email), normalize_phone(phone), (full_name or "").strip()
    user = User(
        username=f"c-{secrets.token_hex(6)}",
        kind=User.Kind.CITIZEN,
        personal_id=personal_id,
        full_name=full_name,
        email=email,
        phone=phone,
    )
    _check_fields(
        {
            "personal_id": (validate_personal_id, personal_id),
            "full_name": (_required, full_name),
            "email": (_required_email, email),
            "phone": (validate_phone, phone),
            "password": (_password_for(user), password),
        }
    )
    if User.objects.filter(Q(personal_id=personal_id) | Q(email__iexact=email)).exists():
        raise _account_exists()
    return _create_applicant(user, password)


@transaction.atomic
def organization_sign_up(
    *, tax_code: str, name: str, email: str, phone: str, password: str, representative: str
) -> User:
    """Open an organisation's account (signs in with its tax code or e-mail address once verified)."""
    tax_code = normalize_tax_code(tax_code)
    email, phone = _normalize_email(email), normalize_phone(phone)
    name, representative = (name or "").strip(), (representative or "").strip()
    user = User(
        username=tax_code,
        kind=User.Kind.ORGANIZATION,
        tax_code=tax_code,
        full_name=name,
        representative=representative,
        email=email,
        phone=phone,
    )
    _check_fields(
        {
            "tax_code": (validate_tax_code, tax_code),
            "name": (_required, name),
            "representative": (_required, representative),
            "email": (_required_email, email),
            "phone": (validate_phone, phone),
            "password": (_password_for(user), password),
        }
    )
    taken = Q(tax_code=tax_code) | Q(username__iexact=tax_code) | Q(email__iexact=email)
    if User.objects.filter(taken).exists():
        raise _account_exists()
    return _create_applicant(user, password)


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the e-mail address verified; the link works once and only for the address it was sent to."""
    user = user_from_link_token(token, email_verification_tokens)
    if user is None:
        raise ApplicationError(
            _("This confirmation link is not valid or has expired. Ask for a new one below."),
            code="invalid_token",
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _user_snapshot(user)
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    audit_log(actor=user, action="verify_email", obj=user, before=before, after=_user_snapshot(user))
    return user


@transaction.atomic
def email_verification_resend(*, email: str) -> None:
    """Send a new confirmation link if an unverified self-registered account uses `email`.

    Says nothing either way, so that the form cannot tell who has an account.
    """
    user = (
        User.objects.filter(
            email__iexact=_normalize_email(email),
            is_active=True,
            email_verified_at__isnull=True,
            kind__in=APPLICANT_KINDS,
        )
        .order_by("pk")
        .first()
    )
    if user is not None:
        emails.after_commit(emails.send_email_verification, user)


# --- password reset ---------------------------------------------------------------------------------------


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """E-mail a reset link to the active account using `email`, if any; says nothing either way."""
    user = User.objects.filter(email__iexact=_normalize_email(email), is_active=True).order_by("pk").first()
    if user is not None and user.email:
        emails.after_commit(emails.send_password_reset, user)
        logger.info("password_reset_requested", extra={"user_id": user.pk})


@transaction.atomic
def password_reset_confirm(*, token: str, password: str) -> User:
    """Set a new password through a reset link; every other session of the account ends with it."""
    user = user_from_link_token(token, password_reset_tokens)
    if user is None:
        raise ApplicationError(
            _("This password reset link is not valid, has expired or was already used. Ask for a new one."),
            code="invalid_token",
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_fields({"password": (_password_for(user), password)})
    before = _user_snapshot(user)
    user.set_password(password)
    fields = ["password"]
    if user.email_verified_at is None:  # the link reached the mailbox: the address is proven
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    audit_log(
        actor=user,
        action="reset_password",
        obj=user,
        before=before,
        after=_user_snapshot(user),
        unit=_home_unit_id(user),
    )
    return user


# --- staff and roles --------------------------------------------------------------------------------------


def _require_grant_permission(actor: Any, unit: Unit) -> None:
    if not actor.has_perm("accounts.grant_role", unit):
        raise PermissionDenied(
            _("You can manage staff and roles only in the units you administer and the units below them.")
        )


def _check_roles(roles: Iterable[str], field: str = "roles") -> list[str]:
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise ApplicationError(
            INVALID_FIELDS,
            code="validation_error",
            status=422,
            fields={field: _("Choose at least one role.")},
        )
    if any(role not in STAFF_ROLES for role in roles):
        raise ApplicationError(
            INVALID_FIELDS,
            code="validation_error",
            status=422,
            fields={field: _("Choose staff roles only; citizens and organisations hold no granted role.")},
        )
    return roles


def _validate_username(value: str) -> None:
    if not _USERNAME.match(value):
        raise ValidationError(
            _(
                "Use 3 to 150 lower-case letters without accents, digits, dots, hyphens or underscores, "
                "starting with a letter or a digit (for example nguyen.van.an)."
            ),
            code="username_format",
        )


def _grant(*, actor: Any, user: User, role: str, unit: Unit) -> RoleGrant:
    if RoleGrant.objects.active().filter(user=user, role=role, unit=unit).exists():
        raise Conflict(_("This person already holds this role on this unit."), code="grant_exists")
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=role, unit=unit, granted_by=actor)
    except IntegrityError as error:  # a concurrent identical grant
        raise Conflict(_("This person already holds this role on this unit."), code="grant_exists") from error
    audit_log(actor=actor, action="grant", obj=grant, before=None, after=snapshot(grant), unit=unit)
    forget_grants(user)
    return grant


@transaction.atomic
def staff_create(
    *, actor: Any, username: str, full_name: str, email: str, unit: Unit, roles: Iterable[str]
) -> User:
    """Create a staff (or integration) account with its roles on `unit`; e-mail a set-password link.

    An account holding only the `integrator` role is an integration account (another system's client).
    """
    _require_grant_permission(actor, unit)
    username, full_name, email = (
        (username or "").strip().lower(),
        (full_name or "").strip(),
        _normalize_email(email),
    )
    _check_fields(
        {
            "username": (_validate_username, username),
            "full_name": (_required, full_name),
            "email": (_required_email, email),
        }
    )
    roles = _check_roles(roles)
    taken: dict[str, Any] = {}
    if User.objects.filter(username__iexact=username).exists():
        taken["username"] = _("This username is already taken; choose another.")
    if User.objects.filter(email__iexact=email).exists():
        taken["email"] = _("Another account already uses this e-mail address.")
    if taken:
        raise Conflict(INVALID_FIELDS, code="account_exists", fields=taken)
    kind = User.Kind.INTEGRATOR if roles == [Role.INTEGRATOR] else User.Kind.STAFF
    user = User(username=username, full_name=full_name, email=email, kind=kind)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as error:
        raise Conflict(
            INVALID_FIELDS,
            code="account_exists",
            fields={"username": _("This username is already taken; choose another.")},
        ) from error
    audit_log(actor=actor, action="create", obj=user, before=None, after=_user_snapshot(user), unit=unit)
    for role in roles:
        _grant(actor=actor, user=user, role=role, unit=unit)
    if kind == User.Kind.STAFF:
        emails.after_commit(emails.send_staff_welcome, user)
    return user


@transaction.atomic
def staff_deactivate(*, actor: Any, user: User) -> User:
    """Deactivate a staff account when the officer leaves: sign-in refused, sessions ended, API tokens
    revoked. The account and its grants stay, for the history of what the officer did."""
    target = User.objects.select_for_update().get(pk=user.pk)
    if actor.pk == target.pk:
        raise ApplicationError(
            _("You cannot deactivate your own account; ask another administrator."), code="self_deactivation"
        )
    if not actor.has_perm("accounts.manage_user", target):
        raise PermissionDenied(_("You can deactivate only staff accounts of the units you administer."))
    if not target.is_active:
        raise Conflict(_("This account is already deactivated."), code="already_deactivated")
    before = _user_snapshot(target)
    target.is_active = False
    target.session_generation += 1
    target.save(update_fields=["is_active", "session_generation"])
    unit_id = _home_unit_id(target)
    audit_log(
        actor=actor,
        action="deactivate",
        obj=target,
        before=before,
        after=_user_snapshot(target),
        unit=unit_id,
    )
    now = timezone.now()
    for token in ApiToken.objects.select_for_update().filter(owner=target, revoked_at__isnull=True):
        token_before = snapshot(token, TOKEN_AUDIT_FIELDS)
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_log(
            actor=actor,
            action="revoke",
            obj=token,
            before=token_before,
            after=snapshot(token, TOKEN_AUDIT_FIELDS),
            unit=unit_id,
        )
    forget_grants(user, target)
    logger.info("staff_deactivated", extra={"user_id": target.pk, "actor_id": actor.pk})
    return target


@transaction.atomic
def role_grant(*, actor: Any, user: User, role: str, unit: Unit) -> RoleGrant:
    """Grant `role` on `unit` (and so on its subtree) to a staff or integration account."""
    _require_grant_permission(actor, unit)
    _check_roles([role], field="role")
    target = User.objects.select_for_update().get(pk=user.pk)
    if target.kind not in GRANTABLE_KINDS or not target.is_active:
        raise ApplicationError(
            _("Roles can be granted only to active staff and integration accounts."), code="not_grantable"
        )
    grant = _grant(actor=actor, user=target, role=role, unit=unit)
    forget_grants(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> RoleGrant:
    """End a grant (kept, with who ended it and when)."""
    locked = RoleGrant.objects.select_for_update(of=("self",)).select_related("unit", "user").get(pk=grant.pk)
    if not actor.has_perm("accounts.revoke_grant", locked):
        raise PermissionDenied(
            _("You can manage staff and roles only in the units you administer and the units below them.")
        )
    if locked.revoked_at is not None:
        raise Conflict(_("This role was already revoked."), code="already_revoked")
    before = snapshot(locked)
    locked.revoked_at, locked.revoked_by = timezone.now(), actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_log(
        actor=actor, action="revoke", obj=locked, before=before, after=snapshot(locked), unit=locked.unit
    )
    forget_grants(locked.user, actor if actor.pk == locked.user_id else None)
    return locked


# --- API tokens -------------------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, actor: Any, owner: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a bearer token for `owner`; returns it with its secret, which is never shown again."""
    if not actor.has_perm("accounts.manage_tokens_of", owner):
        raise PermissionDenied(_("You can create API tokens only for yourself or the accounts you manage."))
    if not owner.is_active:
        raise ApplicationError(
            _("This account is deactivated; it cannot have API tokens."), code="inactive_owner"
        )
    name = (name or "").strip()
    days = cast(int, settings.MOTCUA["API_TOKEN_DEFAULT_DAYS"]) if days is None else days
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = REQUIRED
    elif len(name) > 100:
        errors["name"] = _("Use at most 100 characters.")
    if not 1 <= days <= TOKEN_MAX_DAYS:
        errors["days"] = _("A token lasts from 1 to 366 days.")
    if errors:
        raise ApplicationError(INVALID_FIELDS, code="validation_error", status=422, fields=errors)
    now = timezone.now()
    for _attempt in range(3):
        prefix = secrets.token_hex(4)
        secret = f"mc_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    owner=owner,
                    name=name,
                    prefix=prefix,
                    key_hash=ApiToken.hash_token(secret),
                    created_at=now,
                    created_by=actor,
                    expires_at=now + timedelta(days=days),
                )
            break
        except IntegrityError:  # prefix collision (1 in 4 billion): draw again
            continue
    else:
        raise RuntimeError("could not draw a unique API token prefix")
    audit_log(
        actor=actor,
        action="create",
        obj=token,
        before=None,
        after=snapshot(token, TOKEN_AUDIT_FIELDS),
        unit=_home_unit_id(owner),
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    locked = ApiToken.objects.select_for_update(of=("self",)).select_related("owner").get(pk=token.pk)
    if not actor.has_perm("accounts.manage_tokens_of", locked.owner):
        raise PermissionDenied(_("You can revoke API tokens only of yourself or the accounts you manage."))
    if locked.revoked_at is not None:
        raise Conflict(_("This token was already revoked."), code="already_revoked")
    before = snapshot(locked, TOKEN_AUDIT_FIELDS)
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_log(
        actor=actor,
        action="revoke",
        obj=locked,
        before=before,
        after=snapshot(locked, TOKEN_AUDIT_FIELDS),
        unit=_home_unit_id(locked.owner),
    )
    return locked
