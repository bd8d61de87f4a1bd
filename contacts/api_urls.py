"""The municipal API's contact attempts (/api/v1/gemeente/meldingen/{id}/contactpogingen…), mounted
beside the case API by ``vroegsignalering/urls.py``."""
from django.urls import path

from cases.api import base  # noqa: F401 (registers the gemeente_id path converter)

from .api import ContactpogingenView, ContactpogingView, ReactieView

urlpatterns = [
    path("meldingen/<gemeente_id:meldingId>/contactpogingen", ContactpogingenView.as_view(),
         name="gemeente-contactpogingen"),
    path("meldingen/<gemeente_id:meldingId>/contactpogingen/<gemeente_id:contactpogingId>",
         ContactpogingView.as_view(), name="gemeente-contactpoging"),
    path("meldingen/<gemeente_id:meldingId>/contactpogingen/<gemeente_id:contactpogingId>/reactie",
         ReactieView.as_view(), name="gemeente-reactie"),
]
