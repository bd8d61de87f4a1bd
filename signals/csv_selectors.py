"""The reads of the CSV import of signals: who may import, which imports and creditors they see,
the report's order, and the open imports the sweeper must look at."""
import datetime as dt

from django.db.models import QuerySet
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
