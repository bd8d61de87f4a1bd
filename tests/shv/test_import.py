"""manage.py import_shv: the SHV system's export into one municipality's register."""
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone

from shv.models import ShvRegistration

# Test BSNs of the official BRP mock (all pass the elfproef) and one with a dropped leading zero.
A, B, C = "999997646", "999997269", "999996423"
SHORT = "12345672"  # → 012345672


def write(tmp_path, text: str, name="shv-export.csv", encoding="utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_shv", *args, stdout=out)
    return out.getvalue()


def rows(municipality) -> list[tuple]:
    return list(
        ShvRegistration.objects.filter(municipality=municipality)
        .order_by("bsn", "start_date")
        .values_list("bsn", "product", "start_date", "end_decision_date")
    )


def existing(municipality, bsn=C, product="schuldregeling"):
    return ShvRegistration.objects.create(
        municipality=municipality, bsn=bsn, product=product, start_date=dt.date(2024, 1, 1),
        imported_at=timezone.now(), source="vorige.csv",
    )


@pytest.mark.django_db
def test_happy_path_semicolons_dutch_dates_and_extra_columns(tmp_path, municipality):
    path = write(
        tmp_path,
        "BSN;Product;Startdatum;Einddatum beschikking;Naam\n"
        f"{A};Budgetbeheer;6-1-2025;;Jansen\n"
        f"{B};schuldregeling;2023-03-01;22-06-2026;de Vries\n"
        f"{SHORT};  Budget   Coaching ;01/02/2026;;Pietersen\n"
        "\n"
        f"{A};budgetbeheer;2025-01-06;;Jansen\n",  # the same registration again
    )
    output = run(path, "--gemeente", "0363")
    assert rows(municipality) == [
        ("012345672", "budget coaching", dt.date(2026, 2, 1), None),
        (B, "schuldregeling", dt.date(2023, 3, 1), dt.date(2026, 6, 22)),
        (A, "budgetbeheer", dt.date(2025, 1, 6), None),
    ]
    assert "3 registraties" in output and "nieuw:        3" in output
    assert "dubbele regels overgeslagen: 1" in output
    assert "niet opgeslagen kolommen: Naam" in output  # names are never stored
    registration = ShvRegistration.objects.get(bsn=A)
    assert registration.source == "shv-export.csv" and registration.imported_at is not None


@pytest.mark.django_db
def test_commas_and_windows_1252(tmp_path, municipality):
    path = write(tmp_path, f"bsn,product,startdatum,einddatum_beschikking\n{A},schuldhulp één,2025-01-06,\n",
                 encoding="cp1252")
    run(path, "--gemeente", "0363")
    assert rows(municipality) == [(A, "schuldhulp één", dt.date(2025, 1, 6), None)]


@pytest.mark.django_db
def test_row_errors_are_dutch_and_nothing_is_stored(tmp_path, municipality):
    path = write(
        tmp_path,
        "bsn;product;startdatum;einddatum_beschikking\n"
        f"{A};budgetbeheer;2025-01-06;\n"
        "12345678X;budgetbeheer;2025-01-06;\n"
        "999997647;budgetbeheer;2025-01-06;\n"
        f"{B};;31-02-2025;\n"
        f"{C};schuldregeling;2025-06-01;2025-05-31\n"
        f";nazorg;2025-01-01;gisteren\n"
        f"{A};budgetbeheer;2025-01-06;2026-01-01\n",
    )
    with pytest.raises(CommandError) as error:
        run(path, "--gemeente", "0363")
    message = str(error.value)
    assert "niet geïmporteerd" in message and "niet gewijzigd" in message
    assert 'Regel 3: bsn "12345678X" is geen BSN: een BSN bestaat uit 9 cijfers.' in message
    assert 'Regel 4: bsn "999997647" voldoet niet aan de elfproef' in message
    assert "Regel 5: product ontbreekt." in message
    assert 'Regel 5: startdatum "31-02-2025" is geen geldige datum' in message
    assert "Regel 6: einddatum_beschikking ligt vóór de startdatum." in message
    assert "Regel 7: bsn ontbreekt." in message
    assert 'Regel 7: einddatum_beschikking "gisteren" is geen geldige datum' in message
    assert "Regel 8: dezelfde bsn, product en startdatum als regel 2, maar een andere einddatum_beschikking" in message
    assert "Regel 2" not in message.replace("als regel 2", "")
    assert not ShvRegistration.objects.exists()


