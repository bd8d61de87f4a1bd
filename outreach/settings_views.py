"""The functional administrator's outreach settings per municipality: what the texts and the call centre tell
the resident (team phone, e-mail, hours, the Informatiepunt), the letter's return address, the age groups of
the texts, whether the call centre names the handler, and item 5 of issue 13: written attempts without an
answer become 'niet bereikt' after N days (off unless set)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from audit.recording import Action, record
from audit.vocab import Purpose
from vroegsignalering.common.forms import error_summary

from .letter_selectors import admin_municipalities
from .models import OutreachSettings


class SettingsForm(forms.ModelForm):
    use_required_attribute = False

    class Meta:
        model = OutreachSettings
        fields = ["team_phone", "team_email", "contact_hours", "informatiepunt", "return_address", "youth_age_max",
                  "aow_age", "kcc_names_handler", "written_no_reply_days"]
        help_texts = {
            "written_no_reply_days": "Leeg: uit. Na zoveel dagen zonder reactie zet het systeem een brief, kaartje, "
                                     "e-mail of sms op 'niet bereikt' (zichtbaar in de tijdlijn, door het systeem). "
                                     "Op dag 28 sluit de melding zoals altijd met 'Definitief geen contact kunnen "
                                     "krijgen' als de inwoner nooit is bereikt.",
            "kcc_names_handler": "Anders noemt het klantcontactcentrum alleen het team.",
            "youth_age_max": "Tot en met deze leeftijd krijgt de inwoner de tekst voor jongeren (je-vorm).",
            "aow_age": "Vanaf deze leeftijd de tekst voor AOW-gerechtigden.",
        }
        error_messages = {
            "team_email": {"invalid": "Vul een geldig e-mailadres in."},
            "written_no_reply_days": {"invalid": "Vul een aantal dagen in.", "min_value": "Minstens 1 dag."},
            "youth_age_max": {"invalid": "Vul een leeftijd in."},
            "aow_age": {"invalid": "Vul een leeftijd in."},
        }

    def clean_written_no_reply_days(self):
        days = self.cleaned_data.get("written_no_reply_days")
        if days is not None and not 1 <= days <= 27:
            raise forms.ValidationError("Kies 1 tot en met 27 dagen (binnen de termijn van 28 dagen), of laat leeg.")
        return days

    def clean(self):
        cleaned = super().clean()
        youth, aow = cleaned.get("youth_age_max"), cleaned.get("aow_age")
        if youth is not None and aow is not None and youth >= aow:
            self.add_error("aow_age", "De AOW-leeftijd moet hoger zijn dan de leeftijd voor jongeren.")
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def outreach_settings(request):
    if not permissions.is_functional_admin(request.user):
        raise PermissionDenied
    municipalities = list(admin_municipalities(request.user))
    if not municipalities:
        raise PermissionDenied
    chosen = next((m for m in municipalities if m.cbs_code == request.GET.get("gemeente")), municipalities[0])
    current = OutreachSettings.objects.filter(municipality=chosen).first() or OutreachSettings(municipality=chosen)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(request, Action.CHANGE, object_type="benaderingsinstellingen", object_id=chosen.pk,
                   purpose=Purpose.BEHEER, municipality_id=chosen.pk)
        messages.success(request, f"De instellingen van {chosen.name} zijn opgeslagen.")
        return redirect(f"{request.path}?gemeente={chosen.cbs_code}")
    return render(request, "outreach/settings.html", {
        "form": form, "municipality": chosen, "municipalities": municipalities,
        "errors": error_summary(form) if form.is_bound else []}, status=400 if form.is_bound else 200)
