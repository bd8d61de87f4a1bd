"""The trail is append-only: in Python, and in the database itself (PostgreSQL refuses UPDATE and DELETE with a
trigger; the purge of the retention job is the one way out). Runs on both databases: on PostgreSQL
(CI, ``DATABASE_URL``) every refusal is the database's; on SQLite (the embedded first look) UPDATE is refused by
a trigger and DELETE only in Python, as the migration documents."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_events_purge, audit_events_write
from tests.factories import MunicipalityFactory, UserFactory
from vroegsignalering.common.models import AppendOnlyError

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def _event(**fields) -> dict:
    return {"at": timezone.now(), "principal": "gebruiker", "username": "iemand", "action": "view",
            "method": "GET", "path": "/meldingen/1", "object_type": "case", "object_id": "1", **fields}


def _raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: the test transaction survives
        cursor.execute(sql, params)


@pytest.fixture
def event():
    return audit_events_write([_event()])[0]


def test_python_refuses_changing_or_deleting_an_event(event):
    event.username = "iemand anders"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(username="iemand anders")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "iemand"


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET username = 'iemand anders' WHERE id = %s",
    "UPDATE audit_auditevent SET persons = '[]' WHERE id = %s",
    "UPDATE audit_auditevent SET at = at WHERE id = %s",
])
def test_the_database_refuses_every_update(event, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).username == "iemand"


def test_the_database_refuses_a_plain_delete_on_postgresql(event):
    if POSTGRES:
        with pytest.raises(DatabaseError, match="append-only"):
            _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert AuditEvent.objects.filter(pk=event.pk).exists()
    else:  # SQLite: the test runner empties tables with DELETE, so only Python refuses there
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert not AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_purge_deletes_only_older_events_and_the_guard_is_back_afterwards():
    now = timezone.now()
    old, recent = audit_events_write([_event(at=now - dt.timedelta(days=400)), _event(at=now)])
    assert audit_events_purge(before=now - dt.timedelta(days=365)) == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    if POSTGRES:  # the purge's permission ended with it
        with pytest.raises(DatabaseError, match="append-only"):
            _raw("DELETE FROM audit_auditevent WHERE id = %s", [recent.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditevent SET username = 'x' WHERE id = %s", [recent.pk])


def test_deleting_a_user_or_municipality_keeps_their_events(event):
    municipality = MunicipalityFactory(cbs_code="0999", name="Weg")
    user = UserFactory(municipalities=[municipality])
    mine = audit_events_write([_event(user_id=user.pk, username=user.username, municipality_id=municipality.pk)])[0]
    ids = (user.pk, user.username, municipality.pk)
    user.delete()
    municipality.delete()
    kept = AuditEvent.objects.get(pk=mine.pk)
    assert (kept.user_id, kept.username, kept.municipality_id) == ids


def test_the_purge_deletes_in_batches_of_short_transactions():
    now = timezone.now()
    old = audit_events_write([_event(at=now - dt.timedelta(days=400 + i)) for i in range(7)])
    [recent] = audit_events_write([_event(at=now - dt.timedelta(days=1))])
    assert audit_events_purge(before=now - dt.timedelta(days=365), batch_size=3) == 7
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    if POSTGRES:  # every batch's permission ended with it
        with pytest.raises(DatabaseError, match="append-only"):
            _raw("DELETE FROM audit_auditevent WHERE id = %s", [recent.pk])
