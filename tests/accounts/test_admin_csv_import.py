"""The CSV import for functional administrators (security review D5) and its admin page (D16).

A functional administrator imports on a creditor's behalf, for their own municipalities only: a row for
another gemeentecode is refused with its row number and a Dutch reason (the other rows are imported), and
the import is seen only by administrators of all the municipalities it was limited to (and by the
creditor's staff, as every import of their creditor). A creditor's own upload may hold rows for any
municipality: no municipal administrator sees it. The admin's page of an import shows the counts and links,
never the rows."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from signals.csv_services import csv_import_create
from signals.models import CsvImport, Delivery, Signal
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, signal_payload
from tests.signals.csvfiles import flatten, make_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    a, b = MunicipalityFactory(cbs_code="0363", name="Amsterdam"), MunicipalityFactory(cbs_code="0518", name="Den Haag")
    creditor = CreditorFactory(name="Waterbedrijf", kinds=[])
    people = {
        "fb_a": UserFactory(username="fb_a", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[a]),
        "fb_a2": UserFactory(username="fb_a2", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[a]),
        "fb_ab": UserFactory(username="fb_ab", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[a, b]),
        "fb_b": UserFactory(username="fb_b", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[b]),
        "fb_none": UserFactory(username="fb_none", role=Role.FUNCTIONEEL_BEHEERDER),
        "staff": UserFactory(username="staff", role=Role.VASTELASTENPARTNER, creditor=creditor),
        "other_staff": UserFactory(username="other_staff", role=Role.VASTELASTENPARTNER,
                                   creditor=CreditorFactory(name="Verhuurder")),
        "install": UserFactory(username="install", role=Role.INSTALLATIEBEHEERDER),
        "worker_a": UserFactory(username="worker_a", municipalities=[a]),
        "root": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    return {"A": a, "B": b, "creditor": creditor, "people": people}


def upload(client, user, creditor, rows):
    login(client, user)
    content = make_csv([flatten(row) for row in rows])
    return client.post(reverse("csv_import"), {"file": SimpleUploadedFile("s.csv", content, "text/csv"),
                                               "creditor": creditor.pk})


def test_an_administrator_imports_only_rows_for_their_own_municipalities(client, world,
                                                                         django_capture_on_commit_callbacks):
    rows = [signal_payload(1, gemeentecode="0363"), signal_payload(2, gemeentecode="0518"),
            signal_payload(3, gemeentecode="363")]  # a spreadsheet dropped the zero: still Amsterdam
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world["people"]["fb_a"], world["creditor"], rows)
    assert response.status_code == 302
    csv_import = CsvImport.objects.get()
    assert list(csv_import.municipalities.all()) == [world["A"]]
    assert sorted(Signal.objects.values_list("signal_id", "municipality__cbs_code")) == [
        ("ZV-000001", "0363"), ("ZV-000003", "0363")]
    (refused,) = [result for result in csv_import.results if result["status"] == "geweigerd"]
    assert refused["regel"] == 3 and refused["signaalId"] == "ZV-000002"
    assert refused["fouten"][0]["naam"] == "gemeentecode"
    assert refused["fouten"][0]["reden"] == ("U kunt alleen signalen importeren voor uw eigen gemeenten: "
                                             "0363 (Amsterdam).")
    page = client.get(reverse("csv_import_detail", args=[csv_import.pk])).content.decode()
    assert "U kunt alleen signalen importeren voor uw eigen gemeenten" in page


def test_an_administrator_without_a_municipality_cannot_import(client, world):
    response = upload(client, world["people"]["fb_none"], world["creditor"], [signal_payload(1)])
    assert response.status_code == 200
    assert not CsvImport.objects.exists() and not Signal.objects.exists()
    with pytest.raises(Exception, match="geen gemeente"):
        csv_import_create(creditor=world["creditor"], uploaded_by=world["people"]["fb_none"], file_name="x.csv",
                          content=make_csv([flatten(signal_payload(1))]), enqueue=False)


# Who sees which import: (uploader, viewer) → seen.
UPLOADS = ("fb_a", "fb_ab", "staff")
SEEN_BY = {
    "fb_a": {"fb_a", "fb_a2", "fb_ab", "staff", "root"},  # limited to A: A's administrators, the creditor
    "fb_ab": {"fb_ab", "staff", "root"},  # limited to A and B: only an administrator of both
    "staff": {"staff", "root"},  # the creditor's own upload: any municipality's rows
}
VIEWERS = ("fb_a", "fb_a2", "fb_ab", "fb_b", "fb_none", "staff", "other_staff", "install", "worker_a", "root")


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("uploader", UPLOADS)
def test_each_import_is_seen_by_exactly_its_administrators_and_creditor(client, world, uploader, viewer):
    csv_import = csv_import_create(creditor=world["creditor"], uploaded_by=world["people"][uploader],
                                   file_name="geheim-bestand.csv", content=make_csv([flatten(signal_payload(1))]),
                                   enqueue=False)
    login(client, world["people"][viewer])
    seen = viewer in SEEN_BY[uploader]
    for name in ("csv_import_detail", "csv_import_status", "csv_import_results_csv"):
        status = client.get(reverse(name, args=[csv_import.pk])).status_code
        assert (status == 200) == seen, (name, status)
    listing = client.get(reverse("csv_import"))
    assert ("geheim-bestand.csv" in listing.content.decode()) == (seen and listing.status_code == 200)
    admin_page = client.get(f"/beheer/signals/csvimport/{csv_import.pk}/change/")
    assert (admin_page.status_code == 200) == (seen and viewer in ("fb_a", "fb_a2", "fb_ab", "root"))


def test_the_admin_page_of_a_large_import_shows_counts_and_links_not_rows(client, world):
    """D16: 157,000 rows once made a 52.8 MB admin page."""
    csv_import = csv_import_create(creditor=world["creditor"], uploaded_by=world["people"]["fb_a"],
                                   file_name="groot.csv", content=make_csv([flatten(signal_payload(1))]),
                                   enqueue=False)
    results = [{"regel": n, "signaalId": f"ZV-{n:09d}", "status": "ontvangen"} for n in range(2, 20_002)]
    CsvImport.objects.filter(pk=csv_import.pk).update(results=results, rows_total=20_000, rows_done=20_000,
                                                      count_received=20_000, state=CsvImport.State.KLAAR)
    login(client, world["people"]["fb_a"])
    page = client.get(f"/beheer/signals/csvimport/{csv_import.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert len(page.content) < 100_000
    assert "ZV-000000002" not in html and "20000" in html.replace(".", "")
    assert reverse("csv_import_detail", args=[csv_import.pk]) in html
    assert reverse("csv_import_results_csv", args=[csv_import.pk]) in html


def test_the_delivery_admin_shows_an_administrator_the_deliveries_of_their_imports_only(
        client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world["people"]["fb_a"], world["creditor"], [signal_payload(1)])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world["people"]["staff"], world["creditor"], [signal_payload(2, gemeentecode="0518")])
    own = CsvImport.objects.get(uploaded_by=world["people"]["fb_a"]).deliveries.get()
    theirs = Delivery.objects.exclude(pk=own.pk).get()
    for viewer, expected in (("fb_a", {own}), ("fb_b", set()), ("root", {own, theirs})):
        login(client, world["people"][viewer])
        response = client.get("/beheer/signals/delivery/")
        assert set(response.context["cl"].result_list) == expected
        assert client.get(f"/beheer/signals/delivery/{theirs.pk}/change/").status_code == (
            200 if viewer == "root" else 302)
