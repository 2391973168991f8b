"""Admin forms that need fields beyond their model's (a stage's first retention)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Record, RetentionPeriod, Stage, StageRetention


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


class RecordCreateForm(WagtailAdminModelForm):
    """Filing form: the retention may be left empty to take the file plan's."""

    class Meta:
        model = Record
        fields = ["fonds", "stage", "volume", "title", "formed_on", "retention", "page_start",
                  "page_end", "item_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retention"].required = False
        self.fields["retention"].help_text = _("Leave empty to take the file plan's period.")
        self.fields["stage"].required = False
        self.fields["stage"].help_text = _("Taken from the volume when the record goes into one.")
        self.fields["fonds"].required = False
