"""The call centre's forms: the search (postcode + huisnummer (+ toevoeging), or BSN), "inwoner belde", the
call list's date and the results file. Every error is Dutch and next to its field."""
from __future__ import annotations

import datetime as dt

from django import forms

from contacts.models import Dagdeel
from signals import normalise
from vroegsignalering.common.forms import bsn_clean

from .services import reference_normalise

_NUMBER_ERRORS = {"invalid": "Vul een huisnummer in cijfers in.", "min_value": "Een huisnummer is ten minste 1.",
                  "max_value": "Een huisnummer is hoogstens 99999."}
_OFF = {"autocomplete": "off"}


class SearchForm(forms.Form):
    use_required_attribute = False

    postcode = forms.CharField(label="Postcode", required=False, max_length=10, widget=forms.TextInput(attrs=_OFF))
    huisnummer = forms.IntegerField(label="Huisnummer", required=False, min_value=1, max_value=99999,
                                    error_messages=_NUMBER_ERRORS,
                                    widget=forms.TextInput(attrs={**_OFF, "inputmode": "numeric"}))
    toevoeging = forms.CharField(label="Huisletter of toevoeging", required=False, max_length=10,
                                 widget=forms.TextInput(attrs=_OFF))
    bsn = forms.CharField(label="BSN", required=False, max_length=20,
                          widget=forms.TextInput(attrs={**_OFF, "inputmode": "numeric"}))

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        if not value:
            return ""
        try:
            return normalise.postcode(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_toevoeging(self) -> str:
        value = "".join(self.cleaned_data["toevoeging"].split()).lstrip("-").upper()
        if value and (len(value) > 5 or not value.isalnum() or not value.isascii()):
            raise forms.ValidationError("Een huisletter of toevoeging is 1 tot 5 letters of cijfers, bv. A of 2.")
        return value

    def clean_bsn(self) -> str:
        return bsn_clean(self.cleaned_data["bsn"])

    def clean(self):
        data = super().clean()
        if self.errors.get("bsn"):
            return data
        has_address = any(data.get(name) for name in ("postcode", "huisnummer", "toevoeging")) or any(
            name in self.errors for name in ("postcode", "huisnummer", "toevoeging"))
        if data.get("bsn") and has_address:
            self.add_error("bsn", "Zoek op BSN of op adres, niet op allebei.")
        elif not data.get("bsn") and not has_address:
            self.add_error("postcode", "Vul een postcode en huisnummer in, of een BSN.")
        elif has_address:
            if not data.get("postcode") and "postcode" not in self.errors:
                self.add_error("postcode", "Vul de postcode in.")
            if not data.get("huisnummer") and "huisnummer" not in self.errors:
                self.add_error("huisnummer", "Vul het huisnummer in.")
        return data

    def search_term(self) -> str:
        """The normalised term (hashed in the audit trail, never stored in clear)."""
        data = self.cleaned_data
        if data["bsn"]:
            return f"bsn:{data['bsn']}"
        return f"adres:{data['postcode']}|{data['huisnummer']}|{data['toevoeging']}"


DAGDEEL_CHOICES = [("", "Geen voorkeur"), *Dagdeel.choices]


class InboundCallForm(forms.Form):
    use_required_attribute = False

    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    terugbelnummer = forms.CharField(label="Terugbelnummer", max_length=30,
                                     widget=forms.TextInput(attrs={**_OFF, "inputmode": "tel"}),
                                     error_messages={"required": "Vul het nummer in waarop de inwoner teruggebeld "
                                                                 "wil worden."})
    dagdeel = forms.ChoiceField(label="Voorkeur dagdeel", choices=DAGDEEL_CHOICES, required=False,
                                widget=forms.RadioSelect)
    notitie = forms.CharField(label="Korte notitie", required=False, max_length=500,
                              help_text="Waarover de inwoner belde, in een paar woorden. Geen bedragen of "
                                        "schuldeisers.",
                              widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"max_length": "Hoogstens 500 tekens."})
    kenmerk = forms.CharField(label="Reageert op bericht met kenmerk", required=False, max_length=30,
                              help_text="Staat in de brief, sms of e-mail, bijvoorbeeld VS-7K3M2QX-2.",
                              widget=forms.TextInput(attrs=_OFF))

    def clean_terugbelnummer(self) -> str:
        try:
            return normalise.phone_number(self.cleaned_data["terugbelnummer"].strip())
        except ValueError:
            raise forms.ValidationError("Dit is geen geldig telefoonnummer, bijvoorbeeld 06 12345678.") from None

    def clean_notitie(self) -> str:
        text = self.cleaned_data["notitie"].strip()
        if any(ord(char) < 32 and char not in "\n\r\t" for char in text):
            raise forms.ValidationError("De notitie bevat een ongeldig teken.")
        return text

    def clean_kenmerk(self) -> str:
        value = self.cleaned_data["kenmerk"].strip()
        if not value:
            return ""
        reference = reference_normalise(value)
        if not reference:
            raise forms.ValidationError("Dit is geen kenmerk zoals VS-7K3M2QX-2.")
        return reference


class CallListForm(forms.Form):
    use_required_attribute = False

    datum = forms.DateField(label="Te bellen tot en met", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": "Vul een geldige datum in, bv. 2026-06-02."})

    def day(self, today: dt.date) -> dt.date:
        return self.cleaned_data.get("datum") or today


class ResultsImportForm(forms.Form):
    use_required_attribute = False

    bestand = forms.FileField(label="Resultatenbestand (CSV of Excel)",
                              help_text="Kolommen: kenmerk, tijdstip, bereikt, notitie.",
                              error_messages={"required": "Kies het bestand met de resultaten.",
                                              "empty": "Het bestand is leeg."})
