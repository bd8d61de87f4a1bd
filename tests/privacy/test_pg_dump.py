"""After the purge, a ``pg_dump`` of the whole database holds none of the purged residents' values (issue 12,
item 4). PostgreSQL only: the dump is PostgreSQL's own tool. The data is committed (a transactional test), so
the dump, another connection, sees it; a resident whose term has not ended must still be in it."""
import os
import subprocess

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from cases.models import Case
from privacy.purge import personal_data_purge
from signals.models import Delivery, Signal
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, make_case
from tests.factories.dates import aware

from . import world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"),
]

# Generated, distinctive values (no real person): each must be findable in a dump, so its absence means something.
PURGED = [
    {"bsn": "900012340", "surname": "Vernietigsma", "first_names": "Odilia", "phone": "0687654321",
     "email": "odilia.vernietigsma@voorbeeld.test", "street": "Wisselkadestraat", "house_number": 4711},
    {"bsn": "900012341", "surname": "Uitgumbrink", "first_names": "Pieternel", "phone": "0611223344",
     "email": "p.uitgumbrink@voorbeeld.test", "street": "Gomweidelaan", "house_number": 8123},
]
KEPT = {"bsn": "900012342", "surname": "Bewaarenga", "first_names": "Quirina", "phone": "0699887766",
        "email": "q.bewaarenga@voorbeeld.test", "street": "Blijvendreef", "house_number": 6061}


def _values(person) -> list[str]:
    return [person["bsn"], person["surname"], person["first_names"], person["phone"], person["email"],
            f"{person['street']} {person['house_number']}", person["street"]]


def _resident(town, worker, creditor_import, person, *, closed_at):
    case = make_case(town, kinds=["energie"])
    Case.objects.filter(pk=case.pk).update(address=f"{person['street']} {person['house_number']}, 1234 AB Proefdorp")
    Signal.objects.filter(case_link__case=case).update(
        bsn=person["bsn"], surname=person["surname"], first_names=person["first_names"],
        phone_numbers=[person["phone"]], email=person["email"], street=person["street"],
        house_number=person["house_number"],
        brp_evidence={"bsn": person["bsn"], "naam": f"{person['first_names']} {person['surname']}",
                      "huishouden": [{"bsn": person["bsn"], "naam": person["surname"]}]},
        intake_warnings=[{"naam": "klant.telefoonnummers[1]", "waarde": person["phone"]}])
    world.close(case, at=closed_at)
    world.furnish(case, worker, note=f"Gebeld met {person['first_names']} {person['surname']} op {person['phone']}")
    world.shv_row(town, person["bsn"], ended=closed_at.date().replace(year=closed_at.year - 1))
    signal = Signal.objects.get(case_link__case=case)
    ended = world.ended_signal(town, at=closed_at, email=False, phone=False)  # not picked up: no case
    Signal.objects.filter(pk=ended.pk).update(bsn=person["bsn"], surname=person["surname"], street=person["street"],
                                              house_number=person["house_number"])
    creditor_import.append({"regel": len(creditor_import) + 1, "signaalId": signal.signal_id,
                            "fouten": [{"reden": f"{person['email']} is geen geldig adres"}]})
    return case


def _dump() -> str:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "--no-owner", "--data-only", "-h", db.get("HOST") or "127.0.0.1",
               "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres", db["NAME"]]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def test_a_dump_after_the_purge_holds_none_of_the_purged_residents_values(client):
    town = MunicipalityFactory(retention_months=6, retention_months_help_accepted=6)
    worker = UserFactory(username="medewerker", role=Role.VROEGSIGNALEERDER, municipalities=[town])
    rows: list = []
    purged = [_resident(town, worker, rows, person, closed_at=world.CLOSED) for person in PURGED]
    kept = _resident(town, worker, rows, KEPT, closed_at=aware(2026, 8, 1, 12))
    creditor = Signal.objects.filter(case_link__case=kept).get().creditor
    imp = world.old_import(creditor, at=world.CLOSED, results=rows)
    imp.deliveries.set(Delivery.objects.all())
    Delivery.objects.update(results=rows)
    world.age_deliveries(world.CLOSED)
    login(client, worker)
    for case in [*purged, kept]:  # viewing them leaves audit events (keyed hashes only)
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
    assert AuditEvent.objects.filter(object_type="case").count() >= 3

    before = _dump()
    for person in [*PURGED, KEPT]:
        for value in _values(person):
            assert value in before, value  # the dump sees the data: its absence below means something

    report = personal_data_purge(now=world.DUE)
    assert report.as_json()[town.cbs_code]["cases_case"] == 2

    after = _dump()
    leaks = [value for person in PURGED for value in _values(person) if value in after]
    assert leaks == []
    for value in _values(KEPT):  # the resident whose term has not ended is still there
        assert value in after, value
