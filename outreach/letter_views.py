"""The text editor (functional administrator): every text per channel and target group, a live preview for
a fictitious resident (htmx, never a real case), the letter as PDF with the envelope window drawn, and a
save that makes a new version."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_functional_admin
from audit.recording import audited
from audit.vocab import Action, Purpose
from vroegsignalering.common.errors import Refusal
from vroegsignalering.common.forms import error_summary

from .letter_forms import MunicipalityForm, TextForm
from .letter_pdf import Frame, LetterPage, letters_pdf
from .letter_selectors import (
    admin_municipalities,
    field_help,
    template_get_for_user,
    template_versions,
    text_overview,
)
from .letters import body_html
from .models import Channel, MessageTemplate
from .text_editing import text_save, texts_seed
from .texts import render_text, sample_values

SAMPLE_ADDRESS = ("Voorbeeldstraat 1", "1234 AB  VOORBEELDSTAD")


def _require_admin(user) -> None:
    if not is_functional_admin(user):
        raise PermissionDenied("Alleen een functioneel beheerder kan de teksten van brieven en berichten wijzigen.")


def _template(request, template_id: int) -> MessageTemplate:
    _require_admin(request.user)
    template = template_get_for_user(request.user, template_id)
    if template is None:
        raise Http404("Deze tekst bestaat niet.")
    return template


@audited(Purpose.BEHEER, object_type="tekst", read=Action.LIST)
@login_required
@require_GET
def texts(request):
    _require_admin(request.user)
    return render(request, "outreach/texts.html", {"overview": text_overview(request.user)})


@audited(Purpose.BEHEER, object_type="tekst", write=Action.CREATE)
@login_required
@require_POST
def texts_defaults(request):
    _require_admin(request.user)
    form = MunicipalityForm(request.POST, municipalities=admin_municipalities(request.user))
    if not form.is_valid():
        raise Http404("Deze gemeente beheert u niet.")
    made = texts_seed(form.cleaned_data["gemeente"], by=request.user)
    messages.success(request, f"{made} standaardteksten toegevoegd." if made else "Alle teksten waren er al.")
    return redirect("outreach:texts")


def preview_context(channel: str, subject: str, body: str) -> dict:
    """The preview of a valid text for the fictitious resident (sample values only)."""
    values = sample_values(channel)
    if channel == Channel.SMS:
        text = render_text(body, values)
        return {"sms": text, "sms_length": len(text)}
    return {"subject": render_text(subject, values), "body_html": body_html(body, values),
            "reference": values["kenmerk"], "date": values["datum"]}


def _form(request, template: MessageTemplate) -> TextForm:
    initial = {"onderwerp": template.subject, "tekst": template.body}
    return TextForm(request.POST if request.method == "POST" else None, initial=initial, channel=template.channel,
                    preview_url=reverse("outreach:text_preview", args=[template.pk]))


def _editor(request, template: MessageTemplate, form: TextForm, *, status: int = 200):
    preview = {}
    if form.is_bound and form.is_valid():
        preview = preview_context(template.channel, form.cleaned_data.get("onderwerp", ""), form.cleaned_data["tekst"])
    elif not form.is_bound:
        preview = preview_context(template.channel, template.subject, template.body)
    return render(request, "outreach/text_edit.html", {
        "template": template, "form": form, "errors": error_summary(form) if form.is_bound else [],
        "fields": field_help(template.channel), "versions": template_versions(template), "preview": preview,
        "is_letter": template.channel == Channel.BRIEF,
    }, status=status)


@audited(Purpose.BEHEER, object_type="tekst")
@login_required
@require_http_methods(["GET", "POST"])
def text_edit(request, template_id: int):
    template = _template(request, template_id)
    form = _form(request, template)
    if request.method == "POST" and form.is_valid():
        try:
            saved = text_save(template=template, subject=form.cleaned_data.get("onderwerp", ""),
                              body=form.cleaned_data["tekst"], by=request.user)
        except Refusal as exc:  # valid by the form's own check; a rule changed meanwhile
            for name, message in exc.fields.items():
                form.add_error(name, message)
        else:
            messages.success(request, f"Opgeslagen als versie {saved.version}. Nieuwe brieven en berichten gebruiken "
                                      "deze tekst; wat al verstuurd is, houdt de tekst van toen.")
            return redirect("outreach:text_edit", template_id=saved.pk)
    return _editor(request, template, form, status=400 if form.is_bound else 200)


@login_required
@require_POST
def text_preview(request, template_id: int):
    """The htmx preview (input, 600 ms after typing stops): the text for the fictitious resident, or the
    errors next to their fields (swapped out of band)."""
    template = _template(request, template_id)
    form = _form(request, template)
    valid = form.is_valid()
    context = {"template": template, "form": form, "valid": valid, "oob": True,
               "preview": preview_context(template.channel, form.cleaned_data.get("onderwerp", ""),
                                          form.cleaned_data["tekst"]) if valid else {}}
    return render(request, "outreach/_text_preview.html", context)


@login_required
@require_POST
def text_preview_pdf(request, template_id: int):
    """"Voorbeeld als PDF": the letter for the fictitious resident through the real PDF path, with the
    envelope window drawn (to hold against the mail room's envelopes)."""
    template = _template(request, template_id)
    if template.channel != Channel.BRIEF:
        raise Http404("Alleen een brief heeft een PDF.")
    form = _form(request, template)
    if not form.is_valid():
        return _editor(request, template, form, status=400)
    preview = preview_context(template.channel, form.cleaned_data["onderwerp"], form.cleaned_data["tekst"])
    values = sample_values(Channel.BRIEF)
    page = LetterPage(values["kenmerk"], "S. de Vries", SAMPLE_ADDRESS, preview["subject"], preview["body_html"],
                      values["datum"])
    pdf = letters_pdf([page], Frame.of(template.municipality), title=preview["subject"], proof=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename="voorbeeldbrief.pdf")
    response["Cache-Control"] = "no-store"
    return response
