"""The inzage report's two downloads, both made from the one structure of ``privacy.inzage``: the JSON file
(that structure, as it is) and a PDF letter in Dutch rendered with WeasyPrint from
``privacy/inzage_rapport.html``. The result page shows the same structure (:func:`leesbaar`).

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0, and a font such as fonts-dejavu-core);
the Makefile and the Dockerfile install them. The PDF fetches nothing: every resource is refused, so no
value in the report can make the renderer reach a network or a file.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from vroegsignalering.common import dates

# The letter's style sheet: a file beside the code, handed to WeasyPrint (templates carry no inline styles).
STYLESHEET = Path(__file__).parent / "pdf" / "inzage_rapport.css"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")


def _text(value):
    if isinstance(value, str):
        try:
            return _moment_text(value)
        except ValueError:  # shaped like a date but none (a contract number '2024-13-01'): the text as it is
            return value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return value


def _moment_text(value: str) -> str:
    """A date or moment of the report as a person reads it; any other string unchanged."""
    if _DATE.match(value):
        return dates.format_short(dt.date.fromisoformat(value))
    if _MOMENT.match(value):
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment = timezone.localtime(moment, dates.TZ)
        return f"{dates.format_short(moment.date())} {moment:%H:%M}"
    return value


def leesbaar(value):
    """The report with its dates and moments as a person reads them ('9 april 2026 14:30') and yes/no in
    words; the structure and keys stay as they are."""
    if isinstance(value, dict):
        return {key: leesbaar(item) for key, item in value.items()}
    if isinstance(value, list):
        return [leesbaar(item) for item in value]
    return _text(value)


def inzage_json(rapport: dict) -> bytes:
    return json.dumps(rapport, ensure_ascii=False, indent=2).encode("utf-8")


def inzage_bestandsnaam(rapport: dict, extension: str) -> str:
    day = rapport["opgesteld_op"][:10].replace("-", "")
    return f"inzage-{rapport['gemeente']['cbs_code']}-{day}.{extension}"


def inzage_html(rapport: dict) -> str:
    return render_to_string("privacy/inzage_rapport.html", {"r": leesbaar(rapport)})


def inzage_pdf(rapport: dict) -> bytes:
    """The report as a PDF letter (tagged: PDF/UA-1, so a screen reader can read it)."""
    # Imported here: Pango loads only when a PDF is made, and a machine without it still serves every page.
    from weasyprint import CSS, HTML

    fetcher = no_resources()
    return HTML(string=inzage_html(rapport), url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)], pdf_variant="pdf/ua-1")


def no_resources():
    """A WeasyPrint URL fetcher that fetches nothing: no network, no file, no ``data:`` (WeasyPrint 70 wants a
    ``URLFetcher``; a plain function breaks on the first ``<img>``). A refused resource is left out."""
    from weasyprint.urls import URLFetcher, URLFetchingError

    class NoResources(URLFetcher):
        def fetch(self, url, headers=None):
            raise URLFetchingError(f"Het inzagerapport laadt geen bronnen ({url[:40]}).")

    return NoResources()
