"""Forms of the appraisal pages: the due list's filters, opening a batch, a member's opinion."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, RetentionPeriod, Stage
from kernel import clock

from ..models import AppraisalMember, Decision

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DueFilterForm(forms.Form):
    due_by = forms.DateField(label=_("due by"), required=False, widget=DATE)
    category = forms.ModelChoiceField(queryset=Category.objects.order_by("sort_order", "code"),
                                      label=_("category"), required=False, to_field_name="code")
    stage = forms.ModelChoiceField(queryset=Stage.objects.select_related("category")
                                   .order_by("code"), label=_("business stage"),
                                   required=False, to_field_name="code")
    year = forms.IntegerField(label=_("year"), required=False, min_value=1900, max_value=2999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: f"{c.code} {c.name}"
        self.fields["stage"].label_from_instance = lambda s: f"{s.code} {s.name}"

    def values(self) -> dict:
        """Return the filters as the service takes them (due_by defaults to today)."""
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year")
        return {"due_by": data.get("due_by") or clock.today(), "category": data.get("category"),
                "stage": data.get("stage"), "year_from": year, "year_to": year}


class OpenBatchForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)


class BulkOpinionForm(forms.Form):
    decision = forms.ChoiceField(label=_("opinion"), choices=Decision.choices,
                                 widget=forms.RadioSelect)
    retention = forms.ModelChoiceField(queryset=RetentionPeriod.objects.all(), required=False,
                                       label=_("new retention"), to_field_name="code")
    reason = forms.CharField(label=_("reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retention"].label_from_instance = lambda r: f"{r.code} {r.name}"


POST_CHOICES = AppraisalMember.Post.choices
