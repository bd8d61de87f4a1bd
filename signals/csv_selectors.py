"""The reads of the CSV import of signals: who may import, which imports and creditors they see,
the report's order, and the open imports the sweeper must look at."""
import datetime as dt
import json
from collections.abc import Sequence

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import permissions

from .models import Creditor, CsvImport

# An open import whose last progress (upload or processed step) is older than this has stalled:
# the sweeper enqueues it again. A step takes seconds and a 50 MB file minutes.
STALLED_AFTER = dt.timedelta(minutes=30)
OPEN_STATES = (CsvImport.State.WACHTEND, CsvImport.State.BEZIG)
FINISHED_STATES = (CsvImport.State.KLAAR, CsvImport.State.MISLUKT)


def csv_imports_open_count(*, creditor: Creditor, user=None) -> int:
    """The imports still waiting or running for ``creditor`` or uploaded by ``user`` (for the upload quota)."""
    mine = Q(creditor=creditor) | Q(uploaded_by=user) if user is not None else Q(creditor=creditor)
    return CsvImport.objects.filter(mine, state__in=OPEN_STATES).count()


def csv_import_ids_stalled(*, older_than: dt.timedelta = STALLED_AFTER) -> list:
    """Open imports without progress for ``older_than`` (a lost message, a killed worker): for the sweeper."""
    cutoff = timezone.now() - older_than
    return list(
        CsvImport.objects.filter(state__in=OPEN_STATES, progress_at__lt=cutoff).values_list("pk", flat=True)[:100]
    )


RECENT_IMPORTS = 20


def csv_import_list_for_user(*, user) -> QuerySet[CsvImport]:
    """The imports a user may see: an administrator all, creditor staff their creditor's."""
    return (CsvImport.objects.visible_to(user, roles=permissions.can_import_signals,
                                         unscoped=permissions.is_functional_admin)
            .select_related("creditor", "uploaded_by").defer("content", "results"))


def csv_import_get_for_user(*, user, import_id, with_results: bool = False) -> CsvImport | None:
    imports = csv_import_list_for_user(user=user)
    if with_results:
        imports = imports.defer(None).defer("content")
    return imports.filter(pk=import_id).first()


def csv_import_creditors_for_user(*, user) -> QuerySet[Creditor]:
    """The creditors a user may import for."""
    if not permissions.can_import_signals(user):
        return Creditor.objects.none()
    creditors = Creditor.objects.filter(is_active=True)
    if permissions.is_functional_admin(user):
        return creditors
    return creditors.filter(pk=user.creditor_id)


# --- One page of an import's report, read in the database ---------------------------------------

_RANK_SQL = {  # refused rows first, then already received, then received; each in row order
    "postgresql": ("SELECT t.elem FROM {table} c CROSS JOIN LATERAL jsonb_array_elements(c.results) "
                   "WITH ORDINALITY AS t(elem, n) WHERE c.{pk} = %s ORDER BY CASE t.elem->>'status' "
                   "WHEN 'geweigerd' THEN 0 WHEN 'al_ontvangen' THEN 1 WHEN 'ontvangen' THEN 2 ELSE 3 END, t.n "
                   "LIMIT %s OFFSET %s"),
    "sqlite": ("SELECT j.value FROM {table} c, json_each(c.results) j WHERE c.{pk} = %s ORDER BY "
               "CASE json_extract(j.value, '$.status') WHEN 'geweigerd' THEN 0 WHEN 'al_ontvangen' THEN 1 "
               "WHEN 'ontvangen' THEN 2 ELSE 3 END, j.key LIMIT %s OFFSET %s"),
}


class CsvImportResults(Sequence):
    """An import's results in report order (refused rows first, then already received, then received;
    each in row order), for a Paginator: its length is
    known without reading them, and a slice is one query that returns only that slice. So a page of a
    157,000-row import costs one page, not the whole report sorted in Python."""

    def __init__(self, csv_import: CsvImport):
        self._pk = CsvImport._meta.pk.get_db_prep_value(csv_import.pk, connection)
        self._count = csv_import.rows_done

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        start, stop, _ = index.indices(self._count)
        if stop <= start:
            return []
        sql = _RANK_SQL[connection.vendor].format(table=connection.ops.quote_name(CsvImport._meta.db_table),
                                                  pk=connection.ops.quote_name(CsvImport._meta.pk.column))
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._pk, stop - start, start])
            return [json.loads(value) if isinstance(value, str | bytes) else value for (value,) in cursor.fetchall()]
