"""What the monitor's screen shows of the figures: the key figures, the charts (each with its table) and
the month-over-month tables, all as text for people (``monitor.formatting``)."""
from __future__ import annotations

import re

from django.utils.html import format_html_join

from .aggregates import AttemptType
from .charts import ChartRow, bar_chart
from .figures import AANTAL, PROCENT, Figures, Row
from .formatting import month_label, number
from .models import NotPickedUpReason


def row_id(key: str) -> str:
    """The HTML id of a figure's row in the month-over-month tables ("cijfer-soort-aandeel-huur")."""
    return "cijfer-" + re.sub(r"[^a-z0-9]+", "-", key).strip("-")


KEY_FIGURES = ("signalen_per_1000", "in_melding_aandeel", "meldingen_vroeg_per_1000", "bereik_aandeel",
               "acceptatie_aandeel")


def _key_figure(row: Row) -> dict:
    national = row.definition.national
    return {"label": row.definition.label, "unit": row.definition.unit,
            "value": number(row.range.value, row.definition.unit),
            "national": number(national.value, row.definition.unit) if national else ""}


def _table_row(row: Row) -> dict:
    unit, national = row.definition.unit, row.definition.national
    return {"label": row.definition.label, "unit": unit, "id": row_id(row.definition.key),
            "range": number(row.range.value, unit),
            # the month cells as one piece of HTML: 12 months × 150 figures are too many template nodes
            "month_cells": format_html_join("", "<td>{}</td>", ((number(cell.value, unit),) for cell in row.months)),
            "national": number(national.value, unit) if national else "",
            "source": f"regel {national.line}" if national else "",
            "quote": national.quote if national else "", "note": national.note if national else ""}


def _range_rows(figures: Figures, keys: list[tuple[str, str]]) -> list[ChartRow]:
    rows = []
    for key, label in keys:
        row = figures.row(key)
        rows.append(ChartRow(label, row.range.value, row.definition.national))
    return rows


def _month_rows(figures: Figures, key: str) -> list[ChartRow]:
    row = figures.row(key)
    return [ChartRow(month_label(month), cell.value) for month, cell in zip(figures.months, row.months, strict=True)]


def _charts(figures: Figures) -> list[dict]:
    kinds = [(row.definition.key, row.definition.label.removesuffix(" (aandeel)"))
             for row in figures.rows() if row.definition.key.startswith("soort_aandeel:")]
    reasons = [(f"reden_van_niet_opgepakt:{reason.value}", reason.label) for reason in NotPickedUpReason]
    types = [(row.definition.key, row.definition.label.removesuffix(" (aandeel)"))
             for row in figures.rows() if row.definition.key.startswith("type_aandeel:")]
    attempts = [(f"poging_bereikt_aandeel:{name}", label) for name, label in AttemptType.LABELS.items()]
    return [
        bar_chart("signalen-per-maand", "Signalen per maand", AANTAL, _month_rows(figures, "signalen")),
        bar_chart("soort", "Signalen per soort vaste last (aandeel, hele periode)", PROCENT,
                  _range_rows(figures, kinds)),
        bar_chart("redenen", "Redenen niet opgepakt (aandeel van de niet-opgepakte signalen, hele periode)",
                  PROCENT, _range_rows(figures, reasons)),
        bar_chart("type", "Type meldingen (aandeel, hele periode)", PROCENT, _range_rows(figures, types)),
        bar_chart("pogingen", "Bereikt per soort contactpoging (aandeel van de pogingen, hele periode)", PROCENT,
                  _range_rows(figures, [*attempts, ("poging_bereikt_aandeel:totaal", "Alle contactpogingen")])),
        bar_chart("bereik-per-maand", "Bereik per maand (van de meldingen met een contactpoging)", PROCENT,
                  _month_rows(figures, "bereik_aandeel")),
    ]


def dashboard_context(figures: Figures) -> dict:
    return {
        "figures": figures,
        "months": [month_label(month) for month in figures.months],
        "key_figures": [_key_figure(figures.row(key)) for key in KEY_FIGURES],
        "charts": _charts(figures),
        "tables": [{"key": section.key, "title": section.title, "rows": [_table_row(row) for row in section.rows]}
                   for section in figures.sections],
    }
