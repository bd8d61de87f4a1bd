"""Letters as PDF with WeasyPrint: the developer-owned frame (``outreach/brief.html`` and ``pdf/brief.css``:
letterhead, the address in the envelope window, reference and date outside it, subject, paragraphs, footer)
around each letter's frozen text.

One letter (case page, inzage, the editor's "Voorbeeld als PDF") is tagged PDF/UA-1. A print batch renders
many letters as one document per chunk (``letters_pdf``), one page each. Nothing is fetched: the renderer
gets a URL fetcher that serves nothing, so no value in a letter can make it reach a network or a file.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from vroegsignalering.common import dates

from .models import OutreachSettings

STYLESHEET = Path(__file__).parent / "pdf" / "brief.css"
UA = "pdf/ua-1"
# WeasyPrint logs every page it lays out at INFO: a batch of 1,000 letters would fill the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Frame:
    """What every letter of a municipality shares: the name, the return address line and the footer."""

    municipality: str
    return_address: str
    footer: str

    @classmethod
    def of(cls, municipality, settings: OutreachSettings | None = None) -> Frame:
        if settings is None:
            settings = OutreachSettings.objects.filter(municipality=municipality).first()
        phone = getattr(settings, "team_phone", "") or ""
        mail = getattr(settings, "team_email", "") or ""
        hours = getattr(settings, "contact_hours", "") or ""
        reach = " of ".join(part for part in (f"bel {phone}" if phone else "", f"mail {mail}" if mail else "") if part)
        footer = f"Gemeente {municipality.name}"
        if reach:
            footer += f" · Vragen? {reach[0].upper()}{reach[1:]}" + (f" ({hours})" if hours and phone else "") + "."
        return cls(municipality.name, (getattr(settings, "return_address", "") or f"Gemeente {municipality.name}"),
                   footer)


@dataclass(frozen=True)
class LetterPage:
    """One letter as the frame shows it (from a stored ``Letter`` or the editor's sample)."""

    reference: str
    addressee: str
    address_lines: tuple[str, ...]
    subject: str
    body_html: str
    date_text: str

    @classmethod
    def of(cls, letter) -> LetterPage:
        return cls(letter.reference, letter.addressee, tuple(letter.address_lines), letter.subject,
                   mark_safe(letter.body_html), dates.format_date(letter.letter_date))  # noqa: S308 (escaped when made)


def letters_html(pages: Iterable[LetterPage], frame: Frame, *, title: str = "", proof: bool = False) -> str:
    return render_to_string("outreach/brief.html", {
        "letters": pages, "municipality": frame.municipality, "return_address": frame.return_address,
        "footer": frame.footer, "title": title or f"Brief van de gemeente {frame.municipality}", "proof": proof,
    })


def letters_pdf(pages: Iterable[LetterPage], frame: Frame, *, title: str = "", proof: bool = False,
                variant: str | None = UA) -> bytes:
    """The letters as one PDF, one page each (``variant``: PDF/UA-1 unless None)."""
    # Imported here: Pango loads only when a PDF is made, and a machine without it still serves every page.
    from weasyprint import CSS, HTML

    fetcher = no_resources()
    html = HTML(string=letters_html(pages, frame, title=title, proof=proof), url_fetcher=fetcher)
    options = {"pdf_variant": variant} if variant else {}
    return html.write_pdf(stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)],
                          **options)


def letter_pdf(letter, frame: Frame | None = None) -> bytes:
    """One stored letter, tagged (PDF/UA-1): the accessible copy of what was sent."""
    frame = frame or Frame.of(letter.case.municipality)
    return letters_pdf([LetterPage.of(letter)], frame, title=letter.subject)


def no_resources():
    """A WeasyPrint 70 URL fetcher (a ``URLFetcher``: a plain function breaks on the first ``<img>``) that
    serves nothing: no network, no file, no ``data:``. A refused resource is left out of the letter."""
    from weasyprint.urls import URLFetcher, URLFetchingError

    class NoResources(URLFetcher):
        def fetch(self, url, headers=None):
            raise URLFetchingError(f"Een brief laadt geen bronnen ({url[:40]}).")

    return NoResources()
