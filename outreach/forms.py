"""The plan editor's forms (functional administrator) and the case page's "Benadering stoppen". Every
error is Dutch and sits next to its field."""
from __future__ import annotations

from django import forms

from cases.deadlines import WINDOW_DAYS

from .models import ContactCondition, OutreachPlan, StepKind, StopReason

MAX_DAY = WINDOW_DAYS - 1
TRI_STATE = [("", "Maakt niet uit"), ("ja", "Ja"), ("nee", "Nee")]
_TRI = {"": None, "ja": True, "nee": False}
_TRI_BACK = {None: "", True: "ja", False: "nee"}


def _tri(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=TRI_STATE, required=False, widget=forms.RadioSelect)


class PlanForm(forms.Form):
    gemeente = forms.ModelChoiceField(label="Gemeente", queryset=None, empty_label=None)
    naam = forms.CharField(label="Naam", max_length=100,
                           error_messages={"required": "Geef het plan een naam."})
    volgorde = forms.IntegerField(
        label="Volgorde", min_value=1, max_value=999,
        help_text="Plannen worden in deze volgorde geprobeerd; het eerste plan dat past, wordt gebruikt.",
        error_messages={"required": "Geef de volgorde (1 of hoger).", "invalid": "Geef een heel getal.",
                        "min_value": "De volgorde is 1 of hoger.", "max_value": "De volgorde is hoogstens 999."})
    actief = forms.BooleanField(label="Actief (nieuwe meldingen krijgen dit plan)", required=False)
    bakjes = forms.ModelMultipleChoiceField(label="Bakjes", queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text="Geen bakje gekozen: meldingen in alle bakjes.")
    contactgegevens = forms.ChoiceField(label="Contactgegevens", choices=ContactCondition.choices, required=False)
    leeftijd_vanaf = forms.IntegerField(label="Leeftijd vanaf", min_value=0, max_value=130, required=False,
                                        error_messages={"invalid": "Geef een leeftijd in hele jaren."})
    leeftijd_tot = forms.IntegerField(label="Leeftijd tot en met", min_value=0, max_value=130, required=False,
                                      error_messages={"invalid": "Geef een leeftijd in hele jaren."})
    crisis = _tri("Crisismelding")
    opeenvolgend = _tri("Opeenvolgend (recidive)")
    berichten_vanaf = forms.TimeField(label="SMS en e-mail vanaf", widget=forms.TimeInput(attrs={"type": "time"}),
                                      error_messages={"required": "Geef een tijd, bijvoorbeeld 08:00.",
                                                      "invalid": "Geef een tijd als uu:mm, bijvoorbeeld 08:00."})
    berichten_tot = forms.TimeField(label="SMS en e-mail tot", widget=forms.TimeInput(attrs={"type": "time"}),
                                    error_messages={"required": "Geef een tijd, bijvoorbeeld 20:00.",
                                                    "invalid": "Geef een tijd als uu:mm, bijvoorbeeld 20:00."})
    zaterdag = forms.BooleanField(label="Ook op zaterdag berichten versturen", required=False,
                                  help_text="Op zondag en feestdagen gaan nooit berichten uit.")

    def __init__(self, *args, municipalities, trays, plan: OutreachPlan | None = None, **kwargs):
        self.plan = plan
        if plan is not None and "initial" not in kwargs:
            kwargs["initial"] = plan_initial(plan)
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].queryset = municipalities
        self.fields["bakjes"].queryset = trays
        several = len(municipalities) > 1
        self.fields["bakjes"].label_from_instance = (
            lambda tray: f"{tray.name} ({tray.municipality.name})" if several else tray.name)
        if plan is not None:
            self.fields["gemeente"].disabled = True

    def clean(self):
        data = super().clean()
        low, high = data.get("leeftijd_vanaf"), data.get("leeftijd_tot")
        if low is not None and high is not None and low > high:
            self.add_error("leeftijd_tot", "De leeftijd 'tot en met' is lager dan 'vanaf'.")
        start, end = data.get("berichten_vanaf"), data.get("berichten_tot")
        if start and end and start >= end:
            self.add_error("berichten_tot", "De eindtijd moet na de begintijd liggen.")
        municipality = data.get("gemeente")
        if municipality is not None:
            wrong = [t.name for t in data.get("bakjes") or [] if t.municipality_id != municipality.pk]
            if wrong:
                self.add_error("bakjes", f"Kies alleen bakjes van {municipality.name} (niet: {', '.join(wrong)}).")
            position = data.get("volgorde")
            other = OutreachPlan.objects.filter(municipality=municipality, position=position)
            if self.plan is not None:
                other = other.exclude(pk=self.plan.pk)
            taken = other.first() if position is not None else None
            if taken is not None:
                self.add_error("volgorde", f"Volgorde {position} is al in gebruik door plan '{taken.name}'.")
        return data

    def plan_fields(self) -> dict:
        d = self.cleaned_data
        return {"municipality": d["gemeente"], "name": d["naam"].strip(), "position": d["volgorde"],
                "is_active": d["actief"], "contact_usable": d["contactgegevens"] or "",
                "age_min": d["leeftijd_vanaf"], "age_max": d["leeftijd_tot"], "crisis": _TRI[d["crisis"] or ""],
                "recidive": _TRI[d["opeenvolgend"] or ""], "send_from": d["berichten_vanaf"],
                "send_until": d["berichten_tot"], "send_on_saturday": d["zaterdag"]}


