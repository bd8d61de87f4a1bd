"""The DDAS export's input, checked in one place for the download form and the command (Dutch messages)."""
from __future__ import annotations

import datetime as dt

from django import forms

from accounts.models import Municipality

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2999, 12, 31)
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_FORMATS, widget=DateInput(),
                           error_messages={"required": f"Vul de {label.lower()} in.",
                                           "invalid": f"Vul de {label.lower()} in als JJJJ-MM-DD, bv. 2026-01-01."})


class DdasExportForm(forms.Form):
    """Municipality (one of ``municipalities``) and delivery period (both days included)."""

    gemeente = forms.ChoiceField(label="Gemeente", error_messages={
        "required": "Kies een gemeente.", "invalid_choice": "Kies een gemeente uit de lijst."})
    van = _date("Begindatum")
    tot = _date("Einddatum")

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = {m.cbs_code: m for m in municipalities}
        self.fields["gemeente"].choices = [(code, f"{m.name} ({code})") for code, m in self.municipalities.items()]
        self.fields["van"].help_text = "De eerste dag van de leveringsperiode (startdatumLevering)."
        self.fields["tot"].help_text = "De laatste dag van de leveringsperiode, die dag inbegrepen (einddatumLevering)."

    def clean(self):
        data = super().clean()
        for name in ("van", "tot"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, "Kies een datum tussen 2000 en 2999.")
        start, end = data.get("van"), data.get("tot")
        if start and end and EARLIEST <= start <= end <= LATEST:
            return data
        if start and end and end < start and "tot" not in self.errors:
            self.add_error("tot", "De einddatum ligt vóór de begindatum.")
        return data

    @property
    def municipality(self) -> Municipality:
        return self.municipalities[self.cleaned_data["gemeente"]]
