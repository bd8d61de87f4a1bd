"""Making a case's letter: the plan's letter step (``letter_prepare``, called by the engine's ``step_run``)
freezes the text for the case's target group and the address, and leaves the letter ``te_printen`` for the
next print batch. The attempt is registered at the mail room handover (``outreach.print_batches``)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.html import escape

from cases.services import case_lock
from signals.models import Signal
from vroegsignalering.common import dates

from .models import (
    Channel,
    Letter,
    MessageTemplate,
    OutreachSettings,
    SkipReason,
    StepKind,
    StepStatus,
    TargetGroup,
)
from .models.runs import CaseOutreachStep
from .stops import stop_reason
from .texts import Addressee, age_of, case_signals, render_text, target_group_for, text_values

POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
_PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Address:
    """The address block's lines (PostNL: street and number; postcode, two spaces, city in capitals)."""

    lines: tuple[str, ...]
    sort_key: str
    usable: bool


def address_of(signal: Signal | None, *, case_id: int = 0) -> Address:
    if signal is None:
        return Address((), f"~{case_id:012d}", False)
    postcode = (signal.postcode or "").replace(" ", "").upper()
    number = f"{signal.house_number or ''}{signal.house_letter or ''}"
    if signal.house_number_addition:
        number += f"-{signal.house_number_addition}"
    street = " ".join(part for part in (signal.street, number) if part)
    place = f"{postcode[:4]} {postcode[4:]}  {(signal.city or '').upper()}".strip()
    usable = bool(POSTCODE.match(postcode) and signal.street and signal.city and signal.house_number)
    key = (f"{postcode if usable else '~'}{signal.house_number or 0:05d}{(signal.house_letter or ' ')[:1]}"
           f"{(signal.house_number_addition or '').ljust(4)}{case_id:012d}")
    return Address((street, place), key, usable)


def body_html(text: str, values: dict[str, str]) -> str:
    """The administrator's text as paragraphs: the text escaped first, then filled with escaped values; a
    blank line starts a paragraph, a single newline is a line break."""
    filled = render_text(escape(text), {name: escape(value) for name, value in values.items()})
    paragraphs = [part.strip() for part in _PARAGRAPHS.split(filled.replace("\r\n", "\n")) if part.strip()]
    return "\n".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in paragraphs)


def letter_template(municipality_id: int, group: str) -> MessageTemplate | None:
    """The active letter text for the group; the general (u-vorm) text when the group has none."""
    active = MessageTemplate.objects.filter(municipality_id=municipality_id, channel=Channel.BRIEF, is_active=True)
    return (active.filter(target_group=group).first()
            or active.filter(target_group=TargetGroup.ALGEMEEN).first())


def _handler_name(case) -> str:
    user = case.assigned_to
    return (user.get_full_name() or "") if user is not None else ""


def letter_build(case, *, reference: str, now: dt.datetime, signals: list[Signal] | None = None,
                 settings: OutreachSettings | None = None) -> tuple[Letter | None, str]:
    """An unsaved letter for ``case`` (or None and the ``SkipReason``): the target group's active text,
    filled for the first signal's person, and that signal's address."""
    signals = case_signals(case) if signals is None else signals
    if settings is None:
        settings = OutreachSettings.objects.filter(municipality_id=case.municipality_id).first()
    first = signals[0] if signals else None
    on = dates.local_date(now)
    address = address_of(first, case_id=case.pk)
    if not address.usable:
        return None, SkipReason.GEEN_ADRES
    group = target_group_for(age_of(signals, on), youth_age_max=getattr(settings, "youth_age_max", 27),
                             aow_age=getattr(settings, "aow_age", 67))
    template = letter_template(case.municipality_id, group)
    if template is None:
        return None, SkipReason.GEEN_SJABLOON
    values = text_values(case=case, signals=signals, settings=settings, municipality_name=case.municipality.name,
                         handler=_handler_name(case), on=on, reference=reference, channel=Channel.BRIEF)
    letter = Letter(
        case=case, template=template, reference=reference, letter_date=on,
        subject=render_text(template.subject, values)[:300], body_html=body_html(template.body, values),
        addressee=Addressee.of(first).name[:300], address_lines=list(address.lines), sort_key=address.sort_key,
        created_at=now,
    )
    return letter, ""


def letter_prepare(step_id: int, *, now: dt.datetime) -> Letter | None:
    """The letter of a plan's letter step: made once (a second call returns the same letter), the step then
    ``brief_klaar``; or the step ``overgeslagen`` (run stopped, no usable address, no letter text).
    Safe to call again at any time."""
    step = CaseOutreachStep.objects.select_related("case", "run").get(pk=step_id)
    existing = Letter.objects.filter(run_step_id=step_id).first()
    if existing is not None or step.kind != StepKind.BRIEF:
        return existing
    with transaction.atomic():
        case = case_lock(step.case)
        step = CaseOutreachStep.objects.select_for_update().select_related("run").get(pk=step_id)
        existing = Letter.objects.filter(run_step=step).first()
        if existing is not None:
            return existing
        if step.status not in (StepStatus.GEPLAND, StepStatus.BEZIG):
            return None
        step.case = case
        reason = stop_reason(case, now=now, run=step.run)
        letter = None
        if reason is not None:
            skip = SkipReason.GESTOPT
        else:
            letter, skip = letter_build(case, reference=step.contact_reference, now=now)
        if letter is None:
            step.status, step.skip_reason, step.done_at = StepStatus.OVERGESLAGEN, skip, now
            step.save(update_fields=["status", "skip_reason", "done_at"])
            return None
        letter.run_step = step
        letter.save()
        step.status = StepStatus.BRIEF_KLAAR
        step.save(update_fields=["status"])
    return letter
