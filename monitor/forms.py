"""The monitor's choice of municipality and months (a GET form: the screen and both exports read it)."""
from __future__ import annotations

import datetime as dt
import re

from django import forms

from vroegsignalering.common.dates import add_months

from .figures import MAX_MONTHS, months_between

ALL = "alle"
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 complete months before ``today``'s month."""
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    first = add_months(last, -11)
    return first, last


def _month_text(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


class MonthField(forms.CharField):
    """A month as JJJJ-MM (what ``<input type="month">`` sends), from 2000 to 2999."""

    widget = forms.TextInput(attrs={"type": "month", "min": "2000-01", "max": "2999-12"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.fullmatch(value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2999:
            raise forms.ValidationError("Geef een maand als JJJJ-MM, bijvoorbeeld 2026-01.", code="invalid")
        return dt.date(int(match[1]), int(match[2]), 1)


class MonitorForm(forms.Form):
    use_required_attribute = False

    gemeente = forms.ChoiceField(label="Gemeente", error_messages={
        "required": "Kies een gemeente.", "invalid_choice": "Kies een van uw eigen gemeenten."})
    van = MonthField(label="Van (maand)", error_messages={"required": "Kies de eerste maand."})
    tot = MonthField(label="Tot en met (maand)", error_messages={"required": "Kies de laatste maand."})

    def __init__(self, data, *, municipalities, today: dt.date):
        self.municipalities = list(municipalities)
        first, last = default_range(today)
        default = ALL if len(self.municipalities) > 1 else self.municipalities[0].cbs_code
        values = {"gemeente": default, "van": _month_text(first), "tot": _month_text(last)}
        # Each parameter left out keeps its default; one given (even empty) is checked.
        super().__init__({name: data.get(name, value) for name, value in values.items()})
        choices = [(m.cbs_code, m.name) for m in self.municipalities]
        if len(self.municipalities) > 1:
            choices.insert(0, (ALL, "Alle gemeenten samen"))
        self.fields["gemeente"].choices = choices

    def clean(self):
        data = super().clean()
        first, last = data.get("van"), data.get("tot")
        if first and last:
            if first > last:
                self.add_error("tot", "De laatste maand ligt vóór de eerste maand.")
            elif len(months_between(first, last)) > MAX_MONTHS:
                self.add_error("tot", f"Kies een periode van hoogstens {MAX_MONTHS} maanden.")
        return data

    def chosen_municipalities(self) -> list:
        """The municipalities of the valid choice (one, or all of one's own)."""
        code = self.cleaned_data["gemeente"]
        return self.municipalities if code == ALL else [m for m in self.municipalities if m.cbs_code == code]
