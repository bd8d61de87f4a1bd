"""The municipal API's trays (/api/v1/gemeente/bakjes) with their counts of active cases."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from cases import selectors
from vroegsignalering.common.api import FieldError, query_params
from vroegsignalering.common.problems import InvalidParams

from .base import ROLES_TEXT, TAG, MunicipalApiView, problems
from .representations import Bakjes, tray_representation


class BakjesView(MunicipalApiView):
    audit_spec = None  # trays and counts: no personal data
    @extend_schema(
        operation_id="bakjesOpvragen",
        summary="De bakjes van de eigen gemeente(n) met het aantal actieve meldingen",
        description=ROLES_TEXT,
        responses={200: Bakjes, **problems(400, 401, 403, 429, _400="Onbekende parameter.")},
        tags=[TAG],
    )
    def get(self, request):
        errors: list[FieldError] = []
        query_params(request, set(), errors)
        if errors:
            raise InvalidParams(errors)
        return Response({"bakjes": [tray_representation(t) for t in selectors.trays_for_api(request.user)]})
