"""The execution page of a filed register: method, place, two supervisors who re-authenticate.

The signed-in user is the executor. Each supervisor types their own user name
and password on the executor's screen (re-authentication, not a checkbox). Once
executing, the page shows the items' progress and refreshes itself.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.errors import DomainError, form_add_error
from kernel.names import person_name

from ..models import DestructionMethod, DestructionRegister, ItemState, RegisterState
from ..services import destruction_execute


class ExecutionForm(forms.Form):
    method = forms.ChoiceField(label=_("method of destruction"), choices=DestructionMethod.choices)
    place = forms.CharField(label=_("place of destruction"), max_length=200)
    supervisor_1 = forms.CharField(label=_("supervisor 1: user name"), max_length=150)
    password_1 = forms.CharField(label=_("supervisor 1: password"), widget=forms.PasswordInput)
    supervisor_2 = forms.CharField(label=_("supervisor 2: user name"), max_length=150)
    password_2 = forms.CharField(label=_("supervisor 2: password"), widget=forms.PasswordInput)

    def supervisors(self) -> list[tuple[object, str]]:
        users = get_user_model().objects
        pairs = []
        for n in (1, 2):
            user = users.filter(username=self.cleaned_data[f"supervisor_{n}"].strip()).first()
            if user is None:
                raise DomainError(_("no such user"), field=f"supervisor_{n}", rule="unknown_user")
            pairs.append((user, self.cleaned_data[f"password_{n}"]))
        return pairs


def _progress(register: DestructionRegister) -> dict:
    items = list(register.items.select_related("record").order_by("serial"))
    counts = {state: sum(1 for i in items if i.state == state) for state in ItemState.values}
    return {"items": items, "counts": counts,
            "done": counts[ItemState.DESTROYED] + counts[ItemState.SKIPPED],
            "total": len(items) - counts[ItemState.EXCLUDED]}


@permission_required("retention.view_destructionregister", raise_exception=True)
def register_execute(request, pk: int):
    register = get_object_or_404(DestructionRegister, pk=pk)
    can_execute = (register.state == RegisterState.FILED
                   and request.user.has_perm("retention.execute_destruction"))
    form = None
    if can_execute:
        form = ExecutionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                destruction_execute(actor=request.user, register=register,
                                    method=form.cleaned_data["method"],
                                    place=form.cleaned_data["place"],
                                    supervisors=form.supervisors())
            except DomainError as exc:
                form_add_error(form, exc, with_rule=True)
            else:
                messages.success(request, _("Destruction started: the items are being destroyed."))
                return redirect("retention_register_execute", pk=register.pk)
    supervisions = [person_name(s.supervisor) for s in
                    register.supervisions.select_related("supervisor")]
    return render(request, "retention/register_execute.html", {
        "register": register, "form": form, "now": timezone.now(),
        "supervisions": supervisions, "method_name": DestructionMethod(register.method).label
        if register.method in DestructionMethod.values else register.method, "progress": _progress(register),
        "executor": person_name(register.executed_by) if register.executed_by else
        person_name(request.user),
        "refresh": register.state == RegisterState.EXECUTING})
