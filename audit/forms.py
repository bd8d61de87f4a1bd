"""The auditor's filters. A BSN is typed in a POST form and only its keyed hash goes into the address."""
from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from .hashing import normalise_bsn, person_hash
from .selectors import AuditFilters

_HASH = re.compile(r"^[0-9a-f]{64}$")
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]
_DATE_ERRORS = {"invalid": "Vul een datum in als dd-mm-jjjj."}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterForm(forms.Form):
    """GET filters (bookmarkable): user, period, and the hash of a person chosen through ``PersonForm``."""

    use_required_attribute = False

    gebruiker = forms.CharField(label="Gebruikersnaam of sleutelprefix", required=False, max_length=150)
    van = forms.DateField(label="Van", required=False, input_formats=DATE_FORMATS, error_messages=_DATE_ERRORS,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    tot = forms.DateField(label="Tot en met", required=False, input_formats=DATE_FORMATS,
                          error_messages=_DATE_ERRORS,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    persoon = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def clean_persoon(self) -> str:
        value = self.cleaned_data["persoon"]
        if value and not _HASH.match(value):
            raise forms.ValidationError("Deze persoonsverwijzing is ongeldig; zoek de persoon opnieuw op BSN.")
        return value

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["tot"] < data["van"]:
            self.add_error("tot", "De einddatum ligt vóór de begindatum.")
        return data

    def filters(self) -> AuditFilters:
        """The valid filters (an invalid one is left out; its error is shown)."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return AuditFilters(
            person_hash=data.get("persoon") or "", username=(data.get("gebruiker") or "").strip(),
            start=_start_of(data["van"]) if data.get("van") else None,
            end=_start_of(data["tot"] + dt.timedelta(days=1)) if data.get("tot") else None)


class PersonForm(forms.Form):
    bsn = forms.CharField(label="BSN", max_length=20, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "off"}), error_messages={"required": "Vul een BSN in."})

    def clean_bsn(self) -> str:
        bsn = normalise_bsn(self.cleaned_data["bsn"])
        if not bsn:
            raise forms.ValidationError("Een BSN bestaat uit 9 cijfers.")
        return bsn

    def person_hash(self) -> str:
        return person_hash(self.cleaned_data["bsn"])
