"""Forms of the worker's screens: the queue's filters and the case page's actions.

The forms check the input's shape (Dutch messages per field); the services decide what is allowed
and refuse with ``CaseActionError``, whose messages :meth:`ActionForm.add_refusal` (``common.forms``) puts
next to the field they concern (or above the form)."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from vroegsignalering.common.forms import error_summary, form_add_refusal
from vroegsignalering.common.vocab import (
    OUTCOMES,
    RECORDABLE_CONTACT_CHOICES,
    Arranged,
    CreditorKind,
    MonitorCategory,
    Outcome,
    Reached,
)

from . import deadlines
from .exceptions import CaseActionError
from .models import FirstReaction, MatchType, contact_reference_valid
from .refusals import CaseRefusal
from .selectors import QueueFilters
from .services.rectification import EMAIL, PHONE, contact_value_normalise

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d-%m-%y"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
MAX_DAYS_FILTER = 366

YES_NO = [("", "Alle"), ("ja", "Ja"), ("nee", "Nee")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class QueueFilterForm(forms.Form):
    """The queue's filters as GET parameters (bookmarkable). Invalid values are reported and ignored."""

    bakje = forms.TypedChoiceField(label="Bakje", required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": "Kies een bakje uit de lijst."})
    soort = forms.ChoiceField(label="Soort melding", required=False,
                              choices=[("", "Alle"), *MatchType.choices],
                              error_messages={"invalid_choice": "Kies enkelvoudig of meervoudig."})
    opeenvolgend = forms.ChoiceField(label="Opeenvolgend (recidive)", required=False, choices=YES_NO,
                                     error_messages={"invalid_choice": "Kies ja of nee."})
    vastelast = forms.ChoiceField(label="Soort vaste last", required=False,
                                  choices=[("", "Alle"), *CreditorKind.choices],
                                  error_messages={"invalid_choice": "Kies een soort vaste last uit de lijst."})
    crisis = forms.ChoiceField(label="Crisissignaal", required=False, choices=YES_NO,
                               error_messages={"invalid_choice": "Kies ja of nee."})
    binnen = forms.IntegerField(
        label="Laatste dag binnen … dagen", required=False, min_value=0, max_value=MAX_DAYS_FILTER,
        help_text="0 = vandaag; leeg = alle.",
        error_messages={"invalid": "Vul een aantal dagen in (een heel getal).",
                        "min_value": "Vul 0 of meer dagen in.",
                        "max_value": f"Vul hoogstens {MAX_DAYS_FILTER} dagen in."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    mij = forms.BooleanField(label="Alleen aan mij toegewezen", required=False)

    def __init__(self, data=None, *, trays=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["bakje"].choices = [("", "Alle bakjes"), *[(str(t.pk), str(t)) for t in trays]]

    def filters(self) -> QueueFilters:
        """The valid filters (an invalid one is left out; its error is shown)."""
        if not self.is_bound:
            return QueueFilters()
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}

        def yes_no(value):
            return {"ja": True, "nee": False}.get(value or "")

        return QueueFilters(
            tray_id=data.get("bakje"), match_type=data.get("soort") or "", recidive=yes_no(data.get("opeenvolgend")),
            creditor_kind=data.get("vastelast") or "", crisis=yes_no(data.get("crisis")), mine=bool(data.get("mij")),
            within_days=data.get("binnen"),
        )

    def query(self, **overrides) -> str:
        """The valid filters as a query string (for tray tabs and paging links)."""
        from django.http import QueryDict

        qd = QueryDict(mutable=True)
        if self.is_bound:
            for name in self.fields:
                value = self.data.get(name, "")
                if value and name not in self.errors:
                    qd[name] = value
        for name, value in overrides.items():
            qd.pop(name, None)
            if value not in (None, ""):
                qd[name] = value
        return qd.urlencode()


class ActionForm(forms.Form):
    """A case action. ``refusal_fields`` maps a service's field names (``CaseActionError.fields``) and
    refusal codes (``CaseRefusal``) to this form's fields; ``anchor`` is where the error summary links an
    error about the whole form."""

    refusal_fields: dict[str, str] = {}
    anchor = ""

    def add_refusal(self, exc: CaseActionError) -> None:
        form_add_refusal(self, exc, field_map=self.refusal_fields)

    def error_list(self) -> list[dict]:
        """[{id, message}] for the error summary."""
        return error_summary(self, self.anchor)


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=deadlines.TZ)


class MomentMixin:
    """A date and a time field combined into an aware local moment (``cleaned_data['tijdstip']``)."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("datum") and cleaned.get("tijd"):
            cleaned["tijdstip"] = _moment(cleaned["datum"], cleaned["tijd"])
        return cleaned


def _date_field(label="Datum"):
    return forms.DateField(label=label, input_formats=DATE_FORMATS, widget=DateInput(),
                           error_messages={"required": "Vul de datum in.",
                                           "invalid": "Vul een geldige datum in, bijvoorbeeld 21-11-2026."})


def _time_field(label="Tijd"):
    return forms.TimeField(label=label, input_formats=TIME_FORMATS, widget=TimeInput(),
                           error_messages={"required": "Vul de tijd in.",
                                           "invalid": "Vul een geldige tijd in, bijvoorbeeld 14:30."})


def now_initial() -> dict:
    local = timezone.localtime(timezone.now(), deadlines.TZ)
    return {"datum": local.date(), "tijd": local.time().replace(second=0, microsecond=0)}


class ContactAttemptForm(MomentMixin, ActionForm):
    anchor = "contactpoging"
    refusal_fields = {"soort": "soort", "bereikt": "bereikt", CaseRefusal.TIJDSTIP: "datum",
                      CaseRefusal.TIJDSTIP_TOEKOMST: "datum", CaseRefusal.TIJDSTIP_VOOR: "datum"}

    soort = forms.ChoiceField(label="Soort contact", choices=[("", "Kies…"), *RECORDABLE_CONTACT_CHOICES],
                              error_messages={"required": "Kies de soort contact.",
                                              "invalid_choice": "Kies een soort contact uit de lijst."})
    datum = _date_field()
    tijd = _time_field()
    bereikt = forms.ChoiceField(label="Inwoner bereikt?", choices=Reached.choices, widget=forms.RadioSelect,
                                initial=Reached.ONBEKEND,
                                error_messages={"required": "Kies of de inwoner is bereikt.",
                                                "invalid_choice": "Kies bereikt, niet bereikt of onbekend."})
    notitie = forms.CharField(label="Notitie", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"max_length": "De notitie is te lang (hoogstens 2.000 tekens)."})


class ReplyForm(MomentMixin, ActionForm):
    refusal_fields = {CaseRefusal.TIJDSTIP: "datum", CaseRefusal.TIJDSTIP_TOEKOMST: "datum",
                      CaseRefusal.TIJDSTIP_VOOR: "datum"}

    datum = _date_field("Datum reactie")
    tijd = _time_field("Tijd reactie")
    notitie = forms.CharField(label="Notitie bij de reactie", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"max_length": "De notitie is te lang (hoogstens 2.000 tekens)."})


def _outcome_choices():
    """The DDAS end results grouped by monitor category (optgroups)."""
    groups: dict[str, list] = {}
    for outcome in Outcome:
        category = OUTCOMES[outcome][0]
        label = category.label if category else "Overig"
        if category == MonitorCategory.NIET_OPGEPAKT:
            label = "Niet opgepakt"
        groups.setdefault(label, []).append((outcome.value, outcome.label))
    return [("", "Kies een eindresultaat…"), *groups.items()]


class CloseForm(ActionForm):
    anchor = "sluiten"
    refusal_fields = {"eindresultaat": "eindresultaat", "eersteReactie": "eerste_reactie",
                      "welkeHulp": "welke_hulp", "redenGeenHulp": "reden_geen_hulp",
                      "toestemming": "toestemming", CaseRefusal.NIET_BEREIKT: "eindresultaat"}

    eindresultaat = forms.ChoiceField(label="Eindresultaat", choices=_outcome_choices,
                                      error_messages={"required": "Kies een eindresultaat.",
                                                      "invalid_choice": "Kies een eindresultaat uit de lijst."})
    eerste_reactie = forms.ChoiceField(
        label="Eerste reactie van de inwoner", required=False, widget=forms.RadioSelect,
        choices=[("", "Niet vastgelegd"), *FirstReaction.choices],
        error_messages={"invalid_choice": "Kies positief, neutraal of negatief."},
    )
    welke_hulp = forms.CharField(
        label="Welke hulp is afgesproken (bij aanvaarde hulp)", required=False, max_length=300,
        error_messages={"max_length": "Beschrijf de hulp in hoogstens 300 tekens."},
    )
    reden_geen_hulp = forms.CharField(
        label="Reden geen hulp (als de inwoner geen hulp wil)", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Beschrijf de reden in hoogstens 500 tekens."},
    )
    toestemming = forms.BooleanField(
        label="De inwoner geeft toestemming om de vastelastenpartner ‘geen hulp gewenst’ te melden",
        required=False,
        help_text=f"Alleen bij ‘{Outcome.GEEN_HULP_GEWENST.label}’. Datum en uw naam worden vastgelegd; "
                  "zonder toestemming hoort de vastelastenpartner alleen ‘afgesloten’.",
    )
    toelichting = forms.CharField(label="Toelichting", required=False, max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  error_messages={"max_length": "De toelichting is te lang (hoogstens 500 tekens)."})


class ReopenForm(ActionForm):
    anchor = "heropenen"
    refusal_fields = {"reden": "reden"}

    reden = forms.CharField(label="Reden om te heropenen", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="Bijvoorbeeld: de inwoner belde na sluiting en aanvaardt alsnog hulp.",
                            error_messages={"required": "Geef een reden om de melding te heropenen.",
                                            "max_length": "De reden is te lang (hoogstens 500 tekens)."})


class FollowUpForm(MomentMixin, ActionForm):
    refusal_fields = {"soort": "soort", "bereikt": "bereikt", "afspraakLoopt": "afspraak", "tijdstip": "datum",
                      CaseRefusal.TIJDSTIP_TOEKOMST: "datum", CaseRefusal.TE_VROEG: "datum"}

    soort = forms.ChoiceField(label="Soort contact", choices=[("", "Kies…"), *RECORDABLE_CONTACT_CHOICES],
                              error_messages={"required": "Kies de soort contact.",
                                              "invalid_choice": "Kies een soort contact uit de lijst."})
    datum = _date_field()
    tijd = _time_field()
    bereikt = forms.ChoiceField(label="Inwoner bereikt?", choices=Reached.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Kies of de inwoner is bereikt.",
                                                "invalid_choice": "Kies bereikt, niet bereikt of onbekend."})
    afspraak = forms.ChoiceField(label="Loopt de afspraak?", choices=Arranged.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Kies of de afspraak loopt.",
                                                 "invalid_choice": "Kies ja, nee of onbekend."})
    notitie = forms.CharField(label="Notitie", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"max_length": "De notitie is te lang (hoogstens 2.000 tekens)."})


class ContactCorrectionForm(ActionForm):
    """Correct or remove a phone number or e-mail address the creditors sent (rectification, AVG art. 16)."""

    anchor = "contactgegevens"
    refusal_fields = {"gegeven": "gegeven", "nieuwe_waarde": "nieuwe_waarde", CaseRefusal.CONTACTGEGEVEN: "gegeven"}
    KINDS = {"Telefoon": PHONE, "E-mail": EMAIL}

    gegeven = forms.ChoiceField(label="Welk gegeven klopt niet?", error_messages={
        "required": "Kies het telefoonnummer of e-mailadres dat niet klopt.",
        "invalid_choice": "Dit gegeven staat niet (meer) bij deze melding. Laad de pagina opnieuw."})
    nieuwe_waarde = forms.CharField(label="Juist telefoonnummer of e-mailadres", required=False, max_length=254,
                                    error_messages={"max_length": "Hoogstens 254 tekens."})
    verwijderen = forms.BooleanField(label="Er is geen juist gegeven: verwijder dit gegeven", required=False)

    def __init__(self, *args, contact_details=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gegeven"].choices = [("", "Kies…")] + [
            (f"{self.KINDS[row['soort']]}|{row['waarde']}", f"{row['soort']}: {row['waarde']}")
            for row in contact_details if row["soort"] in self.KINDS and not row["notitie"]]

    def clean(self):
        cleaned = super().clean()
        choice, new = cleaned.get("gegeven"), (cleaned.get("nieuwe_waarde") or "").strip()
        if not choice:
            return cleaned
        field, old = choice.split("|", 1)
        cleaned.update(veld=field, oud=old, nieuw="")
        if cleaned.get("verwijderen"):
            if new:
                self.add_error("nieuwe_waarde", "Vul geen nieuw gegeven in als u het gegeven verwijdert.")
            return cleaned
        if not new:
            self.add_error("nieuwe_waarde", "Vul het juiste gegeven in, of kies ‘verwijder dit gegeven’.")
            return cleaned
        try:
            cleaned["nieuw"] = contact_value_normalise(field, new)
        except ValueError as exc:
            self.add_error("nieuwe_waarde", f"{exc} Vul een juist {field} in.")
        return cleaned


class ReferenceForm(forms.Form):
    """The reference a resident quotes (from a letter, SMS or e-mail: 'VS-7K3M2QX', or with the step:
    'VS-7K3M2QX-2'), to find the case and the attempt the reply belongs to."""

    kenmerk = forms.CharField(label="Kenmerk uit een brief of bericht", max_length=20,
                              help_text="Bijvoorbeeld VS-7K3M2QX of VS-7K3M2QX-2.",
                              error_messages={"required": "Vul het kenmerk in.", "max_length": "Hoogstens 20 tekens."})

    def clean_kenmerk(self) -> str:
        value = "".join(self.cleaned_data["kenmerk"].split()).upper().replace("–", "-")
        if not value.startswith("VS-"):
            value = f"VS-{value}"
        case_part, step = value[:10], value[11:]
        if len(value) > 10 and (value[10] != "-" or not step.isdigit()):
            raise forms.ValidationError(
                "Een kenmerk is VS-, zeven tekens en eventueel een streepje met een stapnummer.")
        if not contact_reference_valid(case_part):
            raise forms.ValidationError("Dit kenmerk bestaat niet: controleer de tekens (een tikfout valt op).")
        return value
