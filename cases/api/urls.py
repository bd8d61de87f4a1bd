"""The municipal API (/api/v1/gemeente/…): cases for other municipal systems, with the same roles
and scoping as the web screens. The contact attempts are the contacts app's (``contacts/api_urls.py``)."""
from django.urls import path

from . import base  # noqa: F401 (registers the gemeente_id path converter)
from .bakjes import BakjesView
from .meldingen import AfsluitingView, HeropeningView, MeldingenView, MeldingView, ToewijzingView

urlpatterns = [
    path("meldingen", MeldingenView.as_view(), name="gemeente-meldingen"),
    path("meldingen/<gemeente_id:meldingId>", MeldingView.as_view(), name="gemeente-melding"),
    path("meldingen/<gemeente_id:meldingId>/afsluiting", AfsluitingView.as_view(), name="gemeente-afsluiting"),
    path("meldingen/<gemeente_id:meldingId>/heropening", HeropeningView.as_view(), name="gemeente-heropening"),
    path("meldingen/<gemeente_id:meldingId>/toewijzing", ToewijzingView.as_view(), name="gemeente-toewijzing"),
    path("bakjes", BakjesView.as_view(), name="gemeente-bakjes"),
]
