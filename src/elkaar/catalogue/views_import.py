"""The upload page for course files from another catalogue: programme managers and administrators only."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from elkaar.accounts.models import Organisation
from elkaar.catalogue import importer
from elkaar.core.permissions import is_programme_manager

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("Een CSV-bestand (.csv) of JSON Lines-bestand (.jsonl) in UTF-8, hoogstens 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.jsonl,.ndjson,.json"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie voor regels zonder organisatie"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Geen: elke regel noemt zijn organisatie"),
    )
    dry_run = forms.BooleanField(
        label=_("Alleen controleren: laat zien wat er zou gebeuren, sla nog niets op"),
        required=False,
        initial=True,
    )
    skip_invalid = forms.BooleanField(
        label=_("Goede regels opslaan en regels met fouten overslaan"),
        help_text=_("Zonder dit vinkje wordt er niets opgeslagen zolang één regel een fout heeft."),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if importer.detect_format(upload.name) is None:
            raise forms.ValidationError(_("Kies een bestand dat eindigt op .csv of .jsonl."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 20 MB; gebruik het commando import-courses."))
        return upload


@login_required
def import_courses(request: HttpRequest) -> HttpResponse:
    if not is_programme_manager(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            upload.seek(0)
            report = importer.import_courses(
                upload.file,
                importer.detect_format(upload.name) or "csv",
                request.user,  # type: ignore[arg-type]
                default_organisation=form.cleaned_data["organisation"],
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
    else:
        form = ImportForm()
    return render(request, "catalogue/import.html", {"form": form, "report": report})
