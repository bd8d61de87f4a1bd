"""The purge deletes with raw DELETEs in a fixed order, so a new table hanging from a case or a signal would
either stop the purge (a foreign key on PostgreSQL) or keep personal data behind. Every model with a foreign
key to a case or a signal, directly or through a row the purge destroys, must be in the purge's lists."""
from django.apps import apps

from cases.models import Case
from privacy.purge_records import CASE_TABLES, SIGNAL_TABLES
from signals.models import Signal

# Kept on purpose, with the reason (docs/retention.md): they let go of the row instead.
KEPT = {
    "feedback.FeedbackEvent": "detached: keeps the creditor's signaalId, not the signal (SET_NULL before the delete)",
}


def _purged() -> set[str]:
    return {model._meta.label for model, _ in CASE_TABLES + SIGNAL_TABLES}


def test_every_table_hanging_from_a_case_or_a_signal_is_destroyed_with_it():
    purged = _purged()
    parents = {Case._meta.label, Signal._meta.label} | purged
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if label in purged or label in KEPT:
            continue
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if field.many_to_one or field.one_to_one:
                if field.concrete and target is not None and target._meta.label in parents:
                    missing.append(f"{label}.{field.name} → {target._meta.label}")
    assert missing == [], "add these to privacy/purge_records.py (children first) or KEPT: " + "; ".join(missing)


def test_children_are_destroyed_before_the_rows_they_point_at():
    order = [model._meta.label for model, _ in CASE_TABLES]
    for position, (model, _) in enumerate(CASE_TABLES):
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if field.is_relation and target is not None and target._meta.label in order:
                assert order.index(target._meta.label) > position, (model._meta.label, field.name)
