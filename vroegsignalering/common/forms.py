"""One way for every screen to show a service's refusal (``common.errors.Refusal``) on its form, and
one error summary (``_error_summary.html``) listing a form's errors with links to their fields."""
from __future__ import annotations

from collections.abc import Mapping

from django import forms
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as nl_bsn

from .errors import Refusal


def form_add_refusal(form: forms.Form, exc: Refusal, *, field_map: Mapping[str, str] | None = None,
                     whole_message: bool = False) -> None:
    """Put ``exc`` on ``form``: each message of ``exc.fields`` next to its field, and a refusal without
    fields next to the field its code is about (else above the form).

    ``field_map`` maps the service's field names and refusal codes to the form's fields; without it a
    service's field name is the form's field name. Above the form goes either each field message that
    found no field, or, with ``whole_message``, the refusal's whole message when the field messages do
    not already say it (a refusal about several cases, on the team screens)."""

    def target(name: str) -> str | None:
        field = field_map.get(name) if field_map is not None else name
        return field if field in form.fields else None

    if not exc.fields:
        form.add_error(target(str(getattr(exc, "code", None) or "")), exc.messages)
        return
    placed = []
    for name, message in exc.fields.items():
        field = target(name)
        if field is not None:
            form.add_error(field, message)
            placed.append(message)
        elif not whole_message:
            form.add_error(None, message)
    if whole_message:
        whole = exc.messages[0] if exc.messages else str(exc)
        if not placed or whole not in (*placed, " ".join(placed)):
            form.add_error(None, whole)  # the whole story (e.g. which cases failed) at the top


def error_summary(form: forms.Form, anchor: str = "") -> list[dict]:
    """[{id, message}] for the error summary: each error links to its field (a radio group to its first
    option); an error about the whole form links to ``anchor`` (none when empty)."""
    rows = []
    for name, errors in form.errors.items():
        if name not in form.fields:
            target = anchor
        elif getattr(form.fields[name].widget, "input_type", "") == "radio":
            target = f"{form[name].auto_id}_0"
        else:
            target = form[name].auto_id
        rows.extend({"id": target, "message": str(message)} for message in errors)
    return rows


def bsn_clean(value: str) -> str:
    """A BSN typed in a search form (spaces and dots allowed, a leading zero may be left out), as 9 digits; ""
    when empty; ``ValidationError`` with a Dutch message when it is not a valid BSN (the elfproef)."""
    value = "".join(str(value).split()).replace(".", "")
    if not value:
        return ""
    if not value.isdigit() or len(value) not in (8, 9):
        raise forms.ValidationError("Een BSN bestaat uit 9 cijfers.")
    try:
        return nl_bsn.validate(value.zfill(9))
    except StdnumError:
        raise forms.ValidationError("Dit is geen geldig BSN: het voldoet niet aan de elfproef.") from None
