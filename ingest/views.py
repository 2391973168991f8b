"""Upload in the admin: several files at once (drag and drop), then live batch progress."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from catalog.models import Stage

from .models import Batch
from .selectors import batch_progress
from .services import Source, batch_create, file_ingest


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each is checked by ingest itself, so one bad file refuses only itself."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            raise forms.ValidationError(_("Choose at least one file."), code="required")
        return files


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("files"))
    stage = forms.ModelChoiceField(queryset=Stage.objects.all(), required=False,
                                   label=_("business stage"),
                                   help_text=_("Leave empty to classify from the text."))
    formed_on = forms.DateField(label=_("formation date"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))


@permission_required("catalog.add_record", raise_exception=True)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["files"]
        batch = batch_create(actor=request.user, source="upload",
                             label=", ".join(f.name for f in uploaded)[:300])
        metadata = {}
        if form.cleaned_data["stage"]:
            metadata["stage"] = form.cleaned_data["stage"].code
        if form.cleaned_data["formed_on"]:
            metadata["date"] = form.cleaned_data["formed_on"].isoformat()
        for upload_file in uploaded:
            file_ingest(actor=request.user, batch=batch,
                        source=Source(upload_file.name, upload_file.read()), metadata=metadata)
        return redirect("ingest_batch", batch_id=batch.pk)
    return render(request, "ingest/upload.html", {"form": form})


@permission_required("ingest.view_batch", raise_exception=True)
def batch_detail(request, batch_id: int):
    batch = get_object_or_404(Batch, pk=batch_id)
    progress = batch_progress(batch=batch, user=request.user)
    if request.GET.get("format") == "json":
        return JsonResponse(progress)
    return render(request, "ingest/batch.html", {"batch": batch, "progress": progress})