def plan_initial(plan: OutreachPlan) -> dict:
    return {"gemeente": plan.municipality_id, "naam": plan.name, "volgorde": plan.position,
            "actief": plan.is_active, "bakjes": list(plan.trays.all()), "contactgegevens": plan.contact_usable,
            "leeftijd_vanaf": plan.age_min, "leeftijd_tot": plan.age_max, "crisis": _TRI_BACK[plan.crisis],
            "opeenvolgend": _TRI_BACK[plan.recidive], "berichten_vanaf": plan.send_from,
            "berichten_tot": plan.send_until, "zaterdag": plan.send_on_saturday}


class StepForm(forms.Form):
    stap = forms.IntegerField(label="Stap", min_value=1, max_value=99, required=False,
                              error_messages={"invalid": "Geef een heel getal.",
                                              "min_value": "Het stapnummer is 1 of hoger.",
                                              "max_value": "Het stapnummer is hoogstens 99."})
    dag = forms.IntegerField(label="Dag", required=False,
                             help_text=f"0 tot en met {MAX_DAY}; dag 0 is de dag dat de melding in het bakje komt.",
                             error_messages={"invalid": "Geef een heel getal."})
    soort = forms.ChoiceField(label="Soort", choices=[("", "Kies een soort"), *StepKind.choices], required=False)
    extern = forms.BooleanField(label="Via extern klantcontactcentrum", required=False)
    verwijderen = forms.BooleanField(label="Stap verwijderen", required=False)

    def is_blank(self) -> bool:
        d = self.cleaned_data
        return d.get("stap") is None and d.get("dag") is None and not d.get("soort") and not d.get("extern")

    def clean(self):
        data = super().clean()
        if data.get("verwijderen") or self.is_blank():
            return data
        if data.get("stap") is None and "stap" not in self.errors:
            self.add_error("stap", "Geef het stapnummer.")
        day = data.get("dag")
        if day is None and "dag" not in self.errors:
            self.add_error("dag", "Geef de dag (0 tot en met 27).")
        elif day is not None and not 0 <= day <= MAX_DAY:
            self.add_error("dag", f"De dag moet tussen 0 en {MAX_DAY} liggen: de termijn is {WINDOW_DAYS} dagen "
                                  "en dag 0 is de dag dat de melding in het bakje komt.")
        if not data.get("soort"):
            self.add_error("soort", "Kies een soort stap.")
        elif data.get("extern") and data["soort"] != StepKind.BELLEN:
            self.add_error("extern", "Alleen een belstap kan naar het externe klantcontactcentrum.")
        return data


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self):
        if any(form.errors for form in self.forms):
            return
        seen: dict[int, int] = {}
        kept = 0
        for form in self.forms:
            if form.cleaned_data.get("verwijderen") or form.is_blank():
                continue
            kept += 1
            number = form.cleaned_data["stap"]
            if number in seen:
                form.add_error("stap", f"Stap {number} komt al voor; geef elke stap een eigen nummer.")
            seen[number] = 1
        if not kept and not any(form.errors for form in self.forms):
            raise forms.ValidationError("Geef het plan ten minste één stap.")

    def steps(self) -> list[dict]:
        return sorted(({"position": f.cleaned_data["stap"], "day_offset": f.cleaned_data["dag"],
                        "kind": f.cleaned_data["soort"], "external": bool(f.cleaned_data["extern"])}
                       for f in self.forms if not (f.cleaned_data.get("verwijderen") or f.is_blank())),
                      key=lambda step: step["position"])


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=3, max_num=40, validate_max=True)


def steps_initial(plan: OutreachPlan | None) -> list[dict]:
    if plan is None:
        return []
    return [{"stap": s.position, "dag": s.day_offset, "soort": s.kind, "extern": s.external}
            for s in plan.steps.all().order_by("position")]


class StopForm(forms.Form):
    reden = forms.ChoiceField(label="Reden", widget=forms.RadioSelect,
                              choices=[(StopReason.GEEN_BERICHTEN, StopReason.GEEN_BERICHTEN.label),
                                       (StopReason.HANDMATIG, "Andere reden")],
                              error_messages={"required": "Kies een reden om de benadering te stoppen."})
    toelichting = forms.CharField(label="Toelichting", max_length=300, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  error_messages={"max_length": "De toelichting is te lang: hoogstens 300 tekens."})
