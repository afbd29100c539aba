"""Accounts pages: sign-up, e-mail confirmation, password reset, and staff management for administrators.

Thin: each view validates its form, calls one service and renders; a service's ApplicationError is shown
on the form (next to its field when it names one) and the form keeps what was typed.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts import selectors, services
from motcua.accounts.forms import (
    CitizenSignUpForm,
    EmailForm,
    GrantForm,
    LoginForm,
    OrganizationSignUpForm,
    SetPasswordForm,
    StaffCreateForm,
    add_service_error,
)
from motcua.accounts.links import password_reset_tokens, user_from_link_token
from motcua.accounts.models import RoleGrant, User
from motcua.accounts.throttling import (
    EmailLinksThrottled,
    SignUpThrottled,
    email_link_attempt,
    sign_up_attempt,
)
from motcua.core.errors import ApplicationError, NotFound

PASSWORD_FIELDS = {"password": "password1"}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "error_code", "") == "throttled":
            response.status_code = 429
        return response


# --- self sign-up -----------------------------------------------------------------------------------------


def _sign_up(request: HttpRequest, form_class: type, kind: str, sign_up: Any) -> HttpResponse:
    form = form_class(request.POST or None)
    if request.method == "POST":
        try:
            sign_up_attempt(request)  # every attempt counts, per client address (pages and API together)
        except SignUpThrottled as throttled:
            form.is_valid()  # the form keeps what was typed
            form.add_error(None, throttled.message)
            return render(request, "accounts/sign_up.html", {"form": form, "kind": kind}, status=429)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "password2"}
        data["password"] = data.pop("password1")
        try:
            sign_up(**data)
        except ApplicationError as error:
            add_service_error(form, error, PASSWORD_FIELDS)
        else:
            return redirect("accounts:sign_up_done")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_up.html", {"form": form, "kind": kind}, status=status)


def sign_up(request: HttpRequest) -> HttpResponse:
    return _sign_up(request, CitizenSignUpForm, "citizen", services.citizen_sign_up)


def sign_up_organization(request: HttpRequest) -> HttpResponse:
    return _sign_up(request, OrganizationSignUpForm, "organization", services.organization_sign_up)


def sign_up_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sign_up_done.html")


# --- e-mail confirmation ----------------------------------------------------------------------------------


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.email_verify(token=token)
    except ApplicationError as error:
        return render(
            request, "accounts/verify_email.html", {"error": error.message, "form": EmailForm()}, status=400
        )
    return render(request, "accounts/verify_email.html", {"error": None})


def _email_link_throttled(request: HttpRequest, form: Any, template: str) -> HttpResponse | None:
    """The page again with the throttle's message (429) when this address asked for too many links."""
    if request.method != "POST":
        return None
    try:
        email_link_attempt(request)
    except EmailLinksThrottled as throttled:
        form.is_valid()  # the form keeps what was typed
        form.add_error(None, throttled.message)
        return render(request, template, {"form": form}, status=429)
    return None


def verify_email_resend(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if throttled := _email_link_throttled(request, form, "accounts/verify_email_resend.html"):
        return throttled
    if request.method == "POST" and form.is_valid():
        services.email_verification_resend(email=form.cleaned_data["email"])
        return redirect("accounts:sign_up_done")
    return render(request, "accounts/verify_email_resend.html", {"form": form})


# --- password reset ---------------------------------------------------------------------------------------


def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if throttled := _email_link_throttled(request, form, "accounts/password_reset.html"):
        return throttled
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")


def password_reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if user_from_link_token(token, password_reset_tokens) is None:
        return render(request, "accounts/password_reset_confirm.html", {"valid_link": False}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_confirm(token=token, password=form.cleaned_data["password1"])
        except ApplicationError as error:
            add_service_error(form, error, PASSWORD_FIELDS)
        else:
            return redirect("accounts:password_reset_complete")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/password_reset_confirm.html", {"valid_link": True, "form": form}, status=status
    )


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")


# --- staff management -------------------------------------------------------------------------------------


def _require_staff_manager(request: HttpRequest) -> Any:
    if not request.user.has_perm("accounts.manage_staff"):
        raise PermissionDenied
    return request.user


def _visible_user(actor: Any, user_id: int) -> User:
    try:
        return selectors.user_get_for(actor=actor, user_id=user_id)
    except NotFound as error:
        raise Http404 from error


def _visible_grant(actor: Any, grant_id: int) -> RoleGrant:
    try:
        return selectors.grant_get_for(actor=actor, grant_id=grant_id)
    except NotFound as error:
        raise Http404 from error


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    actor = _require_staff_manager(request)
    form = StaffCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_create(actor=actor, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The account of %(name)s was created.") % {"name": user.full_name})
            return redirect("accounts:staff_detail", user_id=user.pk)
    context = {"users": selectors.users_for(actor=actor), "form": form}
    return render(request, "accounts/staff_list.html", context, status=400 if form.errors else 200)


def _staff_detail_page(
    request: HttpRequest, user_id: int, grant_form: GrantForm | None = None, status: int = 200
) -> HttpResponse:
    actor = _require_staff_manager(request)
    user = _visible_user(actor, user_id)
    context = {
        "person": user,
        "grants": selectors.grants_of(user=user),
        "grant_form": grant_form or GrantForm(actor=actor),
        "can_manage": actor.has_perm("accounts.manage_user", user) and actor.pk != user.pk,
    }
    return render(request, "accounts/staff_detail.html", context, status=status)


@login_required
def staff_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    return _staff_detail_page(request, user_id)


@login_required
@require_POST
def staff_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _require_staff_manager(request)
    user = _visible_user(actor, user_id)
    form = GrantForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            services.role_grant(actor=actor, user=user, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The role was granted."))
            return redirect("accounts:staff_detail", user_id=user.pk)
    return _staff_detail_page(request, user_id, grant_form=form, status=400)


@login_required
@require_POST
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    actor = _require_staff_manager(request)
    grant = _visible_grant(actor, grant_id)
    try:
        services.role_revoke(actor=actor, grant=grant)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The role was revoked."))
    return redirect("accounts:staff_detail", user_id=grant.user_id)


@login_required
@require_POST
def staff_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _require_staff_manager(request)
    user = _visible_user(actor, user_id)
    try:
        services.staff_deactivate(actor=actor, user=user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The account was deactivated; its sessions and API tokens have ended."))
    return redirect("accounts:staff_detail", user_id=user.pk)
