"""Forms of the citizen portal: their fields and messages; the rules stay in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier
from motcua.web.portal.selectors import ReceivingChoice


def return_methods(version: ProcedureVersion) -> list[tuple[str, str]]:
    """The ways of return the procedure offers, as choices."""
    offered = [
        (Dossier.ReturnMethod.ELECTRONIC, version.return_electronically),
        (Dossier.ReturnMethod.COUNTER, version.return_at_counter),
        (Dossier.ReturnMethod.POST, version.return_by_post),
    ]
    return [(str(method.value), str(method.label)) for method, ok in offered if ok]


class PlaceForm(forms.Form):
    """Where the online dossier is received, and how its result comes back."""

    receiving_unit = forms.TypedChoiceField(
        label=_("Where your dossier is received"),
        coerce=int,
        error_messages={"required": _("Choose where your dossier is received.")},
    )
    return_method = forms.ChoiceField(
        label=_("How you receive the result"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you receive the result.")},
    )

    def __init__(
        self, *args: Any, choices: list[ReceivingChoice], version: ProcedureVersion, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "place")
        super().__init__(*args, **kwargs)
        unit_field = self.fields["receiving_unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [("", _("Choose…")), *((c.unit.pk, c.unit.name) for c in choices)]
        method_field = self.fields["return_method"]
        assert isinstance(method_field, forms.ChoiceField)
        method_field.choices = return_methods(version)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you withdraw the dossier"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you withdraw the dossier.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=64,
        help_text=_("As printed on your receipt (Form 01), for example H15.50.05.13-261207-0001."),
        error_messages={"required": _("Give the dossier code printed on your receipt.")},
    )
    secret = forms.CharField(
        label=_("Lookup secret"),
        min_length=6,
        max_length=6,
        help_text=_("The 6 characters printed on your receipt next to the code."),
        error_messages={
            "required": _("Give the 6-character secret printed on your receipt."),
            "min_length": _("The secret has exactly 6 characters."),
            "max_length": _("The secret has exactly 6 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
