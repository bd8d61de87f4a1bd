"""Web forms of the intake."""
from django import forms
from django.conf import settings

from accounts import permissions

from .csv_format import format_size
from .csv_selectors import csv_import_creditors_for_user


class CsvImportForm(forms.Form):
    """Upload a CSV file of signals; an administrator also picks the creditor."""

    creditor = forms.ModelChoiceField(
        label="Vastelastenpartner",
        queryset=None,
        empty_label="Kies een vastelastenpartner",
        error_messages={"required": "Kies de vastelastenpartner waarvoor u importeert."},
    )
    file = forms.FileField(
        label="CSV-bestand",
        error_messages={
            "required": "Kies een CSV-bestand.",
            "empty": "Het bestand is leeg.",
            "invalid": "Kies een CSV-bestand.",
        },
    )

    def __init__(self, *args, user, upload_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if upload_too_large:  # the file was dropped while uploading (signals.views._UploadSizeLimit)
            self.fields["file"].error_messages["required"] = (
                f"Het bestand is te groot; het maximum is {format_size(settings.CSV_IMPORT_MAX_BYTES)}. "
                "Splits het bestand in delen."
            )
        if permissions.is_functional_admin(user):
            self.fields["creditor"].queryset = csv_import_creditors_for_user(user=user)
        else:
            del self.fields["creditor"]
        self.fields["file"].help_text = (
            f"Een CSV-bestand met ; of , als scheidingsteken, hoogstens "
            f"{format_size(settings.CSV_IMPORT_MAX_BYTES)}."
        )
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.CSV_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"Het bestand is te groot ({format_size(upload.size)}); het maximum is "
                f"{format_size(settings.CSV_IMPORT_MAX_BYTES)}. Splits het bestand in delen."
            )
        return upload

    def chosen_creditor(self):
        if "creditor" in self.fields:
            return self.cleaned_data["creditor"]
        return self.user.creditor
