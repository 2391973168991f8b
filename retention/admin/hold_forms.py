"""The hold forms: place (chosen records by 档号, or a rule), change, release — each with a reason."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from catalog.models import Record
from retention import selectors
from retention.models import Hold, HoldKind


def _references(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,，、；;]+", text or "") if part]


def records_named(text: str, user, field: str, form: forms.Form) -> list[Record]:
    """Resolve the ids or 档号 typed, among the records ``user`` may see; errors go on ``field``."""
    found, missing = selectors.records_by_reference(_references(text))
    visible = set(Record.objects.visible_to(user).filter(pk__in=[r.pk for r in found])
                  .values_list("pk", flat=True))
    missing += [r.archive_code or str(r.pk) for r in found if r.pk not in visible]
    if missing:
        form.add_error(field, _("No record with the 档号 %(codes)s.")
                       % {"codes": "、".join(missing[:20])})
    return [r for r in found if r.pk in visible]


class HoldPlaceForm(WagtailAdminModelForm):
    archive_codes = forms.CharField(
        label=_("records (档号)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One 档号 per line (or separated by commas). Leave empty to hold by rule."))
    member_id_number = forms.CharField(label=_("member's citizen ID number"), required=False,
                                       max_length=32)
    unit_code = forms.CharField(label=_("unit code"), required=False, max_length=32,
                                help_text=_("Credit, organisation, tax computer or SS code."))

    class Meta:
        model = Hold
        fields = ["name", "kind", "reason", "category", "stage", "year_from", "year_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = self.for_user
        self.fields["category"].help_text = _(
            "A rule also holds records filed later. The rule's parts apply together.")

    def clean(self):
        data = super().clean()
        data["records"] = records_named(data.get("archive_codes", ""), self.user,
                                        "archive_codes", self)
        data["member"] = data["unit"] = None
        if number := data.get("member_id_number", "").strip():
            data["member"] = selectors.member_by_id_number(number)
            if data["member"] is None:
                self.add_error("member_id_number", _("No member with this ID number."))
        if code := data.get("unit_code", "").strip():
            data["unit"] = selectors.unit_by_code(code)
            if data["unit"] is None:
                self.add_error("unit_code", _("No unit with this code."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) for key in (
            "name", "kind", "reason", "records", "member", "unit", "category", "stage",
            "year_from", "year_to")}


class HoldChangeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=HoldKind.choices)
    add_codes = forms.CharField(label=_("records to add (档号)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    remove_codes = forms.CharField(label=_("records to take out (档号)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("reason for the change"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        data["add_records"] = records_named(data.get("add_codes", ""), self.user, "add_codes",
                                            self)
        data["remove_records"] = records_named(data.get("remove_codes", ""), self.user,
                                               "remove_codes", self)
        return data


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(label=_("reason for release"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))
