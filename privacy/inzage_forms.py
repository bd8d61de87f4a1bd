"""The inzage request form: a municipality of the administrator, and a BSN (elfproef) or an address."""
from __future__ import annotations

from django import forms

from signals import normalise
from vroegsignalering.common.forms import bsn_clean

from .inzage import InzageVraag, municipalities_for

_NUMBER_ERRORS = {"invalid": "Vul een huisnummer in cijfers in.", "min_value": "Een huisnummer is ten minste 1.",
                  "max_value": "Een huisnummer is hoogstens 99999."}


class InzageForm(forms.Form):
    use_required_attribute = False

    gemeente = forms.ModelChoiceField(label="Gemeente", queryset=None, empty_label=None, error_messages={
        "required": "Kies de gemeente waaraan de inwoner het verzoek deed.",
        "invalid_choice": "Kies een gemeente die u beheert."})
    bsn = forms.CharField(label="BSN", required=False, max_length=20, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "off"}))
    postcode = forms.CharField(label="Postcode", required=False, max_length=10,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    huisnummer = forms.IntegerField(label="Huisnummer", required=False, min_value=1, max_value=99999,
                                    error_messages=_NUMBER_ERRORS)
    huisletter = forms.CharField(label="Huisletter", required=False, max_length=5)
    toevoeging = forms.CharField(label="Huisnummertoevoeging", required=False, max_length=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = municipalities_for(user)
        self.fields["gemeente"].queryset = municipalities
        if len(municipalities) == 1:
            self.fields["gemeente"].initial = municipalities[0].pk

    def clean_bsn(self) -> str:
        return bsn_clean(self.cleaned_data["bsn"])

    def _normalised(self, name: str, normalise_value) -> str:
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return ""
        try:
            return normalise_value(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_postcode(self) -> str:
        return self._normalised("postcode", normalise.postcode)

    def clean_huisletter(self) -> str:
        return self._normalised("huisletter", normalise.house_letter)

    def clean_toevoeging(self) -> str:
        return self._normalised("toevoeging", normalise.house_number_addition)

    def clean(self):
        data = super().clean()
        address = [data.get(name) for name in ("postcode", "huisnummer", "huisletter", "toevoeging")]
        has_address = any(address) and not any(name in self.errors for name in ("postcode", "huisnummer"))
        if self.errors.get("bsn"):
            return data
        if data.get("bsn") and any(address):
            self.add_error("bsn", "Zoek op BSN of op adres, niet op allebei.")
        elif not data.get("bsn") and not any(address) and not self.errors:
            self.add_error("bsn", "Vul een BSN in, of een postcode en huisnummer.")
        elif has_address:
            if not data.get("postcode"):
                self.add_error("postcode", "Vul de postcode in.")
            if not data.get("huisnummer"):
                self.add_error("huisnummer", "Vul het huisnummer in.")
        return data

    def vraag(self) -> InzageVraag:
        """The request of a valid form."""
        data = self.cleaned_data
        if data["bsn"]:
            return InzageVraag(gemeente_id=data["gemeente"].pk, bsn=data["bsn"])
        return InzageVraag(gemeente_id=data["gemeente"].pk, postcode=data["postcode"], huisnummer=data["huisnummer"],
                           huisletter=data["huisletter"], toevoeging=data["toevoeging"])
