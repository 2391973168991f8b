"""Admin forms that need fields beyond their model's (a stage's first retention)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Record, RetentionPeriod, Sensitivity, Stage, StageRetention, Volume


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


class RecordCorrectionForm(forms.Form):
    """The 更正 page: every field an officer corrects, and the one reason for all of them."""

    title = forms.CharField(label=_("title"), max_length=500)
    formed_on = forms.DateField(label=_("formation date"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    stage = forms.ModelChoiceField(queryset=Stage.objects.select_related("category"),
                                   label=_("business stage"),
                                   help_text=_("Another stage re-files the record: it gets a new "
                                               "档号 and the old one still finds it."))
    retention = forms.ModelChoiceField(queryset=RetentionPeriod.objects.all(), label=_("retention"),
                                       help_text=_("Never below the file plan's period."))
    sensitivity = forms.ChoiceField(choices=Sensitivity.choices, label=_("sensitivity"))
    volume = forms.ModelChoiceField(queryset=Volume.objects.select_related("stage"), required=False,
                                    label=_("volume"), help_text=_("Empty: filed on its own."))
    page_start = forms.IntegerField(label=_("first page"), min_value=1, required=False)
    page_end = forms.IntegerField(label=_("last page"), min_value=1, required=False)
    reason = forms.CharField(label=_("reason for the correction"), max_length=300)

    @staticmethod
    def initial_for(record: Record) -> dict:
        return {"title": record.title, "formed_on": record.formed_on, "stage": record.stage,
                "retention": record.retention, "sensitivity": record.sensitivity,
                "volume": record.volume, "page_start": record.page_start,
                "page_end": record.page_end}
