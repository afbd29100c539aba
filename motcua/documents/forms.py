from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyUploadForm(forms.Form):
    """A copy of the document the visitor holds, to check against the issued one."""

    file = forms.FileField(label=_("Your copy of the document (PDF)"))
