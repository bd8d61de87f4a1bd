#!/usr/bin/env python
"""CSV import benchmark: a large valid file (default 50 MB, the upload limit) through the import on PostgreSQL.

    .venv/bin/python bench/csv_import.py [--megabytes 50] [--database-url postgres://…/bench_csv]

Creates (drops first) the database named by --database-url, migrates it, generates a valid CSV
file of synthetic signals of about --megabytes MB (every column filled, UTF-8 with BOM, `;`),
and times, in this process:

- ``inspect_csv`` (what the web upload does in the request: encoding, header, syntax, row count);
- ``csv_import_create`` + ``csv_import_run`` (what the worker does), without a time budget;

and prints the rows per second and the process's peak RSS after each phase. The checks each
delivery enqueues go to an in-memory broker (``memory://``) and are not run.
"""
import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from intake import recreate_database, setup_django  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(megabytes: float, path: Path) -> None:
    """Write the file row by row (so that generating it does not count in the peak RSS)."""
    from signals.csv_columns import COLUMNS

    target = int(megabytes * 1024 * 1024) - 4096
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        n = 0
        while file.tell() < target:
            n += 1
            writer.writerow([
                f"BENCH-{n:08d}", "0363", "huur", "vroegsignaal", "nee", "Proefpersoon", "van der", "Anaïs Zoë",
                "A.Z.", "", f"19{50 + n % 50}-0{1 + n % 9}-1{n % 10}", "06 12345678|020 1234567",
                f"a.proef{n}@example.nl", f"10{11 + n % 80} AB", str(1 + n % 300), "", "", "Voorbeeldstraat",
                "Amsterdam", f"{100 + n % 5000},50", "2026-09-01", "2", "625,00", f"HC-{n}", "", "", "", "",
            ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_csv")
    args = parser.parse_args()
    recreate_database(args.database_url)
    setup_django({"DATABASE_URL": args.database_url, "CELERY_BROKER_URL": "memory://",
                  "DJANGO_SETTINGS_MODULE": "vroegsignalering.settings", "ENVIRONMENT": "development",
                  "LOG_LEVEL": "WARNING"})
    from django.conf import settings
    from django.core.management import call_command

    from accounts.services import municipality_create_or_update
    from signals.csv_format import inspect_csv
    from signals.csv_services import csv_import_create, csv_import_run
    from signals.models import Creditor, CsvImport

    call_command("migrate", verbosity=0)
    municipality_create_or_update(cbs_code="0363", name="Amsterdam", inhabitants=931_298)
    creditor = Creditor.objects.create(name="Verhuurder Bench")
    settings.CSV_IMPORT_MAX_BYTES = max(settings.CSV_IMPORT_MAX_BYTES, int(args.megabytes * 1024 * 1024))

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.csv"
        generate(args.megabytes, path)
        content = path.read_bytes()
    print(f"file: {len(content) / 1024 / 1024:.1f} MB; peak RSS with Django and the file read: {peak_rss_mb():.0f} MB")

    started = time.perf_counter()
    layout = inspect_csv(content)
    inspected = time.perf_counter() - started
    print(f"inspect_csv: {layout.rows_total} rows in {inspected:.1f} s; peak RSS {peak_rss_mb():.0f} MB")

    started = time.perf_counter()
    import_id = csv_import_create(creditor=creditor, file_name="bench.csv", content=content, enqueue=False).pk
    del content
    csv_import_run(import_id=import_id)
    elapsed = time.perf_counter() - started
    csv_import = CsvImport.objects.get(pk=import_id)
    print(f"import: {csv_import.state}, {csv_import.count_received} received of {csv_import.rows_total} in "
          f"{elapsed:.0f} s ({csv_import.rows_total / elapsed:.0f} rows/s); peak RSS {peak_rss_mb():.0f} MB; "
          f"file kept: {len(bytes(csv_import.content))} bytes")
    os._exit(0)


if __name__ == "__main__":
    main()
