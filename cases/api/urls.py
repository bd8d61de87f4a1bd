"""The municipal API (/api/v1/gemeente/…): cases for other municipal systems, with the same roles
and scoping as the web screens."""
from django.urls import path, register_converter

from .bakjes import BakjesView
from .contactpogingen import ContactpogingenView, ContactpogingView, ReactieView
from .meldingen import AfsluitingView, HeropeningView, MeldingenView, MeldingView, ToewijzingView


class IdConverter:
    """A database id in a path: 1 to 18 digits (a longer number is no id here: 404, never a database error)."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "gemeente_id")

urlpatterns = [
    path("meldingen", MeldingenView.as_view(), name="gemeente-meldingen"),
    path("meldingen/<gemeente_id:meldingId>", MeldingView.as_view(), name="gemeente-melding"),
    path("meldingen/<gemeente_id:meldingId>/contactpogingen", ContactpogingenView.as_view(),
         name="gemeente-contactpogingen"),
    path("meldingen/<gemeente_id:meldingId>/contactpogingen/<gemeente_id:contactpogingId>",
         ContactpogingView.as_view(), name="gemeente-contactpoging"),
    path("meldingen/<gemeente_id:meldingId>/contactpogingen/<gemeente_id:contactpogingId>/reactie",
         ReactieView.as_view(), name="gemeente-reactie"),
    path("meldingen/<gemeente_id:meldingId>/afsluiting", AfsluitingView.as_view(), name="gemeente-afsluiting"),
    path("meldingen/<gemeente_id:meldingId>/heropening", HeropeningView.as_view(), name="gemeente-heropening"),
    path("meldingen/<gemeente_id:meldingId>/toewijzing", ToewijzingView.as_view(), name="gemeente-toewijzing"),
    path("bakjes", BakjesView.as_view(), name="gemeente-bakjes"),
]