@pytest.mark.django_db
def test_test_bsns_failing_the_elfproef_only_with_the_setting(tmp_path, municipality, settings):
    path = write(tmp_path, "bsn;product;startdatum;einddatum_beschikking\n999999245;budgetbeheer;2025-01-06;\n")
    with pytest.raises(CommandError, match="elfproef"):
        run(path, "--gemeente", "0363")
    settings.SHV_ACCEPT_TEST_BSNS = True
    run(path, "--gemeente", "0363")
    assert rows(municipality) == [("999999245", "budgetbeheer", dt.date(2025, 1, 6), None)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "leeg"),
        ("bsn;product;startdatum;einddatum_beschikking\n", "geen registraties"),
        ("bsn;product;startdatum\n999997646;budgetbeheer;2025-01-06\n",
         'De verplichte kolom "einddatum_beschikking" ontbreekt'),
        ("bsn product startdatum\n", "puntkomma"),
        ('bsn;product;startdatum;einddatum_beschikking\n999997646;"budget;2025-01-06;\n', "Regel 2 kan niet"),
    ],
)
def test_file_errors(tmp_path, municipality, content, message):
    existing(municipality)
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, content), "--gemeente", "0363", "--vervang")
    assert len(rows(municipality)) == 1  # a bad file never empties the register


@pytest.mark.django_db
def test_unknown_municipality_and_missing_file(tmp_path, municipality):
    path = write(tmp_path, f"bsn;product;startdatum;einddatum_beschikking\n{A};budgetbeheer;2025-01-06;\n")
    with pytest.raises(CommandError, match="CBS-code '9999' bestaat niet"):
        run(path, "--gemeente", "9999")
    with pytest.raises(CommandError, match="niet lezen"):
        run(str(tmp_path / "bestaat-niet.csv"), "--gemeente", "0363")


@pytest.mark.django_db
def test_without_vervang_rows_are_added_and_end_decisions_updated(tmp_path, municipality):
    existing(municipality, bsn=C)
    existing(municipality, bsn=B, product="budgetbeheer")
    path = write(
        tmp_path,
        "bsn;product;startdatum;einddatum_beschikking\n"
        f"{C};schuldregeling;2024-01-01;2026-10-01\n"  # now ended
        f"{B};budgetbeheer;2024-01-01;\n"  # unchanged
        f"{A};nazorg;2026-10-02;\n",  # new
    )
    output = run(path, "--gemeente", "0363")
    assert "nieuw:        1" in output and "bijgewerkt:   1" in output and "ongewijzigd:  1" in output
    assert rows(municipality) == [
        (C, "schuldregeling", dt.date(2024, 1, 1), dt.date(2026, 10, 1)),
        (B, "budgetbeheer", dt.date(2024, 1, 1), None),
        (A, "nazorg", dt.date(2026, 10, 2), None),
    ]
    assert ShvRegistration.objects.get(bsn=C).source == "shv-export.csv"
    assert ShvRegistration.objects.get(bsn=B).source == "vorige.csv"


@pytest.mark.django_db
def test_vervang_replaces_only_this_municipality_s_register(tmp_path, municipality, other_municipality):
    existing(municipality, bsn=C)
    existing(other_municipality, bsn=C)
    path = write(tmp_path, f"bsn;product;startdatum;einddatum_beschikking\n{A};budgetbeheer;2025-01-06;\n")
    output = run(path, "--gemeente", "0363", "--vervang")
    assert "1 oude registraties verwijderd" in output
    assert rows(municipality) == [(A, "budgetbeheer", dt.date(2025, 1, 6), None)]
    assert rows(other_municipality) == [(C, "schuldregeling", dt.date(2024, 1, 1), None)]


@pytest.mark.django_db(transaction=True)
def test_vervang_is_atomic_when_writing_fails(tmp_path, municipality, monkeypatch):
    existing(municipality, bsn=C)
    path = write(tmp_path, f"bsn;product;startdatum;einddatum_beschikking\n{A};budgetbeheer;2025-01-06;\n")

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(ShvRegistration.objects, "bulk_create", fail)
    with pytest.raises(DatabaseError):
        run(path, "--gemeente", "0363", "--vervang")
    # The old register was deleted inside the transaction; the failure rolled that back.
    assert rows(municipality) == [(C, "schuldregeling", dt.date(2024, 1, 1), None)]
