"""Reads of the text editor and the print batches, scoped to the user's municipalities and roles: the
functional administrator edits texts and makes batches; a team lead may look at the batches."""
from __future__ import annotations

from accounts.models import Municipality
from accounts.permissions import is_functional_admin, is_team_lead

from .models import Channel, Letter, LetterStatus, MessageTemplate, PrintBatch, TargetGroup
from .texts import FIELDS, LETTER_ONLY, allowed_fields


def reads_print_batches(user) -> bool:
    return is_functional_admin(user) or is_team_lead(user)


def admin_municipalities(user):
    if not is_functional_admin(user):
        return Municipality.objects.none()
    return user.municipalities.order_by("name")


def template_get_for_user(user, template_id: int) -> MessageTemplate | None:
    return (MessageTemplate.objects.visible_to(user, roles=is_functional_admin).select_related("municipality")
            .filter(pk=template_id).first())


def template_versions(template: MessageTemplate) -> list[MessageTemplate]:
    return list(MessageTemplate.objects.filter(municipality_id=template.municipality_id, channel=template.channel,
                                               target_group=template.target_group)
                .select_related("edited_by").order_by("-version")[:20])


def text_overview(user) -> list[dict]:
    """Per municipality of the administrator: each channel and target group with its active text (or None)."""
    overview = []
    for municipality in admin_municipalities(user):
        active = {(t.channel, t.target_group): t for t in MessageTemplate.objects.filter(
            municipality=municipality, is_active=True)}
        rows = [{"channel": channel, "group": group, "template": active.get((channel.value, group.value))}
                for channel in Channel for group in TargetGroup]
        overview.append({"municipality": municipality, "rows": rows,
                         "missing": any(row["template"] is None for row in rows)})
    return overview


def field_help(channel: str) -> list[dict]:
    """The fields a text of ``channel`` may use, with what they are and the preview's example."""
    return [{"name": name, "description": FIELDS[name][0], "example": FIELDS[name][1],
             "letter_only": name in LETTER_ONLY} for name in allowed_fields(channel)]


def batches_for_user(user):
    return (PrintBatch.objects.visible_to(user, roles=reads_print_batches).defer("pdf")
            .select_related("municipality", "created_by"))


def batch_get_for_user(user, batch_id: int, *, with_pdf: bool = False) -> PrintBatch | None:
    batches = PrintBatch.objects.visible_to(user, roles=reads_print_batches).select_related("municipality")
    if not with_pdf:
        batches = batches.defer("pdf")
    return batches.filter(pk=batch_id).first()


def letters_waiting_per_municipality(user) -> list[dict]:
    return [{"municipality": m, "waiting": Letter.objects.filter(case__municipality=m, batch__isnull=True,
                                                                 status=LetterStatus.TE_PRINTEN).count()}
            for m in admin_municipalities(user)]


def letters_not_registered(batch: PrintBatch) -> list[Letter]:
    """The batch's posted letters that are no contact attempt (their case had closed), with why."""
    return list(Letter.objects.filter(batch=batch, status=LetterStatus.VERZONDEN, attempt__isnull=True)
                .only("reference", "note", "case_id").order_by("batch_position")[:200])
