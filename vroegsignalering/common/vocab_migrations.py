"""The DDAS v0.9 → v1.2 data migrations (signals 0010, cases 0008, contacts 0004, monitor 0002).

Frozen: the migrations import these, so the values here are the ones of that change, not the current
vocabulary's. History rows (``CaseHistory``/``SignalHistory.params``) are not rewritten: they are an
append-only record of what was chosen then, and their readers map old values with
``vocab.outcome_from_stored``. Audit rows hold no end results.
"""
from __future__ import annotations

RENAMED_OUTCOMES = {
    "Inwoner hoeft geen hulp vanuit vroegsignalering":
        "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering",
    "Verwijzing zonder contact": "Verwijzing zonder tussenkomst inwoner",
}
NEW_OUTCOME = "Vervolghulp en/of verwijzing"  # no v0.9 counterpart
# Back to v0.9 (max_length 16, no such kinds): both become "Overige" (lossy, a rollback only).
NEW_CONTACT_KINDS = {"Afspraak op locatie": "Overige", "Onbekend": "Overige"}


def _rows(apps, fields, value):
    for app, model, field in fields:
        manager = apps.get_model(app, model)._base_manager
        yield manager.filter(**{field: value}), field


def rewrite_outcomes(*fields: tuple[str, str, str]):
    """A reversible ``RunPython`` pair rewriting ``(app, model, field)`` between the v0.9 and v1.2 strings.
    Going back refuses while a row holds the new v1.2-only end result (v0.9 has nothing to put there)."""

    def forwards(apps, schema_editor):
        for old, new in RENAMED_OUTCOMES.items():
            for rows, field in _rows(apps, fields, old):
                rows.update(**{field: new})

    def backwards(apps, schema_editor):
        for rows, field in _rows(apps, fields, NEW_OUTCOME):
            if rows.exists():
                raise RuntimeError(
                    f"Terugdraaien kan niet: {rows.count()} rij(en) in {rows.model._meta.label}.{field} hebben het "
                    f"eindresultaat '{NEW_OUTCOME}', dat DDAS v0.9 niet kent. Wijzig die eerst.")
        for old, new in RENAMED_OUTCOMES.items():
            for rows, field in _rows(apps, fields, new):
                rows.update(**{field: old})

    return forwards, backwards


def rewrite_contact_kinds(*fields: tuple[str, str, str]):
    """Forwards nothing to rewrite (the new kinds are new); back to v0.9 the new kinds become ``Overige``
    before the columns shrink to 16 characters."""

    def backwards(apps, schema_editor):
        for kind, old in NEW_CONTACT_KINDS.items():
            for rows, field in _rows(apps, fields, kind):
                rows.update(**{field: old})

    return (lambda apps, schema_editor: None), backwards
