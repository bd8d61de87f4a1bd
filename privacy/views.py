"""The functional administrator's view of the purge: its reports (read-only). Counts only, no personal data."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import is_functional_admin
from cases.retention import NEVER_ENDED_MIN_MONTHS

from .purge_other import audit_months
from .selectors import purge_reports_for_user


@login_required
@require_GET
def purge_reports(request):
    if not is_functional_admin(request.user):
        raise PermissionDenied("Alleen een functioneel beheerder ziet de verslagen van de opschoning.")
    return render(request, "privacy/opschoning.html", {
        "reports": purge_reports_for_user(request.user), "audit_months": audit_months(),
        "never_ended_min_months": NEVER_ENDED_MIN_MONTHS,
        "municipalities": request.user.municipalities.order_by("name"),
    })
