"""Admin forms that need fields beyond their model's (a stage's first retention)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import RetentionPeriod, Stage, StageRetention


class _RetentionChoice(forms.Form):
    retention = forms.ModelChoiceField(queryset=RetentionPeriod.objects.all(),
                                       label=_("retention"))
    effective_from = forms.DateField(label=_("effective from"))
    basis = forms.CharField(label=_("basis"), max_length=300, required=False)


class StageCreateForm(WagtailAdminModelForm):
    retention = _RetentionChoice.base_fields["retention"]
    effective_from = _RetentionChoice.base_fields["effective_from"]
    basis = _RetentionChoice.base_fields["basis"]

    class Meta:
        model = Stage
        fields = ["category", "code", "name", "scope"]


class StageRetentionCreateForm(WagtailAdminModelForm):
    retention = _RetentionChoice.base_fields["retention"]

    class Meta:
        model = StageRetention
        fields = ["stage", "effective_from", "basis", "note"]
