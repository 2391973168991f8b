from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import VisitPurpose


class VisitForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose of this visit"), choices=VisitPurpose.choices,
                                widget=forms.RadioSelect)
    detail = forms.CharField(label=_("Details"), max_length=200, required=False,
                             help_text=_("Who asks, case number, business being handled."))
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class CopyForm(forms.Form):
    pages = forms.TypedMultipleChoiceField(label=_("Pages to copy"), coerce=int,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pages"].choices = [(n, str(n)) for n in numbers]
        self.fields["pages"].initial = numbers
