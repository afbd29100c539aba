"""Forms of the accounts pages. They collect input; the services hold the rules and their messages."""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.accounts import selectors
from motcua.accounts.models import STAFF_ROLES, Role
from motcua.accounts.throttling import login_attempt
from motcua.core.errors import ApplicationError
from motcua.organizations.models import Unit

STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in STAFF_ROLES]


def add_service_error(
    form: forms.Form, error: ApplicationError, field_map: Mapping[str, str] | None = None
) -> None:
    """Show a service's error on the form: each field's message next to it, the rest at the top."""
    field_map = field_map or {}
    placed = False
    for name, message in error.fields.items():
        target = field_map.get(name, name)
        if target in form.fields:
            form.add_error(target, str(message))
            placed = True
    if not placed or not error.fields:
        form.add_error(None, str(error.message))


class ThrottledLoginMixin:
    """`clean` of an AuthenticationForm through `login_attempt`: throttled, hashed in the logs."""

    request: Any
    cleaned_data: dict[str, Any]
    user_cache: Any
    confirm_login_allowed: Callable[[Any], None]  # from the Django form it is mixed into
    error_code = ""

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier and password:
            assert self.request is not None  # the login views always pass the request
            try:
                self.user_cache = login_attempt(
                    request=self.request, identifier=identifier, password=password
                )
            except ApplicationError as error:
                self.error_code = error.code
                raise ValidationError(str(error.message), code=error.code) from error
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Sign in with a username, an e-mail address or a personal ID number; throttled (see throttling)."""

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username, e-mail or personal ID number")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = _("Password")


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's sign-in, under the same throttle (it would otherwise be a way around it)."""


class _PasswordPairForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password, not like your name."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same; type them again."))
        return cleaned


class CitizenSignUpForm(_PasswordPairForm):
    field_order = ["personal_id", "full_name", "email", "phone", "password1", "password2"]
    personal_id = forms.CharField(
        label=_("Personal ID number"),
        max_length=20,
        help_text=_("The 12 digits on your citizen ID card (căn cước)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a link to this address to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class OrganizationSignUpForm(_PasswordPairForm):
    field_order = ["tax_code", "name", "representative", "email", "phone", "password1", "password2"]
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=20,
        help_text=_("10 digits, or 10 digits, a hyphen and 3 digits for a branch (e.g. 0100233488-001)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name of the organisation"), max_length=255)
    representative = forms.CharField(label=_("Legal representative"), max_length=255)
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a link to this address to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class SetPasswordForm(_PasswordPairForm):
    pass


class StaffCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Lower-case letters without accents, digits, dots, hyphens (e.g. nguyen.van.an)."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=255)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The officer receives a link at this address to choose a password."),
    )
    unit: "forms.ModelChoiceField[Unit]" = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none()
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=STAFF_ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.administered_units(actor=actor)  # type: ignore[attr-defined]


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    unit: "forms.ModelChoiceField[Unit]" = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none()
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.administered_units(actor=actor)  # type: ignore[attr-defined]
