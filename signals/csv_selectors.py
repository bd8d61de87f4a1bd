"""The reads of the CSV import of signals: who may import, which imports and creditors they see,
the report's order, and the open imports the sweeper must look at."""
import datetime as dt
import json
from collections.abc import Sequence

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.models import Municipality

from .models import Creditor, CsvImport, Delivery
from .services import AL_ONTVANGEN, GEWEIGERD, ONTVANGEN

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


def csv_import_municipalities_for_user(*, user):
    """The municipalities an upload by ``user`` is limited to: a functional administrator's own (rows for
    another gemeentecode are refused per row); None for creditor staff and superusers (no limit: a creditor
    delivers for every municipality it serves)."""
    if permissions.is_superuser(user) or not permissions.is_functional_admin(user):
        return None
    return list(user.municipalities.all())


def csv_import_list_for_user(*, user) -> QuerySet[CsvImport]:
    """The imports a user may see (security review D5): creditor staff their creditor's; a functional
    administrator the uploads limited to their own municipalities (by them or a fellow administrator of
    those municipalities), never a creditor's own upload, which may hold any municipality's rows;
    superusers all."""
    imports = CsvImport.objects.visible_to(user, roles=permissions.can_import_signals,
                                           unscoped=permissions.is_superuser)
    own = csv_import_municipalities_for_user(user=user)
    if own is not None:  # a functional administrator (municipal staff: no creditor, so visible_to gave none)
        limited_to_own = CsvImport.objects.filter(municipalities__in=own).values("pk")
        elsewhere = Municipality.objects.exclude(pk__in=[municipality.pk for municipality in own])
        imports = CsvImport.objects.filter(pk__in=limited_to_own).exclude(municipalities__in=elsewhere)
    return imports.select_related("creditor", "uploaded_by").defer("content", "results")


def csv_import_get_for_user(*, user, import_id, with_results: bool = False) -> CsvImport | None:
    imports = csv_import_list_for_user(user=user)
    if with_results:
        imports = imports.defer(None).defer("content")
    return imports.filter(pk=import_id).first()


def csv_import_creditors_for_user(*, user) -> QuerySet[Creditor]:
    """The creditors a user may import for: creditor staff their own; a functional administrator of at least
    one municipality every active creditor (on its behalf, for their own municipalities' rows only)."""
    if not permissions.can_import_signals(user):
        return Creditor.objects.none()
    creditors = Creditor.objects.filter(is_active=True)
    if permissions.is_superuser(user):
        return creditors
    if permissions.is_functional_admin(user):
        return creditors if csv_import_municipalities_for_user(user=user) else Creditor.objects.none()
    return creditors.filter(pk=user.creditor_id)


def deliveries_for_admin(*, user) -> QuerySet[Delivery]:
    """The deliveries a user sees in /beheer/: superusers all; a functional administrator those of the CSV
    imports they see (an API delivery holds rows for many municipalities, and its results name them)."""
    if permissions.is_superuser(user):
        return Delivery.objects.all()
    if not permissions.is_functional_admin(user):
        return Delivery.objects.none()
    return Delivery.objects.filter(pk__in=CsvImport.deliveries.through.objects.filter(
        csvimport__in=csv_import_list_for_user(user=user).values("pk")).values("delivery_id"))


def results_ordered(results: list[dict]) -> list[dict]:
    """Refused rows first, then already received, then received; each in row order."""
    rank = {GEWEIGERD: 0, AL_ONTVANGEN: 1, ONTVANGEN: 2}
    return sorted(results, key=lambda result: (rank.get(result["status"], 3), result["regel"]))
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
