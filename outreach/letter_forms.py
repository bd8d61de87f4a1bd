"""Forms of the text editor and the print batches (Dutch field errors; the rules are the services')."""
from __future__ import annotations

from django import forms

from .models import Channel
from .text_editing import template_errors

_DATE_ERRORS = {"required": "Vul de datum van afgifte in.", "invalid": "Geef een datum als DD-MM-JJJJ."}


class TextForm(forms.Form):
    """One text: subject (not for SMS) and body. The errors are ``outreach.texts.text_errors``'s."""

    use_required_attribute = False

    onderwerp = forms.CharField(label="Onderwerp", required=False, max_length=200,
                                error_messages={"max_length": "Een onderwerp is hoogstens 200 tekens."},
                                help_text="Staat vet boven de brief, of is het onderwerp van de e-mail.")
    tekst = forms.CharField(label="Tekst", required=False, strip=False, max_length=5000,
                            error_messages={"max_length": "Een tekst is hoogstens 5.000 tekens."},
                            help_text="Een lege regel begint een nieuwe alinea. Velden staan tussen dubbele accolades, "
                                      "zoals {{ voornaam }}; kies ze uit de lijst hiernaast.",
                            widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}))

    def __init__(self, *args, channel: str, preview_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel == Channel.SMS:
            del self.fields["onderwerp"]
        for name, field in self.fields.items():
            field.widget.attrs["aria-describedby"] = f"id_{name}_helptext {name}-fouten"
            if preview_url:  # the live preview: 600 ms after typing stops, the whole form
                field.widget.attrs.update({"hx-post": preview_url, "hx-trigger": "input changed delay:600ms",
                                           "hx-target": "#voorbeeld", "hx-include": "closest form",
                                           "hx-sync": "closest form:replace"})

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        found = template_errors(channel=self.channel, subject=data.get("onderwerp", ""), body=data.get("tekst", ""))
        for name, messages in found.items():
            for message in messages:
                self.add_error(name, message)
        return data

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            self.fields[field].widget.attrs["aria-invalid"] = "true"


class MunicipalityForm(forms.Form):
    """Which of the user's municipalities (the seed and start buttons)."""

    gemeente = forms.ModelChoiceField(label="Gemeente", queryset=None, empty_label=None, error_messages={
        "required": "Kies een gemeente.", "invalid_choice": "Kies een gemeente die u beheert."})

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].queryset = municipalities


class HandoverForm(forms.Form):
    use_required_attribute = False

    datum = forms.DateField(label="Datum van afgifte aan de postkamer", error_messages=_DATE_ERRORS,
                            input_formats=["%d-%m-%Y", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
