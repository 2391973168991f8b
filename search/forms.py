from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, RetentionPeriod

from .query import MAX_DEPTH

SORT_CHOICES = [("relevance", _("relevance")), ("-date", _("newest first")),
                ("date", _("oldest first"))]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=500,
                        widget=forms.TextInput(attrs={
                            "placeholder": _("name, ID number, 档号 or words"), "autofocus": True}))
    category = forms.ChoiceField(label=_("category"), required=False)
    stage = forms.CharField(label=_("business stage"), required=False, max_length=16)
    retention = forms.ChoiceField(label=_("retention"), required=False)
    member = forms.CharField(label=_("citizen ID number"), required=False, max_length=18)
    year_from = forms.IntegerField(label=_("from year"), required=False, min_value=1900,
                                   max_value=2999)
    year_to = forms.IntegerField(label=_("to year"), required=False, min_value=1900,
                                 max_value=2999)
    sort = forms.ChoiceField(label=_("sort"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(label=_("page"), required=False, min_value=1, max_value=MAX_DEPTH,
                              widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("all"))] + [
            (c.code, f"{c.code} {c.name}") for c in Category.objects.all()]
        self.fields["retention"].choices = [("", _("all"))] + [
            (r.code, f"{r.code} {r.name}") for r in RetentionPeriod.objects.all()]

    def has_query(self) -> bool:
        return any(self.cleaned_data.get(name) for name in
                   ("q", "category", "stage", "retention", "member", "year_from", "year_to"))

    def search_params(self) -> dict:
        data = self.cleaned_data
        return {"text": data["q"], "category": data["category"], "stage": data["stage"],
                "retention": data["retention"], "member": data["member"],
                "year_from": data["year_from"], "year_to": data["year_to"],
                "sort": data["sort"] or "relevance", "page": data["page"] or 1}

    def clean(self):
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            self.add_error("year_from", _("the start year is after the end year"))
        return data
