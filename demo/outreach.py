"""The demo's outreach (issue 13): The Hague and Culemborg get their outreach settings, the default texts and
two plans before their periods are closed; afterwards the plans run over the open cases' past days against the
fake Notify (``run_demo`` starts it), so the demo shows SMS and e-mails sent, phone tasks, letters in a print
batch handed to the mail room (registered as attempts by the system) and letters waiting for the next batch.

The other two municipalities have no plan: their functional administrator starts from an empty editor.
"""
from __future__ import annotations

import datetime as dt
import socket
import urllib.parse

from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import User
from outreach.models import OutreachPlan, OutreachSettings, PrintBatchState
from outreach.print_batches import letters_waiting, print_batch_start
from outreach.print_handover import print_batch_hand_over
from outreach.services import plan_save, sweep
from outreach.text_editing import texts_seed
from vroegsignalering.common import dates

WITH_PLANS = ("0518", "0216")
# name, conditions, steps (day, kind, external)
PLANS = [
    ("Jongeren: eerst sms en bellen", {"age_max": 27}, [(0, "sms", False), (1, "email", False), (2, "bellen", False),
                                                         (6, "brief", False)]),
    ("Standaard", {}, [(0, "sms", False), (1, "brief", False), (3, "email", False), (4, "bellen", True),
                       (8, "huisbezoek", False)]),
]
TICK = dt.timedelta(hours=1)


def outreach_seed(municipality) -> bool:
    """Settings, texts and plans for a municipality of :data:`WITH_PLANS` (idempotent); False for the others."""
    if municipality.cbs_code not in WITH_PLANS:
        return False
    slug = municipality.name.lower().replace(" ", "").replace("'", "")
    OutreachSettings.objects.get_or_create(municipality=municipality, defaults={
        "team_phone": "14 0" + municipality.cbs_code[-2:], "team_email": f"vroegsignalering@{slug}.example",
        "contact_hours": "maandag tot en met vrijdag van 9.00 tot 17.00 uur",
        "informatiepunt": "het Informatiepunt Digitale Overheid in de bibliotheek",
        "return_address": f"Gemeente {municipality.name}, Postbus 1, 1000 AA {municipality.name}",
        "written_no_reply_days": 10,
    })
    texts_seed(municipality)
    for position, (name, conditions, steps) in enumerate(PLANS, start=1):
        if OutreachPlan.objects.filter(municipality=municipality, name=name).exists():
            continue
        plan_save(plan=None, fields={"municipality": municipality, "position": position, "name": name,
                                     **conditions}, trays=[], by=None,
                  steps=[{"position": n, "day_offset": day, "kind": kind, "external": external}
                         for n, (day, kind, external) in enumerate(steps, start=1)])
    return True


def gateway_listening() -> bool:
    """Whether the (fake) Notify gateway answers: without it every message step would wait and retry."""
    url = urllib.parse.urlsplit(django_settings.NOTIFY_BASE_URL or "")
    if not url.hostname:
        return False
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((url.hostname, url.port or (443 if url.scheme == "https" else 80))) == 0


def _sweep_until(tick: dt.datetime, until: dt.datetime, totals: dict[str, int]) -> dt.datetime:
    while tick <= until:
        for key, value in sweep(tick).items():
            totals[key] = totals.get(key, 0) + value
        tick += TICK
    return tick


def _post_letters(moment: dt.datetime, totals: dict[str, int]) -> None:
    admin = User.objects.filter(username="beheerder").first()
    for settings in OutreachSettings.objects.select_related("municipality"):
        if not letters_waiting(settings.municipality):
            continue
        batch = print_batch_start(municipality=settings.municipality, by=admin, now=moment)
        batch.refresh_from_db()  # eager Celery: rendered and merged already
        if batch.state == PrintBatchState.KLAAR:
            print_batch_hand_over(batch_id=batch.pk, by=admin, on=dates.local_date(moment), now=moment)
            totals["letters_posted"] = totals.get("letters_posted", 0) + batch.letters_total


def outreach_replay(since: dt.datetime, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Run the sweeper every hour from ``since`` to ``now``, as the beat would have (eager Celery: each due step
    runs at once); the letters made until yesterday go to the mail room in one batch (registered as attempts),
    today's wait for the next batch. Returns counts."""
    now = now or timezone.now()
    totals: dict[str, int] = {}
    yesterday = now - dt.timedelta(days=1)
    tick = _sweep_until(since, yesterday, totals)
    _post_letters(yesterday, totals)
    _sweep_until(tick, now, totals)
    return totals
