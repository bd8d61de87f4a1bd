"""Writes of the texts (letters, SMS, e-mail per target group): the defaults a municipality starts with, and
an edit, which always saves a new version (a letter keeps the version it was made from)."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from vroegsignalering.common.errors import Refusal

from .default_texts import DEFAULT_TEXTS
from .models import Channel, MessageTemplate
from .texts import text_errors


def texts_seed(municipality, *, by=None, now: dt.datetime | None = None) -> int:
    """Give ``municipality`` the default text for every channel and target group it has none for; how many
    were made. Safe to call again."""
    now = now or timezone.now()
    made = 0
    with transaction.atomic():
        existing = set(MessageTemplate.objects.filter(municipality=municipality)
                       .values_list("channel", "target_group"))
        for (channel, group), (subject, body) in DEFAULT_TEXTS.items():
            if (channel, group) in existing:
                continue
            MessageTemplate.objects.create(municipality=municipality, channel=channel, target_group=group, version=1,
                                           subject=subject, body=body, is_active=True, edited_at=now, edited_by=by)
            made += 1
    return made


def template_errors(*, channel: str, subject: str, body: str) -> dict[str, list[str]]:
    """Dutch errors per field (``onderwerp``, ``tekst``); empty when the text may be saved."""
    errors: dict[str, list[str]] = {}
    if channel != Channel.SMS:
        subject_errors = text_errors(subject, channel, require_reference=False)
        if not subject.strip():
            subject_errors.insert(0, "Vul een onderwerp in.")
        if subject_errors:
            errors["onderwerp"] = subject_errors
    body_errors = text_errors(body, channel)
    if not body.strip():
        body_errors.insert(0, "Vul een tekst in.")
    if body_errors:
        errors["tekst"] = body_errors
    return errors


def text_save(*, template: MessageTemplate, subject: str, body: str, by,
              now: dt.datetime | None = None) -> MessageTemplate:
    """Save an edit as a new active version of the text (the older versions stay, inactive). Refused
    (``Refusal`` with field errors) for an invalid text."""
    errors = template_errors(channel=template.channel, subject=subject, body=body)
    if errors:
        raise Refusal("De tekst is niet opgeslagen.", fields={name: " ".join(found) for name, found in errors.items()})
    now = now or timezone.now()
    with transaction.atomic():
        same = MessageTemplate.objects.filter(
            municipality_id=template.municipality_id, channel=template.channel, target_group=template.target_group)
        list(same.select_for_update().values_list("pk", flat=True))  # two saves at once: one waits
        version = (same.aggregate(top=Max("version"))["top"] or 0) + 1
        same.filter(is_active=True).update(is_active=False)
        return MessageTemplate.objects.create(
            municipality_id=template.municipality_id, channel=template.channel, target_group=template.target_group,
            version=version, subject=subject if template.channel != Channel.SMS else "", body=body, is_active=True,
            edited_at=now, edited_by=by)
