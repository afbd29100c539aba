from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.worktime.models import CalendarException


class CalendarExceptionForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarException.Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=CalendarException.Category.choices)
    reason = forms.CharField(label=_("Reason"), max_length=255)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=500)
    basis_confirmed = forms.BooleanField(label=_("Legal basis confirmed"), required=False, initial=True)
