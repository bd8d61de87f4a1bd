"""Forms of the team lead's screens. They parse and check the input (Dutch messages, per field);
the services check the rules again and have the last word."""
from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme

from contacts.services import VISIT_NOTE_MAX
from vroegsignalering.common.params import parse_id
from vroegsignalering.common.vocab import Dagdeel

from .selectors import case_workers_for_user, trays_for_user
from .services import MAX_TRAY_CAPACITY
from .team_filters import ASSIGNED, UNASSIGNED, AssignFilters

MAX_BULK = 500
MAX_ID = 2**63 - 1  # the largest BigAutoField id


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class IdListField(forms.Field):
    """One or more case numbers from repeated inputs (checkboxes named ``melding``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if value in (None, "", [], ()):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for item in values:
            case_id = parse_id(str(item))
            if not case_id:
                raise forms.ValidationError("Een gekozen melding bestaat niet.", code="invalid")
            ids.append(case_id)
        return sorted(set(ids))

    def validate(self, value):
        if not value:
            raise forms.ValidationError("Kies minstens één melding.", code="required")
        if len(value) > MAX_BULK:
            raise forms.ValidationError(f"Kies hoogstens {MAX_BULK} meldingen tegelijk.", code="max")


def safe_next(request, value: str) -> str:
    """``value`` when it is a local path on this site, else ''."""
    value = (value or "").strip()
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return value
    return ""


class AssignFilterForm(forms.Form):
    use_required_attribute = False

    bakje = forms.ModelChoiceField(queryset=None, required=False, label="Bakje", empty_label="Alle bakjes",
                                   error_messages={"invalid_choice": "Kies een bakje uit de lijst."})
    toewijzing = forms.ChoiceField(
        required=False, label="Toewijzing",
        choices=[("", "Alle"), (UNASSIGNED, "Niet toegewezen"), (ASSIGNED, "Toegewezen")],
        error_messages={"invalid_choice": "Kies alle, niet toegewezen of toegewezen."},
    )
    medewerker = WorkerChoiceField(queryset=None, required=False, label="Toegewezen aan",
                                   empty_label="Iedereen",
                                   error_messages={"invalid_choice": "Kies een medewerker uit de lijst."})

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")  # the assign form on the same page has id_medewerker
        super().__init__(*args, **kwargs)
        self.fields["bakje"].queryset = trays_for_user(user)
        self.fields["medewerker"].queryset = case_workers_for_user(user)

    def filters(self) -> AssignFilters:
        """The valid choices (an invalid one is left out; its error is shown)."""
        if not self.is_bound:
            return AssignFilters()
        self.is_valid()
        data = self.cleaned_data
        return AssignFilters(tray=data.get("bakje"), assignment=data.get("toewijzing") or "",
                             worker=data.get("medewerker"))


class AssignForm(forms.Form):
    use_required_attribute = False

    melding = IdListField(label="Meldingen")
    medewerker = WorkerChoiceField(
        queryset=None, required=False, label="Toewijzen aan", empty_label="Niemand (toewijzing opheffen)",
        error_messages={"invalid_choice": "Kies een medewerker uit de lijst."},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["medewerker"].queryset = case_workers_for_user(user)

    def clean(self):
        # An empty ``medewerker`` unassigns; a missing one (the list's placeholder) is no choice at all.
        if self.is_bound and "medewerker" not in self.data:
            self.add_error("medewerker", "Kies aan wie u de meldingen toewijst, of 'Niemand' om de toewijzing op "
                                         "te heffen.")
        return super().clean()


class CapacityForm(forms.Form):
    """One optional whole number per tray (empty = unlimited), named ``capaciteit-<tray id>``."""

    use_required_attribute = False

    def __init__(self, *args, trays, **kwargs):
        super().__init__(*args, **kwargs)
        self.trays = list(trays)
        for tray in self.trays:
            self.fields[self.field_name(tray)] = forms.IntegerField(
                required=False, min_value=0, max_value=MAX_TRAY_CAPACITY, label=tray.name,
                initial=tray.monthly_capacity,
                error_messages={
                    "invalid": f"Geef voor {tray.name} een heel getal, of laat het veld leeg.",
                    "min_value": f"De capaciteit van {tray.name} kan niet negatief zijn.",
                    "max_value": f"De capaciteit van {tray.name} is te groot (hoogstens {MAX_TRAY_CAPACITY}).",
                },
            )

    @staticmethod
    def field_name(tray) -> str:
        return f"capaciteit-{tray.pk}"

    def capacities(self) -> dict:
        return {tray: self.cleaned_data.get(self.field_name(tray)) for tray in self.trays}


class VisitPlanForm(forms.Form):
    use_required_attribute = False

    melding = forms.IntegerField(label="Meldingnummer", min_value=1, max_value=MAX_ID,
                                 error_messages={"required": "Geef het nummer van de melding.",
                                                 "invalid": "Een meldingnummer bestaat uit cijfers.",
                                                 "min_value": "Een meldingnummer is 1 of hoger.",
                                                 "max_value": "Deze melding bestaat niet."})
    medewerker = WorkerChoiceField(queryset=None, label="Medewerker", empty_label="Kies een medewerker",
                                   error_messages={"required": "Kies een medewerker.",
                                                   "invalid_choice": "Kies een medewerker uit de lijst."})
    datum = forms.DateField(label="Datum", input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                            help_text="Vandaag of later, uiterlijk op de laatste dag van de termijn van 28 dagen.",
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"required": "Geef de datum van het bezoek.",
                                            "invalid": "Geef een geldige datum (dd-mm-jjjj)."})
    dagdeel = forms.ChoiceField(label="Dagdeel", choices=Dagdeel.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Kies ochtend, middag of avond.",
                                                "invalid_choice": "Kies ochtend, middag of avond."})
    notitie = forms.CharField(label="Notitie voor het bezoek", required=False, max_length=VISIT_NOTE_MAX,
                              help_text="Alleen wat nodig is voor het bezoek, bijv. 'bel aan bij de achterdeur'.",
                              widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"max_length": f"De notitie is te lang: hoogstens {VISIT_NOTE_MAX} "
                                                            "tekens."})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["medewerker"].queryset = case_workers_for_user(user)


class VisitCancelForm(forms.Form):
    reden = forms.CharField(label="Reden", required=False, max_length=500)


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(value: str | None) -> dt.date | None:
    """The Monday of ISO week ``YYYY-Www`` (as ``<input type="week">`` sends it), or None when invalid."""
    match = _WEEK.match((value or "").strip())
    if not match:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def format_week(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"
