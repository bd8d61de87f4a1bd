from django.urls import path, register_converter

from vroegsignalering.common.openapi import OpenApiDocumentView

from . import views


class SignalIdConverter:
    """A signaalId in a path: may contain '/', but never ends with one (trailing slash → 404)."""

    regex = r"[^/](?:.*[^/])?"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SignalIdConverter, "signaal_id")

urlpatterns = [
    path("leveringen", views.LeveringenView.as_view(), name="api-leveringen"),
    path("leveringen/<uuid:leveringId>", views.LeveringDetailView.as_view(), name="api-levering"),
    path("signalen", views.SignalenView.as_view(), name="api-signalen"),
    path("signalen/<signaal_id:signaalId>", views.SignaalDetailView.as_view(), name="api-signaal"),
    path("openapi.json", OpenApiDocumentView.as_view(), name="api-openapi"),
]
